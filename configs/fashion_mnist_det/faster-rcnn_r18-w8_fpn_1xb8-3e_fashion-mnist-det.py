# Student of the detection pair: Faster R-CNN, ResNet-18 of base width 8
# (8..64 channels) under a 32-channel FPN, from scratch, 3 epochs on the
# 8000 training canvases - the baseline of every detection distiller.
_base_ = [
    '../_base_/models/faster-rcnn_fpn32_fashion-mnist-det.py',
    '../_base_/datasets/fashion_mnist_det_128.py',
    '../_base_/schedules/sgd_det_step.py', '../_base_/default_runtime_det.py'
]
custom_imports = dict(imports=['mmrazor_unified'], allow_failed_imports=False)

width = 8
model = dict(
    backbone=dict(depth=18, base_channels=width),
    neck=dict(in_channels=[width * 2**i for i in range(4)]))
