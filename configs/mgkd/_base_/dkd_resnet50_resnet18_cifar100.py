# DKD on CIFAR-100, ResNet_CIFAR-50 -> ResNet_CIFAR-18: the KD host
# (./kd_resnet50_resnet18_cifar100.py) with MMRazor's DKDLoss `loss_dkd` in
# place of KD, with its authors' CIFAR-100 recipe: tau 4, alpha 1, beta 8,
# ramped in over 20 epochs. The host of the CIFAR-100 MGKD + DKD config.
_base_ = ['./kd_resnet50_resnet18_cifar100.py']

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
                beta=8,
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
        warmup_epochs=20)
]
