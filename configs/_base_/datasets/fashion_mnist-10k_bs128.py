# Fashion-MNIST with a fixed training subset: the first 10k of the 60k
# training images (the file is already shuffled; classes are balanced to
# within a few percent). Evaluation uses the full 10k test set.
_base_ = ['./fashion_mnist_bs128.py']

train_dataloader = dict(dataset=dict(indices=10000))
