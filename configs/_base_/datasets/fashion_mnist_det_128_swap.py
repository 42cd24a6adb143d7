# The data of fashion_mnist_det_128.py for configs that already inherit other
# data: MMDetection's and MMRazor's detection configs inherit COCO's loaders
# and metrics, and MMEngine forbids the same key in two bases, so this base
# defines a single key, `fashion_mnist_det`, holding the five entries of
# fashion_mnist_det_128.py with `_delete_=True` (they replace COCO's instead of
# merging into them). Inherit it next to such a config and swap the data:
#
#   _base_ = [
#       'mmrazor::distill/mmdet/cwd/cwd_fpn_retina_r101_retina_r50_1x_coco.py',
#       'mmrazor_unified::_base_/datasets/fashion_mnist_det_128_swap.py']
#   train_dataloader = _base_.fashion_mnist_det.train_dataloader
#   val_dataloader = _base_.fashion_mnist_det.val_dataloader
#   test_dataloader = _base_.fashion_mnist_det.test_dataloader
#   val_evaluator = _base_.fashion_mnist_det.val_evaluator
#   test_evaluator = _base_.fashion_mnist_det.test_evaluator
#
# A config without other data inherits fashion_mnist_det_128.py itself
# (`_delete_` is only removed where it replaces something).
# `from mmengine import Config` is the one import MMEngine allows in a
# plain config file; the values are read from fashion_mnist_det_128.py, so
# the two files cannot drift apart.
from mmengine import Config

_data = Config.fromfile('{{ fileDirname }}/fashion_mnist_det_128.py')
fashion_mnist_det = {
    key: dict(_data[key].to_dict(), _delete_=True)
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader',
                'val_evaluator', 'test_evaluator')
}
del Config, _data
