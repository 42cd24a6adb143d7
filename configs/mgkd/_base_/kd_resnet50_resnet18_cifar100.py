# KD on CIFAR-100, ResNet_CIFAR-50 -> ResNet_CIFAR-18: the host that the
# CIFAR-100 MGKD configs add MGKD's parts to (MMRazor ships no distillation
# config for this pair). Like the Fashion-MNIST KD row: CE 1 + MMRazor's
# KLDivergence `loss_kl` (tau 4, weight 1); the student's own CIFAR-100
# schedule (../../cifar100/resnet18_8xb16_cifar100.py).
_base_ = [
    'mmpretrain::_base_/datasets/cifar100_bs16.py',
    'mmpretrain::_base_/schedules/cifar10_bs128.py',
    '../../_base_/default_runtime.py'
]
custom_imports = dict(imports=['mmrazor_unified'], allow_failed_imports=False)

# MMPretrain's ResNet-50 of ../../cifar100/resnet50_8xb16_cifar100.py
teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_b16x8_cifar100_20210528-67b58a1b.pth'  # noqa: E501

model = dict(
    _scope_='mmrazor',
    type='StrictTeacherDistill',
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[129.304, 124.070, 112.434],
        std=[68.170, 65.392, 70.418]),
    architecture=dict(
        cfg_path='mmrazor_unified::cifar100/resnet18_8xb16_cifar100.py',
        pretrained=False),
    teacher=dict(
        cfg_path='mmrazor_unified::cifar100/resnet50_8xb16_cifar100.py',
        pretrained=False),
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        teacher_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_kl=dict(type='KLDivergence', tau=4, loss_weight=1)),
        loss_forward_mappings=dict(
            loss_kl=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc')))))

optim_wrapper = dict(optimizer=dict(weight_decay=0.0005))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[60, 120, 160], gamma=0.2)
find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
