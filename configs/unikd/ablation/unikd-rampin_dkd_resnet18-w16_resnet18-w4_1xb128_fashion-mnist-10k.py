# Collapse study of UniKD (issue 26; benchmarks/fashion_mnist/protocol.py):
# UniKD + DKD with the unified distribution loss ramped in linearly over the
# first epoch, like UniKD + KD's variant (unikd-rampin_kd_*.py). The first
# hook is the DKD row's own warm-up of its logit term (its length is a DKD
# value: the row's tuned `custom_hooks.0.warmup_epochs` applies to it).
_base_ = ['../unikd_dkd_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py']

custom_hooks = [
    dict(
        type='mmrazor.DistillLossWarmupHook',
        loss_names=['loss_dkd'],
        warmup_epochs=1),
    dict(
        type='mmrazor.DistillLossWarmupHook',
        loss_names=['loss_unikd'],
        warmup_epochs=1)
]
