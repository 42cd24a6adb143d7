# Fashion-MNIST detection, MMDetection style: 128x128 grayscale canvases, each
# with 1-4 Fashion-MNIST items (scaled 0.75-2x, box IoU <= 0.3), COCO format,
# 10 classes. Splits: train 8000 canvases (training images 0-49999), val 1000
# (held-out training images 50000-59999), test 1000 (the t10k images).
# Build it with `make data` or
# `python tools/dataset_converters/prepare_fashion_mnist_det.py`.
#
# Scopes: the data set, its transforms and the evaluators carry the `mmdet`
# scope, so this file can be inherited by configs whose default_scope is
# `mmdet` or `mmrazor` (MMRazor's detection distillers), by plain path or as
# `mmrazor_unified::_base_/datasets/fashion_mnist_det_128.py`. The data set
# type is MMDetection's CocoDataset plus a check that names a missing
# annotation file or image and the command that builds it.
dataset_type = 'mmrazor.FashionMNISTDetDataset'
data_root = 'data/fashion_mnist_det/'
canvas_size = 128
classes = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal',
           'Shirt', 'Sneaker', 'Bag', 'Ankle boot')
metainfo = dict(classes=classes)
backend_args = None

# The PNGs are grayscale; LoadImageFromFile (color_type='color') reads them
# as 3-channel BGR, as MMDetection's models and data preprocessors expect.
train_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args, _scope_='mmdet'),
    dict(type='LoadAnnotations', with_bbox=True, _scope_='mmdet'),
    dict(
        type='Resize',
        scale=(canvas_size, canvas_size),
        keep_ratio=True,
        _scope_='mmdet'),
    dict(type='RandomFlip', prob=0.5, _scope_='mmdet'),
    dict(type='PackDetInputs', _scope_='mmdet'),
]
test_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args, _scope_='mmdet'),
    dict(
        type='Resize',
        scale=(canvas_size, canvas_size),
        keep_ratio=True,
        _scope_='mmdet'),
    dict(type='LoadAnnotations', with_bbox=True, _scope_='mmdet'),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor'),
        _scope_='mmdet'),
]

# Loading in the training process: a 128x128 PNG decodes in ~0.1 ms, less
# than handing a batch over from a worker process costs on CPU.
train_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        _scope_='mmdet',
        type=dataset_type,
        metainfo=metainfo,
        data_root=data_root,
        ann_file='annotations/train.json',
        data_prefix=dict(img='train/'),
        filter_cfg=dict(filter_empty_gt=True),
        pipeline=train_pipeline,
        backend_args=backend_args))
val_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        _scope_='mmdet',
        type=dataset_type,
        metainfo=metainfo,
        data_root=data_root,
        ann_file='annotations/val.json',
        data_prefix=dict(img='val/'),
        test_mode=True,
        pipeline=test_pipeline,
        backend_args=backend_args))
# the test split: the val loader on the test images
test_dataloader = dict(
    val_dataloader,
    dataset=dict(
        val_dataloader['dataset'],
        ann_file='annotations/test.json',
        data_prefix=dict(img='test/')))

val_evaluator = dict(
    _scope_='mmdet',
    type='CocoMetric',
    ann_file=data_root + 'annotations/val.json',
    metric='bbox',
    format_only=False,
    backend_args=backend_args)
test_evaluator = dict(
    val_evaluator, ann_file=data_root + 'annotations/test.json')
