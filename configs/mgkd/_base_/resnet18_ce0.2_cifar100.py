# The CIFAR-100 student with its cross-entropy weighted 0.2: the student of
# MGKD on the KD host (ce 0.2 + stable KD 0.8, as in the reference code).
_base_ = ['../../cifar100/resnet18_8xb16_cifar100.py']

model = dict(head=dict(loss=dict(loss_weight=0.2)))
