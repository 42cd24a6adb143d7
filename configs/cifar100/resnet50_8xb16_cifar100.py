# ResNet_CIFAR-50 on CIFAR-100: MMPretrain's config, buildable by MMRazor
# through cfg_path='mmrazor_unified::cifar100/resnet50_8xb16_cifar100.py'.
# The MGKD teacher.
_base_ = ['mmpretrain::resnet/resnet50_8xb16_cifar100.py']

model = dict(_scope_='mmpretrain')
