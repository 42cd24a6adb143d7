# Collapse study of UniKD (issue 26; benchmarks/fashion_mnist/protocol.py):
# UniKD + KD with the unified distribution loss ramped in linearly over the
# first epoch, as the DKD row ramps its logit term in (a deviation from the
# authors' code, which runs UniKD's term at full weight from the first
# iteration, while both distribution heads are still noise).
_base_ = ['../unikd_kd_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py']

custom_hooks = [
    dict(
        type='mmrazor.DistillLossWarmupHook',
        loss_names=['loss_unikd'],
        warmup_epochs=1)
]
