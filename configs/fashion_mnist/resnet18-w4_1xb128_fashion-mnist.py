# Student: ResNet_CIFAR-18 with base width 4, trained alone.
_base_ = ['./resnet18-w16_1xb128_fashion-mnist.py']

width = 4
model = dict(
    backbone=dict(stem_channels=width, base_channels=width),
    head=dict(in_channels=width * 8))
