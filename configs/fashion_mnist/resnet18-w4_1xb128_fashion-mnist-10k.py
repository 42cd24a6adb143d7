# Student: ResNet_CIFAR-18, base width 4, trained alone
# on the 10k training subset for 8 epochs - the baseline of every distiller.
_base_ = [
    '../_base_/models/resnet18-cifar_fashion-mnist.py',
    '../_base_/datasets/fashion_mnist-10k_bs128.py',
    '../_base_/schedules/sgd_cosine_8e.py', '../_base_/default_runtime.py'
]

width = 4
model = dict(
    backbone=dict(stem_channels=width, base_channels=width),
    head=dict(in_channels=width * 8))
