# Fashion-MNIST: 28x28 grayscale, 10 classes. Prepare the files with
# `python tools/dataset_converters/prepare_fashion_mnist.py`.
dataset_type = 'mmrazor.LocalFashionMNIST'
data_root = 'data/fashion_mnist'
data_preprocessor = dict(
    num_classes=10,
    # statistics of the training images, single channel
    mean=[72.94],
    std=[90.02],
    to_rgb=False)

train_pipeline = [
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='PackInputs')]

# Data is loaded in the training process: a 28x28 batch takes ~10 ms to
# prepare, while handing it over from a worker process costs ~100 ms on CPU
# (one shared-memory file descriptor per sample tensor) and the worker competes
# with training for the cores (measured with cProfile on 2 CPU cores).
train_dataloader = dict(
    batch_size=128,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        test_mode=False,
        pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=256,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        test_mode=True,
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = dict(type='Accuracy', topk=(1, ))

test_dataloader = val_dataloader
test_evaluator = val_evaluator
