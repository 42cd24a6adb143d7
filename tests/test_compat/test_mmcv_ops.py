"""``mmcv.ops`` stand-ins (:mod:`mmrazor_unified.compat.mmcv_ops`).

Each op is checked against a small reference written here from mmcv
2.1.0's kernels (``mmcv/ops/csrc``), in plain Python.
"""
import glob
import importlib
import math
import os
import os.path as osp
import re
import subprocess
import sys
import types

import mmcv.ops
import numpy as np
import pytest
import torch
from helpers import ROOT
from torch import nn

from mmrazor_unified.compat import mmcv_ops
from mmrazor_unified.compat.mmcv_ops import (CompiledOpRequiredError,
                                             MMCVOpsFinder)

SITE = osp.dirname(osp.dirname(mmcv.__file__))
UNAVAILABLE_CLASSES = ('CARAFEPack', 'ConcatCell', 'CornerPool',
                       'DeformConv2d', 'GlobalPoolingCell', 'MaskedConv2d',
                       'ModulatedDeformConv2d',
                       'MultiScaleDeformableAttention', 'SumCell')
UNAVAILABLE_FUNCTIONS = ('deform_conv2d', 'nms_match', 'point_sample',
                         'rel_roi_point_to_rel_img_point', 'soft_nms')

# an importable ``mmcv._ext`` whose every kernel is a dummy
FAKE_COMPILED_MMCV = """
import sys, types
import mmcv

def kernel(name):
    if name.startswith('__'):
        raise AttributeError(name)
    return lambda *args, **kwargs: None

ext = types.ModuleType('mmcv._ext')
ext.__getattr__ = kernel
sys.modules['mmcv._ext'] = ext
"""


