# The Fashion-MNIST student with its cross-entropy weighted 0.2: the student
# of MGKD on the KD host (ce 0.2 + stable KD 0.8, as in the reference code).
# MMRazor builds `architecture` from a `cfg_path` without nested overrides,
# hence this config.
_base_ = ['../../fashion_mnist/resnet18-w4_1xb128_fashion-mnist-10k.py']

model = dict(head=dict(loss=dict(loss_weight=0.2)))
