# MGKD pair on CIFAR-100: teacher ResNet_CIFAR-50 (pooled feature 2048),
# student ResNet_CIFAR-18 (pooled feature 512), MMPretrain's CIFAR-100
# pipeline and ResNet schedule. Host configs inherit it.
_base_ = [
    'mmpretrain::_base_/datasets/cifar100_bs16.py',
    'mmpretrain::_base_/schedules/cifar10_bs128.py',
    'mmpretrain::_base_/default_runtime.py', './mgkd_distiller.py'
]

# Placeholders: the teacher trained with configs/cifar100/
# resnet50_8xb16_cifar100.py, and the last checkpoint of stage 2
# (mgkd_analyser_resnet50_1xb64_cifar100.py). Set them here or with
# --cfg-options model.teacher_ckpt=... \
#   model.distiller.connectors.mgkd_analyser.checkpoint=...
teacher_ckpt = 'checkpoints/resnet50_8xb16_cifar100.pth'
analyser_ckpt = 'checkpoints/mgkd_analyser_resnet50_cifar100.pth'

model = dict(
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
        connectors=dict(
            mgkd_analyser=dict(
                in_channels=2048, num_classes=100, checkpoint=analyser_ckpt),
            mgkd_student_encoders=dict(in_channels=512))))

optim_wrapper = dict(optimizer=dict(weight_decay=0.0005))
param_scheduler = dict(
    type='MultiStepLR',
    by_epoch=True,
    milestones=[60, 120, 160],
    gamma=0.2,
)

val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
