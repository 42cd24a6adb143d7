"""configs/_base_/datasets/fashion_mnist_det_128_swap.py: the detection
set's loaders and metrics replace those a config inherits from MMDetection
or MMRazor (COCO's), equal to fashion_mnist_det_128.py's."""
import os.path as osp

import pytest
from helpers import ROOT
from mmengine.config import Config

DATASETS = osp.join(ROOT, 'configs', '_base_', 'datasets')
KEYS = ('train_dataloader', 'val_dataloader', 'test_dataloader',
        'val_evaluator', 'test_evaluator')


def unstamped(value):
    """``value`` without the ``_scope_='mmrazor_unified'`` that MMEngine
    stamps on dicts inherited through a ``mmrazor_unified::`` path."""
    if isinstance(value, dict):
        return {
            k: unstamped(v)
            for k, v in value.items()
            if (k, v) != ('_scope_', 'mmrazor_unified')
        }
    if isinstance(value, (list, tuple)):
        return type(value)(unstamped(v) for v in value)
    return value


@pytest.mark.parametrize('base', [
    'mmrazor::distill/mmdet/pkd/pkd_fpn_faster-rcnn_r101_faster-rcnn_r50_2x_'
    'coco.py', 'mmdet::retinanet/retinanet_r50_fpn_1x_coco.py'
])
@pytest.mark.parametrize('how', ['package', 'plain'])
def test_swap_replaces_inherited_coco_data(base, how, tmp_path):
    swap = ('mmrazor_unified::_base_/datasets/fashion_mnist_det_128_swap.py'
            if how == 'package' else osp.join(DATASETS,
                                              'fashion_mnist_det_128_swap.py'))
    child = tmp_path / 'child.py'
    child.write_text(f'_base_ = [{base!r}, {swap!r}]\n' +
                     ''.join(f'{key} = _base_.fashion_mnist_det.{key}\n'
                             for key in KEYS))
    cfg = Config.fromfile(str(child))
    expected = Config.fromfile(osp.join(DATASETS, 'fashion_mnist_det_128.py'))
    for key in KEYS:
        # replaced, not merged: COCO's batch sampler, filter sizes and
        # resize scales are gone, and no `_delete_` marker is left
        assert unstamped(cfg[key].to_dict()) == expected[key].to_dict(), key
    dataset = cfg.train_dataloader.dataset
    assert dataset.type == 'mmrazor.FashionMNISTDetDataset'
    assert 'batch_sampler' not in cfg.train_dataloader
