# FBKD (MMRazor's `FBKDLoss` with its non-local student/teacher connectors) on
# FPN levels P2-P5, from MMRazor's Faster R-CNN config, on the Fashion-MNIST
# detection pair: MMRazor's distiller as shipped but for its connectors'
# input channels (the pair's FPN has 32, MMRazor's 256), the pair's models,
# data, 3-epoch schedule and hooks swapped in (see
# ../fashion_mnist_det/_base_/faster-rcnn_r34-w16_r18-w8_pair_swap.py).
_base_ = [
    'mmrazor::distill/mmdet/fbkd/'
    'fbkd_fpn_faster-rcnn_r101_faster-rcnn_r50_1x_coco.py',
    '../fashion_mnist_det/_base_/faster-rcnn_r34-w16_r18-w8_pair_swap.py'
]
model = dict(
    _base_.pair.model,
    distiller=dict(
        connectors={
            f'loss_s{level}_{side}feat': dict(in_channels=32)
            for level in range(4) for side in 'st'
        }))
train_dataloader = _base_.pair.train_dataloader
val_dataloader = _base_.pair.val_dataloader
test_dataloader = _base_.pair.test_dataloader
val_evaluator = _base_.pair.val_evaluator
test_evaluator = _base_.pair.test_evaluator
train_cfg = _base_.pair.train_cfg
param_scheduler = _base_.pair.param_scheduler
optim_wrapper = _base_.pair.optim_wrapper
auto_scale_lr = _base_.pair.auto_scale_lr
default_hooks = _base_.pair.default_hooks
