# Teacher: ResNet_CIFAR-18 with base width 16 (2.8 M parameters).
_base_ = [
    '../_base_/models/resnet18-cifar_fashion-mnist.py',
    '../_base_/datasets/fashion_mnist_bs128.py',
    '../_base_/schedules/sgd_cosine_5e.py', '../_base_/default_runtime.py'
]
