# The Fashion-MNIST student with its cross-entropy weighted 0.2, for the
# reference code's KD-host weights (CE 0.2, KD 0.8), an option applied to
# the KD row and to MGKD + KD alike (benchmarks/fashion_mnist/protocol.py):
#   model.architecture.cfg_path='mmrazor_unified::mgkd/_base_/
#   resnet18-w4_ce0.2_fashion-mnist-10k.py'
#   model.distiller.distill_losses.loss_kl.loss_weight=0.8
# MMRazor builds `architecture=dict(cfg_path=...)` without nested overrides,
# hence this config.
_base_ = ['../../fashion_mnist/resnet18-w4_1xb128_fashion-mnist-10k.py']

model = dict(head=dict(loss=dict(loss_weight=0.2)))
