# Teacher of the detection pair: Faster R-CNN, ResNet-34 of base width 16
# (16..128 channels) under the student's 32-channel FPN and box head, from
# scratch, 12 epochs on the 8000 training canvases.
_base_ = [
    '../_base_/models/faster-rcnn_fpn32_fashion-mnist-det.py',
    '../_base_/datasets/fashion_mnist_det_128.py',
    '../_base_/schedules/sgd_det_step.py', '../_base_/default_runtime_det.py'
]
custom_imports = dict(imports=['mmrazor_unified'], allow_failed_imports=False)

width = 16
max_epochs = 12
model = dict(
    backbone=dict(depth=34, base_channels=width),
    neck=dict(in_channels=[width * 2**i for i in range(4)]))
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(
        type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
        end=300),
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_epochs,
        by_epoch=True,
        milestones=[max_epochs * 2 // 3],
        gamma=0.1)
]
