# UniKD-Det on COCO: Faster R-CNN R-101 FPN -> Faster R-CNN R-18 FPN, the
# authors' detection recipe (detection/configs/UniKD/UniKD-R18-R101.yaml and
# Base-Distillation.yaml of their mdistiller fork, Detectron2): 180k
# iterations at batch 8 (here 4 GPUs x 2 images), SGD lr 0.01 (momentum 0.9,
# weight decay 1e-4, 1000 linear warm-up iterations), lr x0.1 at 120k and
# 160k, shorter image side drawn from 640..800 (max 1333) in training, DKD
# alpha 1, beta 0.25, T 1, UniKD temperature 1, weights 1 and 0.1.
# The teacher is MMDetection's multi-scale 3x R-101 (41.8 box AP; the
# authors' Detectron2 R-101 3x has 42.0); the student's ResNet-18 starts from
# torchvision's ImageNet weights.
#
# UNTRAINED HERE: no COCO and no GPU on our machines, so there are no numbers
# of ours for this config; the tests only build it and take a step on
# synthetic images.
_base_ = [
    './_base_/unikd_det_distiller.py',
    'mmdet::_base_/datasets/coco_detection.py',
    'mmdet::_base_/default_runtime.py'
]

teacher_ckpt = 'https://download.openmmlab.com/mmdetection/v2.0/faster_rcnn/faster_rcnn_r101_fpn_mstrain_3x_coco/faster_rcnn_r101_fpn_mstrain_3x_coco_20210524_110822-4d4d2ca8.pth'  # noqa: E501

model = dict(
    architecture=dict(
        cfg_path='mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py',
        pretrained=False,
        # ResNet-18 (BasicBlock: 64..512 channels) under the same FPN
        backbone=dict(
            depth=18,
            init_cfg=dict(
                type='Pretrained', checkpoint='torchvision://resnet18')),
        neck=dict(in_channels=[64, 128, 256, 512])),
    teacher=dict(
        cfg_path='mmdet::faster_rcnn/faster-rcnn_r101_fpn_ms-3x_coco.py',
        pretrained=False),
    teacher_ckpt=teacher_ckpt)

# Detectron2's ResizeShortestEdge((640, 672, 704, 736, 768, 800), 1333)
train_pipeline = [
    dict(type='LoadImageFromFile', backend_args=None),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        type='RandomChoiceResize',
        scales=[(1333, s) for s in (640, 672, 704, 736, 768, 800)],
        keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs')
]
train_dataloader = dict(batch_size=2, dataset=dict(pipeline=train_pipeline))

train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=180000, val_interval=20000)
val_cfg = dict(type='mmrazor.SingleTeacherDistillValLoop')
test_cfg = dict(type='TestLoop')

param_scheduler = [
    dict(
        type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
        end=1000),
    dict(
        type='MultiStepLR',
        begin=0,
        end=180000,
        by_epoch=False,
        milestones=[120000, 160000],
        gamma=0.1)
]
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0001))
auto_scale_lr = dict(enable=False, base_batch_size=8)

default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=20000))
log_processor = dict(by_epoch=False)
