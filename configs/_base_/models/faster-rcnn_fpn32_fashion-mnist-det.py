# Faster R-CNN with FPN for the 128-px Fashion-MNIST detection canvases,
# slimmed to train on CPU: MMDetection's R-50 FPN model with a 32-channel
# FPN, a box head of 128-wide fully connected layers, 10 classes, fewer
# proposals (500 before NMS, 100 kept) and 32 sampled RoIs per image (a
# canvas holds at most 4 items). Same strides (4..64) and anchors as
# MMDetection's.
# Backbones train from scratch (no ImageNet weights): no frozen stem, batch
# statistics updated (`frozen_stages=-1`, `norm_eval=False`).
#
# A detector config inherits this file and sets its ResNet: `depth`,
# `base_channels` and the FPN's `in_channels` (base_channels x 1, 2, 4, 8
# for ResNet-18/34).
_base_ = 'mmdet::_base_/models/faster-rcnn_r50_fpn.py'

fpn_channels = 32
model = dict(
    backbone=dict(frozen_stages=-1, norm_eval=False, init_cfg=None),
    neck=dict(out_channels=fpn_channels),
    rpn_head=dict(in_channels=fpn_channels, feat_channels=fpn_channels),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=fpn_channels),
        bbox_head=dict(
            in_channels=fpn_channels, fc_out_channels=128, num_classes=10)),
    train_cfg=dict(
        rpn_proposal=dict(nms_pre=500, max_per_img=100),
        rcnn=dict(sampler=dict(num=32))),
    test_cfg=dict(rpn=dict(nms_pre=500, max_per_img=100)))