def python_c(code: str) -> str:
    """Run ``code`` in a fresh interpreter of this venv; return its stdout.

    The venv's start-up hook module is the copy made at install time;
    ``PYTHONPATH`` puts this checkout's copy (and package) first.
    """
    env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS='1')
    out = subprocess.run([sys.executable, '-c', code],
                         cwd='/',
                         env=env,
                         capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.strip()


# ---------------------------------------------------------------- NMS ----
def ref_iou(a, b, offset=0):
    w = max(0., min(a[2], b[2]) - max(a[0], b[0]) + offset)
    h = max(0., min(a[3], b[3]) - max(a[1], b[1]) + offset)
    area = [(x[2] - x[0] + offset) * (x[3] - x[1] + offset) for x in (a, b)]
    return w * h / (area[0] + area[1] - w * h)


def ref_nms(boxes, scores, thr, offset=0, order=None):
    """Greedy NMS over ``order`` (default: by decreasing score, stable)."""
    boxes, scores = boxes.tolist(), scores.tolist()
    if order is None:
        order = sorted(range(len(boxes)), key=lambda i: -scores[i])
    keep = []
    for i in order:
        if all(ref_iou(boxes[k], boxes[i], offset) <= thr for k in keep):
            keep.append(i)
    return keep


def random_boxes(n, seed, clusters=4):
    """``n`` boxes around a few centres (so that many overlap), scores."""
    g = torch.Generator().manual_seed(seed)
    centres = torch.rand(clusters, 2, generator=g) * 60
    xy = centres[torch.randint(clusters, (n, ), generator=g)]
    xy = xy + torch.randn(n, 2, generator=g) * 3
    wh = 5 + torch.rand(n, 2, generator=g) * 15
    return torch.cat([xy, xy + wh], 1), torch.rand(n, generator=g)


def test_mmcv_ops_is_the_stand_in():
    assert mmcv.ops.__file__ == mmcv_ops.__file__
    assert mmcv.ops.nms is mmcv_ops.nms
    from mmcv.ops.nms import batched_nms
    from mmcv.ops.roi_align import roi_align
    assert batched_nms is mmcv_ops.batched_nms
    assert roi_align is mmcv_ops.roi_align
    assert callable(mmcv.ops.nms)  # not replaced by the submodule view
    assert mmcv_ops.install_mmcv_ops() is False  # idempotent


@pytest.mark.parametrize('thr', [0.3, 0.5, 0.7])
@pytest.mark.parametrize('offset', [0, 1])
def test_nms_matches_greedy_reference(thr, offset):
    boxes, scores = random_boxes(80, seed=int(thr * 10) + offset)
    dets, inds = mmcv.ops.nms(boxes, scores, thr, offset=offset)
    keep = ref_nms(boxes, scores, thr, offset)
    assert 1 < len(keep) < len(boxes)  # something is suppressed
    assert inds.tolist() == keep
    assert torch.equal(dets, torch.cat([boxes[inds], scores[inds, None]], 1))


def test_nms_score_threshold_max_num_and_numpy():
    boxes, scores = random_boxes(60, seed=1)
    _, inds = mmcv.ops.nms(boxes, scores, 0.5, score_threshold=0.4)
    above = torch.nonzero(scores > 0.4).view(-1)
    expected = [
        above[i].item() for i in ref_nms(boxes[above], scores[above], 0.5)
    ]
    assert inds.tolist() == expected and len(expected) > 3
    _, inds = mmcv.ops.nms(boxes, scores, 0.5, max_num=3)
    assert inds.tolist() == ref_nms(boxes, scores, 0.5)[:3]
    dets, inds = mmcv.ops.nms(boxes.numpy(), scores.numpy(), iou_thr=0.5)
    assert isinstance(dets, np.ndarray) and isinstance(inds, np.ndarray)
    assert inds.tolist() == ref_nms(boxes, scores, 0.5)


def test_nms_score_ties():
    # three identical boxes and two overlapping ones, all with one score
    boxes = torch.tensor([[0, 0, 10, 10], [1, 0, 11, 10], [0, 0, 10, 10],
                          [30, 30, 40, 40], [0, 0, 10, 10], [31, 30, 41, 40.]])
    scores = torch.tensor([.5, .5, .5, .9, .5, .9])
    dets, inds = mmcv.ops.nms(boxes, scores, 0.5)
    kept = inds.tolist()
    assert dets[:, 4].tolist() == sorted(dets[:, 4].tolist(), reverse=True)
    # any tie order is greedy NMS's; the one of our output reproduces it
    rank = {i: r for r, i in enumerate(kept)}
    order = sorted(
        range(len(boxes)),
        key=lambda i: (-scores[i].item(), rank.get(i, 99), i))
    assert kept == ref_nms(boxes, scores, 0.5, order=order)
    assert len(kept) == 2


def test_nms_and_batched_nms_of_no_boxes():
    boxes, scores = torch.zeros(0, 4), torch.zeros(0)
    labels = torch.zeros(0, dtype=torch.long)
    dets, inds = mmcv.ops.nms(boxes, scores, 0.5)
    assert dets.shape == (0, 5) and inds.shape == (0, )
    for cfg in (dict(iou_threshold=0.5), None,
                dict(iou_threshold=0.5, class_agnostic=True),
                dict(iou_threshold=0.5, split_thr=0)):
        dets, keep = mmcv.ops.batched_nms(boxes, scores, labels, cfg)
        assert dets.shape == (0, 5) and keep.shape == (0, )


def ref_batched_nms(boxes, scores, labels, thr):
    keep = []
    for c in labels.unique().tolist():
        idx = torch.nonzero(labels == c).view(-1)
        keep += idx[ref_nms(boxes[idx], scores[idx], thr)].tolist()
    return sorted(keep, key=lambda i: -scores[i].item())


@pytest.mark.parametrize('split_thr', [10000, 10], ids=['offsets', 'split'])
def test_batched_nms_matches_per_class_reference(split_thr):
    boxes, scores = random_boxes(90, seed=3)
    labels = torch.randint(
        3, (90, ), generator=torch.Generator().manual_seed(0))
    cfg = dict(type='nms', iou_threshold=0.5, split_thr=split_thr)
    dets, keep = mmcv.ops.batched_nms(boxes, scores, labels, cfg)
    expected = ref_batched_nms(boxes, scores, labels, 0.5)
    assert keep.tolist() == expected
    assert len(expected) > len(ref_nms(boxes, scores, 0.5))
    assert torch.equal(dets, torch.cat([boxes[keep], scores[keep, None]], 1))
    # class-agnostic, as an argument or in the config; as in mmcv, the
    # split path suppresses within each group all the same
    agnostic = ref_nms(boxes, scores, 0.5) if split_thr > 90 else expected
    _, keep = mmcv.ops.batched_nms(boxes, scores, labels, cfg, True)
    assert keep.tolist() == agnostic
    _, keep = mmcv.ops.batched_nms(boxes, scores, labels,
                                   dict(cfg, class_agnostic=True))
    assert keep.tolist() == agnostic
    # max_num: nms's own argument, or applied after the split
    _, keep = mmcv.ops.batched_nms(boxes, scores, labels, dict(cfg, max_num=5))
    assert keep.tolist() == expected[:5]


def test_batched_nms_without_nms_and_its_types():
    boxes, scores = random_boxes(20, seed=4)
    labels = torch.zeros(20, dtype=torch.long)
    dets, keep = mmcv.ops.batched_nms(boxes, scores, labels, None)
    assert keep.tolist() == scores.argsort(descending=True).tolist()
    assert torch.equal(dets[:, :4], boxes[keep])
    _, keep = mmcv.ops.batched_nms(boxes, scores, labels,
                                   dict(type=mmcv.ops.nms, iou_threshold=.5))
    assert keep.tolist() == ref_nms(boxes, scores, 0.5)
    with pytest.raises(CompiledOpRequiredError, match='soft_nms'):
        mmcv.ops.batched_nms(boxes, scores, labels,
                             dict(type='soft_nms', iou_threshold=0.5))
    with pytest.raises(ValueError, match='nms_rotated'):
        mmcv.ops.batched_nms(boxes, scores, labels,
                             dict(type='nms_rotated', iou_threshold=0.5))


# ----------------------------------------------------------- RoIAlign ----
def bilinear(fmap, y, x):
    """mmcv's ``bilinear_interpolate`` of a (C, H, W) map at (y, x)."""
    height, width = fmap.shape[1:]
    if y < -1 or y > height or x < -1 or x > width:
        return fmap.new_zeros(fmap.size(0))
    y, x = max(y, 0.), max(x, 0.)
    y_low, x_low = int(y), int(x)
    if y_low >= height - 1:
        y_low = y_high = height - 1
        y = float(y_low)
    else:
        y_high = y_low + 1
    if x_low >= width - 1:
        x_low = x_high = width - 1
        x = float(x_low)
    else:
        x_high = x_low + 1
    ly, lx = y - y_low, x - x_low
    w = ((1 - ly) * (1 - lx), (1 - ly) * lx, ly * (1 - lx), ly * lx)
    return (w[0] * fmap[:, y_low, x_low] + w[1] * fmap[:, y_low, x_high] +
            w[2] * fmap[:, y_high, x_low] + w[3] * fmap[:, y_high, x_high])


def ref_roi_align(feats, rois, out_size, scale, sampling_ratio, aligned):
    """mmcv's CPU ``ROIAlignForward`` (average mode), differentiable."""
    out_h, out_w = out_size
    outputs = []
    for roi in rois.tolist():
        shift = 0.5 if aligned else 0.
        x1, y1, x2, y2 = (v * scale - shift for v in roi[1:])
        roi_w, roi_h = x2 - x1, y2 - y1
        if not aligned:
            roi_w, roi_h = max(roi_w, 1.), max(roi_h, 1.)
        bin_h, bin_w = roi_h / out_h, roi_w / out_w
        grid_h = sampling_ratio if sampling_ratio > 0 else math.ceil(roi_h /
                                                                     out_h)
        grid_w = sampling_ratio if sampling_ratio > 0 else math.ceil(roi_w /
                                                                     out_w)
        count = max(grid_h * grid_w, 1)
        fmap = feats[int(roi[0])]
        cells = []
        for ph in range(out_h):
            for pw in range(out_w):
                total = fmap.new_zeros(fmap.size(0))
                for iy in range(grid_h):
                    y = y1 + ph * bin_h + (iy + .5) * bin_h / grid_h
                    for ix in range(grid_w):
                        x = x1 + pw * bin_w + (ix + .5) * bin_w / grid_w
                        total = total + bilinear(fmap, y, x)
                cells.append(total / count)
        outputs.append(torch.stack(cells, 1).view(-1, out_h, out_w))
    return torch.stack(outputs)


def roi_inputs(seed=0):
    """Two small double maps and boxes: inside, across the border, tiny."""
    g = torch.Generator().manual_seed(seed)
    feats = torch.randn(2, 3, 9, 11, generator=g, dtype=torch.float64)
    rois = torch.tensor(
        [[0, 2.3, 1.1, 13.7, 9.9], [1, 0.4, 0.2, 20.5, 17.3],
         [1, -3.2, -2.5, 6.1, 4.4], [0, 15.2, 12.3, 25.9, 21.7],
         [1, 7.1, 5.3, 7.6, 5.9], [0, 1.0, 2.0, 1.0, 2.0]],
        dtype=torch.float64)
    return feats, rois


@pytest.mark.parametrize('sampling_ratio', [0, 2])
@pytest.mark.parametrize('aligned', [True, False])
def test_roi_align_matches_reference_with_gradient(aligned, sampling_ratio):
    feats, rois = roi_inputs()
    ours_in = feats.clone().requires_grad_()
    ref_in = feats.clone().requires_grad_()
    ours = mmcv.ops.roi_align(ours_in, rois, (3, 4), 0.5, sampling_ratio,
                              'avg', aligned)
    ref = ref_roi_align(ref_in, rois, (3, 4), 0.5, sampling_ratio, aligned)
    assert ours.shape == (6, 3, 3, 4)
    torch.testing.assert_close(ours, ref, rtol=1e-12, atol=1e-12)
    upstream = torch.randn(ours.shape, dtype=torch.float64)
    (ours * upstream).sum().backward()
    (ref * upstream).sum().backward()
    torch.testing.assert_close(
        ours_in.grad, ref_in.grad, rtol=1e-12, atol=1e-12)
    assert ours_in.grad.abs().sum() > 0


def test_roi_align_gradcheck_and_module():
    feats, rois = roi_inputs(seed=1)
    feats = feats[:, :1, :5, :6].clone().requires_grad_()
    assert torch.autograd.gradcheck(
        lambda x: mmcv.ops.roi_align(x, rois[:4] / 2, 2, 1.0, 0), (feats, ))
    layer = mmcv.ops.RoIAlign(2, spatial_scale=0.5, sampling_ratio=0)
    assert torch.equal(
        layer(feats, rois),
        mmcv.ops.roi_align(feats, rois, (2, 2), 0.5, 0, 'avg', True))
    assert 'sampling_ratio=0' in repr(layer)
    with pytest.warns(DeprecationWarning):  # mmcv's old argument names
        old = mmcv.ops.RoIAlign(out_size=2, sample_num=2)
    assert old.output_size == (2, 2) and old.sampling_ratio == 2
    empty = mmcv.ops.roi_align(feats, rois[:0], (2, 3))
    assert empty.shape == (0, 1, 2, 3)


def test_roi_align_max_mode_needs_compiled_mmcv():
    with pytest.raises(CompiledOpRequiredError, match='pip install'):
        mmcv.ops.RoIAlign(7, pool_mode='max')
    feats, rois = roi_inputs()
    with pytest.raises(CompiledOpRequiredError, match="pool_mode='max'"):
        mmcv.ops.roi_align(feats, rois, 2, 1.0, 0, 'max')
    with pytest.raises(ValueError, match='pool_mode'):
        mmcv.ops.roi_align(feats, rois, 2, 1.0, 0, 'sum')
    # as in mmcv, use_torchvision pools by average whatever pool_mode says
    layer = mmcv.ops.RoIAlign(2, pool_mode='max', use_torchvision=True)
    assert torch.equal(layer(feats, rois), mmcv.ops.roi_align(feats, rois, 2))


# ------------------------------------------------------------ RoIPool ----
def ref_roi_pool(feats, rois, out_size, scale):
    """mmcv's CUDA ``roi_pool_forward_cuda_kernel``, differentiable."""
    out_h, out_w = out_size
    height, width = feats.shape[2:]
    outputs = []
    for roi in rois.tolist():
        x1, y1 = roi[1] * scale, roi[2] * scale
        x2, y2 = (roi[3] + 1) * scale, (roi[4] + 1) * scale
        fmap = feats[int(roi[0])]
        out = fmap.new_zeros(fmap.size(0), out_h, out_w)
        if x2 - x1 <= 0 or y2 - y1 <= 0:
            outputs.append(out)
            continue
        bin_h, bin_w = (y2 - y1) / out_h, (x2 - x1) / out_w
        cells = []
        for ph in range(out_h):
            for pw in range(out_w):
                h0 = min(max(math.floor(ph * bin_h + y1), 0), height)
                h1 = min(max(math.ceil((ph + 1) * bin_h + y1), 0), height)
                w0 = min(max(math.floor(pw * bin_w + x1), 0), width)
                w1 = min(max(math.ceil((pw + 1) * bin_w + x1), 0), width)
                cell = []
                for c in range(fmap.size(0)):
                    best = None  # first maximum in row-major order
                    for h in range(h0, h1):
                        for w in range(w0, w1):
                            if best is None or fmap[c, h, w] > best:
                                best = fmap[c, h, w]
                    cell.append(fmap.new_zeros(()) if best is None else best)
                cells.append(torch.stack(cell))
        outputs.append(torch.stack(cells, 1).view(-1, out_h, out_w))
    return torch.stack(outputs)


def test_roi_pool_matches_reference_with_gradient():
    feats, rois = roi_inputs(seed=2)
    feats = feats.round()  # ties: the gradient must pick mmcv's maximum
    rois = torch.cat(
        [rois, rois.new_tensor([[0, -9, -9, -8, -8], [1, 5, 5, 3, 3]])])
    ours_in = feats.clone().requires_grad_()
    ref_in = feats.clone().requires_grad_()
    ours = mmcv.ops.RoIPool((3, 2), spatial_scale=0.5)(ours_in, rois)
    ref = ref_roi_pool(ref_in, rois, (3, 2), 0.5)
    assert ours.shape == (8, 3, 3, 2)
    assert torch.equal(ours, ref)
    assert (ours[-2:] == 0).all()  # outside the map; degenerate box
    upstream = torch.randn(ours.shape, dtype=torch.float64)
    (ours * upstream).sum().backward()
    (ref * upstream).sum().backward()
    # bins sharing a pixel add up their gradients in another order
    torch.testing.assert_close(ours_in.grad, ref_in.grad)
    assert mmcv.ops.roi_pool(feats, rois[:0], 2).shape == (0, 3, 2, 2)


# ------------------------------------------------------- focal loss ----
def ref_focal(logits, labels, gamma, alpha, weight=None):
    p = logits.sigmoid()
    pos = labels[:, None] == torch.arange(logits.size(1))
    loss = torch.where(pos, -alpha * (1 - p)**gamma * p.log(),
                       -(1 - alpha) * p**gamma * (1 - p).log())
    return loss if weight is None else loss * weight[labels][:, None]


@pytest.mark.parametrize('reduction', ['none', 'mean', 'sum'])
def test_sigmoid_focal_loss_matches_formula(reduction):
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(12, 5, generator=g, dtype=torch.float64) * 3
    labels = torch.randint(6, (12, ), generator=g)  # 5 is background
    ours_in = logits.clone().requires_grad_()
    ref_in = logits.clone().requires_grad_()
    ours = mmcv.ops.sigmoid_focal_loss(ours_in, labels, 1.5, 0.3, None,
                                       reduction)
    ref = ref_focal(ref_in, labels, 1.5, 0.3)
    ref = dict(none=ref, mean=ref.sum() / 12, sum=ref.sum())[reduction]
    torch.testing.assert_close(ours, ref)
    ours.sum().backward()
    ref.sum().backward()
    torch.testing.assert_close(ours_in.grad, ref_in.grad)


def test_sigmoid_focal_loss_class_weight_and_module():
    logits = torch.randn(8, 4, dtype=torch.float64)
    labels = torch.tensor([0, 1, 2, 3, 3, 2, 1, 0])
    weight = torch.tensor([0.5, 1., 2., 0.], dtype=torch.float64)
    loss = mmcv.ops.SigmoidFocalLoss(2.0, 0.25, weight, 'none')(logits, labels)
    torch.testing.assert_close(loss, ref_focal(logits, labels, 2., .25,
                                               weight))
    assert (loss[labels == 3] == 0).all()


# ----------------------------------------------- names without stand-in --
@pytest.mark.parametrize('name', UNAVAILABLE_CLASSES)
def test_unavailable_class_raises_when_instantiated(name):
    cls = getattr(mmcv.ops, name)
    assert isinstance(cls, type) and issubclass(cls, nn.Module)
    assert not isinstance(nn.Conv2d(1, 1, 1), cls)
    with pytest.raises(CompiledOpRequiredError) as info:
        cls(16, 16, 3)
    assert f'mmcv.ops.{name} ' in str(info.value)
    assert 'pip install --no-build-isolation mmcv==2.1.0' in str(info.value)


@pytest.mark.parametrize('name', UNAVAILABLE_FUNCTIONS)
def test_unavailable_function_raises_when_called(name):
    with pytest.raises(CompiledOpRequiredError, match=f'mmcv.ops.{name} '):
        getattr(mmcv.ops, name)(torch.zeros(2, 5), 0.5)


def test_unknown_name_is_a_clear_attribute_error():
    assert not hasattr(mmcv.ops, 'DeformRoIPoolPack')
    with pytest.raises(AttributeError, match='compiled mmcv 2.1.0'):
        mmcv.ops.DeformRoIPoolPack


def test_every_name_mmdet_and_mmrazor_import_from_mmcv_ops_resolves():
    pattern = re.compile(
        r'^\s*from (mmcv\.ops[\w.]*) import (?:\(([^)]*)\)|(.*))$', re.M)
    imports = set()
    for package in ('mmdet', 'mmrazor'):
        for path in glob.glob(
                osp.join(SITE, package, '**', '*.py'), recursive=True):
            with open(path) as f:
                for module, *names in pattern.findall(f.read()):
                    names = re.sub(r'#.*', '', ''.join(names))
                    imports.update((module, name.split()[0])
                                   for name in names.split(',')
                                   if name.strip())
    assert len(imports) >= 19 and ('mmcv.ops.nms', 'batched_nms') in imports
    for module, name in sorted(imports):
        assert hasattr(importlib.import_module(module), name), (module, name)


# ------------------------------------------------------ installation ----
def test_finder_leaves_a_compiled_mmcv_alone(monkeypatch):
    assert MMCVOpsFinder().find_spec('mmcv.ops').name == 'mmcv.ops'
    assert MMCVOpsFinder().find_spec('mmcv.ops.nms') is None
    monkeypatch.setitem(sys.modules, 'mmcv._ext', types.ModuleType('_ext'))
    assert MMCVOpsFinder().find_spec('mmcv.ops') is None


def test_importing_only_mmdet_gets_the_stand_ins():
    out = python_c('import sys; '
                   'import mmdet.models, mmdet.datasets, mmdet.evaluation; '
                   'import mmcv.ops; '
                   'print(mmcv.ops.__file__, "mmrazor" in sys.modules, '
                   '"mmrazor_unified" in sys.modules)')
    assert out == f'{mmcv_ops.__file__} False False'


def test_fake_compiled_mmcv_keeps_its_own_ops():
    out = python_c(FAKE_COMPILED_MMCV + 'import mmcv.ops; '
                   'print(mmcv.ops.__file__, mmcv.ops.nms.__module__)')
    assert out == (
        osp.join(SITE, 'mmcv', 'ops', '__init__.py') + ' mmcv.ops.nms')


# --------------------------------------------------------- detector ----
def test_tiny_faster_rcnn_trains_and_predicts():
    from mmdet.registry import MODELS
    from mmdet.testing import demo_mm_inputs
    from mmengine.config import Config
    cfg = Config.fromfile(
        osp.join(SITE, 'mmdet', '.mim', 'configs', 'faster_rcnn',
                 'faster-rcnn_r50_fpn_1x_coco.py'))
    model_cfg = cfg.model
    model_cfg._scope_ = 'mmdet'
    model_cfg.backbone.update(depth=18, init_cfg=None, base_channels=8)
    model_cfg.neck.update(in_channels=[8, 16, 32, 64], out_channels=16)
    model_cfg.rpn_head.update(in_channels=16, feat_channels=16)
    roi_head = model_cfg.roi_head
    roi_head.bbox_roi_extractor.out_channels = 16
    roi_head.bbox_head.update(
        in_channels=16, fc_out_channels=32, num_classes=3)
    model_cfg.train_cfg.rpn.sampler.num = 64
    model_cfg.train_cfg.rpn_proposal.update(nms_pre=200, max_per_img=100)
    model_cfg.train_cfg.rcnn.sampler.num = 32
    model_cfg.test_cfg.rpn.update(nms_pre=200, max_per_img=50)
    model = MODELS.build(model_cfg)
    roi_layer = model.roi_head.bbox_roi_extractor.roi_layers[0]
    assert type(roi_layer) is mmcv_ops.RoIAlign

    torch.manual_seed(0)
    inputs = demo_mm_inputs(
        2, [(3, 96, 96)] * 2, num_items=[3, 2], num_classes=3)
    losses = model(**model.data_preprocessor(inputs, True), mode='loss')
    loss, _ = model.parse_losses(losses)
    assert torch.isfinite(loss)
    loss.backward()
    for part in (model.backbone, model.rpn_head, model.roi_head):
        assert any(p.grad is not None and p.grad.abs().sum() > 0
                   for p in part.parameters())
    model.eval()
    with torch.no_grad():
        results = model(
            **model.data_preprocessor(inputs, False), mode='predict')
    for result in results:
        pred = result.pred_instances
        assert pred.bboxes.shape[1] == 4
        assert len(pred.bboxes) == len(pred.scores) == len(pred.labels)
        assert 0 < len(pred.bboxes) <= model_cfg.test_cfg.rcnn.max_per_img
