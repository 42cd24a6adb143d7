# ResNet-18 of the CIFAR kind (3x3 stem, no max-pool) on 1-channel 28x28
# input. `width` sets stem and base channels; stage channels are
# width * (1, 2, 4, 8), spatial sizes 28, 14, 7, 4.
width = 16
model = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(
        type='ResNet_CIFAR',
        depth=18,
        in_channels=1,
        stem_channels=width,
        base_channels=width,
        out_indices=(3, ),
        style='pytorch'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=width * 8,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))
