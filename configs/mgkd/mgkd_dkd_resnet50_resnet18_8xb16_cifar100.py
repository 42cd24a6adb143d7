# MGKD on the DKD host, CIFAR-100: CE + MMRazor's DKDLoss (the CIFAR-100
# recipe of DKD: tau 4, alpha 1, beta 8, 20 warm-up epochs) + KD(tau=4)
# against the stable excitation target + granularity losses.
_base_ = ['./_base_/mgkd_resnet50_resnet18_cifar100.py']

model = dict(
    distiller=dict(
        student_recorders=dict(
            gt_labels=dict(type='ModuleInputs', source='head.loss_module')),
        distill_losses=dict(
            loss_dkd=dict(
                type='DKDLoss',
                tau=4,
                alpha=1,
                beta=8,
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
        warmup_epochs=20)
]
