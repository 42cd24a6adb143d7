from .fashion_mnist import LocalFashionMNIST
from .fashion_mnist_det import build_fashion_mnist_det

__all__ = ['LocalFashionMNIST', 'build_fashion_mnist_det']
