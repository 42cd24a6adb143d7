# SGD (Nesterov) with cosine decay updated every iteration, 8 epochs.
# Shorter or longer runs override both `train_cfg.max_epochs` and
# `param_scheduler.end` (e.g. --cfg-options train_cfg.max_epochs=3
# param_scheduler.end=3).
max_epochs = 8
optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True))
param_scheduler = dict(
    type='CosineAnnealingLR',
    eta_min=1e-4,
    by_epoch=True,
    begin=0,
    end=max_epochs,
    convert_to_iter_based=True)
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=128)
