# MGKD on the DKD host: CE + MMRazor's DKDLoss + KD(tau=4) against the stable
# excitation target + granularity losses (feature/other hosts: ce 1, div 1).
# DKD settings as in configs/dkd/ for this pair (tau 4, alpha 1, beta 2,
# warm-up).
_base_ = ['./_base_/mgkd_resnet18-w16_resnet18-w4_fashion-mnist-10k.py']

model = dict(
    distiller=dict(
        student_recorders=dict(
            gt_labels=dict(type='ModuleInputs', source='head.loss_module')),
        distill_losses=dict(
            loss_dkd=dict(
                type='DKDLoss',
                tau=4,
                alpha=1,
                beta=2,
                reduction='batchmean',
                loss_weight=1)),
        loss_forward_mappings=dict(
            loss_dkd=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc'),
                gt_labels=dict(
                    recorder='gt_labels', from_student=True, data_idx=1)))))

custom_hooks = [
    dict(
        type='mmrazor.DistillLossWarmupHook',
        loss_names=['loss_dkd'],
        warmup_epochs=1)
]
