# MGKD stage 2 on CIFAR-100: train the analyser on the frozen ResNet_CIFAR-50
# teacher (pooled feature 2048) with the reference recipe: SGD lr 0.01,
# momentum 0.9, wd 5e-4, batch 64, 60 epochs, lr x0.1 at epochs 30 and 45.
# All branches jointly, on images (the teacher runs every step: the random
# crops of this pipeline cannot be cached); keep the last checkpoint.
_base_ = [
    './_base_/mgkd_branches.py',
    'mmpretrain::_base_/datasets/cifar100_bs16.py',
    'mmpretrain::_base_/default_runtime.py'
]
custom_imports = dict(imports=['mmrazor_unified'], allow_failed_imports=False)

# MMPretrain's ResNet-50 of ../cifar100/resnet50_8xb16_cifar100.py (the
# teacher of the CIFAR-100 stage-3 configs)
teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_b16x8_cifar100_20210528-67b58a1b.pth'  # noqa: E501

model = dict(
    _scope_='mmrazor',
    type='MGKDAnalyserTraining',
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[129.304, 124.070, 112.434],
        std=[68.170, 65.392, 70.418]),
    architecture=dict(
        cfg_path='mmrazor_unified::cifar100/resnet50_8xb16_cifar100.py',
        pretrained=False),
    teacher_ckpt=teacher_ckpt,
    analyser=dict(
        type='MGKDAnalyser',
        in_channels=2048,
        num_classes=100,
        branches={{_base_.mgkd_branches}}))

train_dataloader = dict(batch_size=64)
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[30, 45], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=60, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=64)

default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=2))

val_evaluator = dict(_delete_=True, type='mmrazor.MGKDBranchAccuracy')
test_evaluator = val_evaluator
