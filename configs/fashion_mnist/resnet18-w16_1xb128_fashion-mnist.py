# Teacher: ResNet_CIFAR-18, base width 16, trained on the
# full 60k training set for 3 epochs.
_base_ = [
    '../_base_/models/resnet18-cifar_fashion-mnist.py',
    '../_base_/datasets/fashion_mnist_bs128.py',
    '../_base_/schedules/sgd_cosine_8e.py', '../_base_/default_runtime.py'
]

train_cfg = dict(max_epochs=3)
param_scheduler = dict(end=3)
