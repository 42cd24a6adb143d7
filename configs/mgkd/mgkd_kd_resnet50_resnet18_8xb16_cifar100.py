# MGKD on the KD host, CIFAR-100: 0.2 * CE + 0.8 * KD(tau=4) against the
# stable excitation target + granularity losses.
_base_ = ['./_base_/mgkd_resnet50_resnet18_cifar100.py']

model = dict(
    architecture=dict(
        cfg_path='mmrazor_unified::mgkd/_base_/resnet18_ce0.2_cifar100.py'),
    distiller=dict(distill_losses=dict(loss_mgkd_kd=dict(loss_weight=0.8))))
