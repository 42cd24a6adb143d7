_base_ = ['mmpretrain::_base_/default_runtime.py']

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=2),
    # stop at the first NaN/Inf loss, before a checkpoint is written
    check_loss=dict(type='mmrazor.NonFiniteLossHook'),
    # random numbers of iteration i depend on (seed, i) only: exact resume
    iter_seed=dict(type='mmrazor.IterationSeedHook'))
randomness = dict(seed=0, deterministic=False)
