"""Tiny MMDetection detectors and batches for unit tests (seconds on CPU)."""
import copy
import os.path as osp
from typing import Dict, Optional

import mmdet
import torch
from mmengine.config import Config, ConfigDict

MMDET_CONFIGS = osp.join(osp.dirname(mmdet.__file__), '.mim', 'configs')
FASTER_RCNN = osp.join(MMDET_CONFIGS, '_base_', 'models',
                       'faster-rcnn_r50_fpn.py')
RETINANET = osp.join(MMDET_CONFIGS, '_base_', 'models', 'retinanet_r50_fpn.py')
_CACHE = {}


def _model(path: str) -> dict:
    if path not in _CACHE:
        _CACHE[path] = Config.fromfile(path).model.to_dict()
    return copy.deepcopy(_CACHE[path])


def tiny_faster_rcnn(width: int = 8,
                     fpn: int = 16,
                     num_classes: int = 3,
                     reg_class_agnostic: bool = False,
                     rois_per_image: int = 16) -> dict:
    """MMDetection's Faster R-CNN R-50 FPN config, slimmed to a tiny model.

    A ResNet-18 of base width ``width`` (``width`` .. ``8 * width``
    channels), an FPN of ``fpn`` channels, a box head with 32-wide fully
    connected layers on ``rois_per_image`` sampled RoIs per image.

    Returns:
        dict: The model config (``_scope_='mmdet'``).
    """
    model = _model(FASTER_RCNN)
    model['_scope_'] = 'mmdet'
    model['backbone'].update(
        depth=18, base_channels=width, init_cfg=None)
    model['neck'].update(
        in_channels=[width * 2**i for i in range(4)], out_channels=fpn)
    model['rpn_head'].update(in_channels=fpn, feat_channels=fpn)
    roi_head = model['roi_head']
    roi_head['bbox_roi_extractor']['out_channels'] = fpn
    roi_head['bbox_head'].update(
        in_channels=fpn,
        fc_out_channels=32,
        num_classes=num_classes,
        reg_class_agnostic=reg_class_agnostic)
    train_cfg = model['train_cfg']
    train_cfg['rpn']['sampler']['num'] = 64
    train_cfg['rpn_proposal'].update(nms_pre=200, max_per_img=50)
    train_cfg['rcnn']['sampler']['num'] = rois_per_image
    model['test_cfg']['rpn'].update(nms_pre=200, max_per_img=50)
    return ConfigDict(model)  # mmdet reads train_cfg.rpn by attribute


def tiny_retinanet(width: int = 8, fpn: int = 16,
                   num_classes: int = 3) -> dict:
    """A tiny RetinaNet (a one-stage detector: no RoI head)."""
    model = _model(RETINANET)
    model['_scope_'] = 'mmdet'
    model['backbone'].update(depth=18, base_channels=width, init_cfg=None)
    model['neck'].update(
        in_channels=[width * 2**i for i in range(1, 4)], out_channels=fpn)
    model['bbox_head'].update(
        in_channels=fpn, feat_channels=fpn, num_classes=num_classes)
    return ConfigDict(model)


def det_batch(num_images: int = 2,
              size: int = 64,
              num_classes: int = 3,
              seed: Optional[int] = 0) -> Dict[str, list]:
    """A data batch of random images with 3 or 4 random boxes each, as a
    dataloader gives it (uint8 images, ``DetDataSample`` s): pass it to
    ``train_step`` or to a model's ``data_preprocessor``.

    Returns:
        dict: ``inputs`` (list of (3, size, size)) and ``data_samples``.
    """
    from mmdet.testing import demo_mm_inputs
    if seed is not None:
        torch.manual_seed(seed)
    return demo_mm_inputs(
        num_images, [(3, size, size)] * num_images,
        num_items=[3 + i % 2 for i in range(num_images)],
        num_classes=num_classes)
