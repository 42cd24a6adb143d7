# MMRazor's DKDLoss (Decoupled KD) on the Fashion-MNIST pair: tau 4, alpha 1
# as in the authors' CIFAR-100 recipe, beta 2 instead of 8 for 10 classes (see
# ./README.md), and the authors' linear warm-up of the loss (here over the
# first epoch).
_base_ = ['../kd/kd_logits_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py']

model = dict(
    distiller=dict(
        student_recorders=dict(
            gt_labels=dict(type='ModuleInputs', source='head.loss_module')),
        distill_losses=dict(
            _delete_=True,
            loss_dkd=dict(
                type='DKDLoss',
                tau=4,
                alpha=1,
                beta=2,
                loss_weight=1,
                reduction='batchmean')),
        loss_forward_mappings=dict(
            _delete_=True,
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
