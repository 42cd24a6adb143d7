# UniKD + DKD on CIFAR-100: ResNet_CIFAR-50 -> ResNet_CIFAR-18 (MMPretrain).
# The UniKD parts of the pair are in
# ./_base_/unikd_resnet50_resnet18_cifar100.py.
# DKD as its authors ran it on CIFAR: tau 4, beta 8, 20 warm-up epochs.
_base_ = [
    './_base_/unikd_distiller.py',
    './_base_/unikd_resnet50_resnet18_cifar100.py',
    'mmpretrain::_base_/datasets/cifar100_bs16.py',
    'mmpretrain::_base_/schedules/cifar10_bs128.py',
    '../_base_/default_runtime.py'
]

# trained with configs/cifar100/resnet50_8xb16_cifar100.py
teacher_ckpt = 'checkpoints/resnet50_8xb16_cifar100.pth'

model = dict(
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[129.304, 124.070, 112.434],
        std=[68.170, 65.392, 70.418]),
    architecture=dict(
        cfg_path='mmrazor_unified::cifar100/resnet18_8xb16_cifar100.py'),
    teacher=dict(
        cfg_path='mmrazor_unified::cifar100/resnet50_8xb16_cifar100.py'),
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        student_recorders={{_base_.unikd_student_recorders}},
        teacher_recorders={{_base_.unikd_teacher_recorders}},
        connectors={{_base_.unikd_connectors}}))

custom_hooks = [
    dict(
        type='mmrazor.DistillLossWarmupHook',
        loss_names=['loss_logits'],
        warmup_epochs=20)
]
optim_wrapper = dict(optimizer=dict(weight_decay=0.0005))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[60, 120, 160], gamma=0.2)
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
