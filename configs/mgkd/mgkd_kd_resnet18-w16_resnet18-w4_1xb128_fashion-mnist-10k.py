# MGKD on the KD host: 0.2 * CE + 0.8 * KD(tau=4) against the stable
# excitation target + granularity losses. Stage 3; needs the teacher and the
# stage-2 analyser checkpoints.
_base_ = ['./_base_/mgkd_resnet18-w16_resnet18-w4_fashion-mnist-10k.py']

model = dict(
    architecture=dict(cfg_path='mmrazor_unified::mgkd/_base_/'
                      'resnet18-w4_ce0.2_fashion-mnist-10k.py'),
    distiller=dict(distill_losses=dict(loss_mgkd_kd=dict(loss_weight=0.8))))
