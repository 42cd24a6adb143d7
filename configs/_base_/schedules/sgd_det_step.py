# SGD for detectors trained from scratch at batch 8: lr 0.02, momentum 0.9,
# weight decay 1e-4, 300 linear warm-up iterations, lr x0.1 after 2/3 of the
# epochs (MMDetection's 1x recipe, 12 epochs with a step at 8, scaled).
# Longer or shorter runs set `train_cfg.max_epochs`, `param_scheduler.1.end`
# and `param_scheduler.1.milestones` together.
max_epochs = 3
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
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
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=0.0001))
auto_scale_lr = dict(enable=False, base_batch_size=8)
