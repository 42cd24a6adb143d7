# MMDetection's runtime plus our reliability hooks (as in
# default_runtime.py): stop at the first non-finite loss before a checkpoint
# is written, and per-iteration seeding for exact resume.
_base_ = 'mmdet::_base_/default_runtime.py'

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=2),
    check_loss=dict(type='mmrazor.NonFiniteLossHook'),
    iter_seed=dict(type='mmrazor.IterationSeedHook'))
randomness = dict(seed=0, deterministic=False)
