# MGKD stage 2 on CIFAR-100: train the analyser on the frozen ResNet_CIFAR-50
# teacher (pooled feature 2048) with the reference recipe: SGD lr 0.01,
# momentum 0.9, wd 5e-4, batch 64, 60 epochs, lr x0.1 at epochs 30 and 45.
# All branches jointly; keep the last checkpoint.
_base_ = [
    './_base_/mgkd_branches.py',
    'mmpretrain::_base_/datasets/cifar100_bs16.py',
    'mmpretrain::_base_/default_runtime.py'
]
custom_imports = dict(imports=['mmrazor_unified'], allow_failed_imports=False)

# Placeholder: a ResNet-50 trained with mmpretrain::resnet/
# resnet50_8xb16_cifar100.py (or our configs/cifar100/
# resnet50_8xb16_cifar100.py). Set it here or with
# --cfg-options model.teacher_ckpt=<path>.
teacher_ckpt = 'checkpoints/resnet50_8xb16_cifar100.pth'

model = dict(
    _scope_='mmrazor',
    type='MGKDAnalyserTraining',
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[129.304, 124.070, 112.434],
        std=[68.170, 65.392, 70.418]),
    architecture=dict(
        cfg_path='mmpretrain::resnet/resnet50_8xb16_cifar100.py',
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
