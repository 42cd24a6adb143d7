# UniKD + DKD on CIFAR-100 with the authors' CIFAR-100 recipe (their
# configs/UniLogits/cifar/*.yaml, e.g. resnet32x4 -> resnet8x4), on the pair
# MMPretrain can build: ResNet_CIFAR-50 -> ResNet_CIFAR-18 (it builds no
# resnet32x4 / resnet8x4). Batch 64 on one GPU, SGD lr 0.05, momentum 0.9,
# wd 5e-4, 240 epochs with lr x0.1 at 150/180/210; DKD alpha 1, beta 8, T 4,
# ramped in over 20 epochs; UniKD temperature 1 and weights 1. The UniKD parts
# of the pair are in ./_base_/unikd_resnet50_resnet18_cifar100.py.
_base_ = [
    './_base_/unikd_distiller.py',
    './_base_/unikd_resnet50_resnet18_cifar100.py',
    'mmpretrain::_base_/datasets/cifar100_bs16.py',
    'mmpretrain::_base_/schedules/cifar10_bs128.py',
    '../_base_/default_runtime.py'
]

# MMPretrain's ResNet-50 of configs/cifar100/resnet50_8xb16_cifar100.py
teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_b16x8_cifar100_20210528-67b58a1b.pth'  # noqa: E501

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
        student_recorders={{_base_.unikd_student_recorders}},
        teacher_recorders={{_base_.unikd_teacher_recorders}},
        connectors={{_base_.unikd_connectors}},
        distill_losses=dict(loss_dkd=dict(tau=4.0, alpha=1.0, beta=8.0))))

train_dataloader = dict(batch_size=64)
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[150, 180, 210], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=240, val_interval=1)
auto_scale_lr = dict(base_batch_size=64)
custom_hooks = [
    dict(
        type='mmrazor.DistillLossWarmupHook',
        loss_names=['loss_dkd'],
        warmup_epochs=20)
]
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
