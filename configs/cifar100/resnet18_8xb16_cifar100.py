# ResNet_CIFAR-18 on CIFAR-100: MMPretrain's CIFAR-10 ResNet-18 with the
# CIFAR-100 data and head, and the schedule of MMPretrain's CIFAR-100
# ResNet-50 (wd 5e-4, lr x0.2 at 60/120/160 of 200 epochs). The MGKD
# student; also its baseline trained alone.
_base_ = [
    'mmpretrain::_base_/models/resnet18_cifar.py',
    'mmpretrain::_base_/datasets/cifar100_bs16.py',
    'mmpretrain::_base_/schedules/cifar10_bs128.py',
    'mmpretrain::_base_/default_runtime.py'
]

# `_scope_` lets MMRazor build it through cfg_path='mmrazor_unified::...'
model = dict(_scope_='mmpretrain', head=dict(num_classes=100))

optim_wrapper = dict(optimizer=dict(weight_decay=0.0005))
param_scheduler = dict(
    type='MultiStepLR',
    by_epoch=True,
    milestones=[60, 120, 160],
    gamma=0.2,
)
