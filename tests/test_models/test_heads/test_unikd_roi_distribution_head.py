"""Tests of UniKDRoIDistributionHead (UniKD-Det's distribution head)."""
from types import SimpleNamespace

import pytest
import torch

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmrazor.registry import MODELS
from mmrazor_unified.models.heads import (GaussianLogits, RoIGaussians,
                                          UniKDRoIDistributionHead)


def _roi_head(in_channels=16, num_classes=3, agnostic=False, code=4):
    """What the head reads of an mmdet StandardRoIHead."""
    return SimpleNamespace(
        bbox_head=SimpleNamespace(
            in_channels=in_channels,
            num_classes=num_classes,
            reg_class_agnostic=agnostic,
            bbox_coder=SimpleNamespace(encode_size=code)))


@pytest.mark.parametrize('agnostic, box_dims', [(False, 12), (True, 4)])
def test_shapes_class_and_box_gaussians(agnostic, box_dims):
    torch.manual_seed(0)
    head = UniKDRoIDistributionHead(
        in_channels=16,
        num_classes=3,
        reg_class_agnostic=agnostic,
        box_code_size=4)
    out = head(torch.randn(10, 16, 7, 7))  # RoIAlign's 7x7 bins
    assert isinstance(out, RoIGaussians)
    assert isinstance(out.cls, GaussianLogits)
    assert all(t.shape == (10, 4) for t in out.cls)  # K + 1 (background)
    assert all(t.shape == (10, box_dims) for t in out.box)
    assert not torch.allclose(out.cls.sample, out.cls.mean)  # training
    # an already pooled feature gives the same means
    again = head(torch.randn(10, 16, 7, 7).mean(dim=(2, 3)))
    assert again.cls.mean.shape == (10, 4)

    head.eval()
    out = head(torch.randn(10, 16, 7, 7))
    assert torch.equal(out.cls.sample, out.cls.mean)
    assert torch.equal(out.box.sample, out.box.mean)


def test_pools_by_averaging_the_bins():
    head = UniKDRoIDistributionHead(16, 3, False, 4).eval()
    x = torch.randn(5, 16, 7, 7)
    assert torch.allclose(
        head(x).cls.mean, head.cls_dist.mean_fc(x.mean(dim=(2, 3))))


def test_float32_under_autocast():
    head = UniKDRoIDistributionHead(16, 3, False, 4)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = head(torch.randn(4, 16, 7, 7).bfloat16())
    assert all(t.dtype == torch.float32 for t in (*out.cls, *out.box))


def test_unset_sizes_are_read_from_the_detector():
    head = MODELS.build(dict(type='UniKDRoIDistributionHead'))
    assert head.unset_sizes == ('in_channels', 'num_classes',
                                'reg_class_agnostic', 'box_code_size')
    assert list(head.parameters()) == []
    with pytest.raises(RuntimeError, match=r"sizes \['in_channels', "):
        head(torch.randn(2, 16, 7, 7))

    head.bind_roi_head(_roi_head(in_channels=24), 'model.teacher')
    assert (head.in_channels, head.cls_dims, head.box_dims) == (24, 4, 12)
    out = head(torch.randn(2, 24, 7, 7))
    assert out.cls.mean.shape == (2, 4) and out.box.mean.shape == (2, 12)


def test_set_sizes_are_checked_against_the_detector():
    head = UniKDRoIDistributionHead(num_classes=80)
    head.config_key = 'model.distiller.connectors.s_roi_dist'
    with pytest.raises(
            ValueError,
            match=r'`model\.distiller\.connectors\.s_roi_dist` .*'
            r'`num_classes` is 80 but the detector it reads has 3 '
            r'\(`model\.architecture\.roi_head\.bbox_head\.num_classes`\)'):
        head.bind_roi_head(_roi_head(), 'model.architecture')

    # matching sizes bind, and a fully sized head keeps its layers
    head = UniKDRoIDistributionHead(16, 3, False, 4)
    layers = head.cls_dist
    head.bind_roi_head(_roi_head(), 'model.architecture')
    assert head.cls_dist is layers


def test_channel_mismatch_at_run_time_names_the_key():
    head = UniKDRoIDistributionHead(16, 3, False, 4)
    head.config_key = 'model.distiller.connectors.t_roi_dist'
    with pytest.raises(ValueError, match=r't_roi_dist.*`in_channels` is 16 '
                       'but the RoI features have 24 channels'):
        head(torch.randn(2, 24, 7, 7))
    with pytest.raises(ValueError, match='data_idx=0'):
        head((torch.randn(2, 16, 7, 7), ))


@pytest.mark.parametrize('kwargs, match', [
    (dict(in_channels=0), '`in_channels` must be a positive int'),
    (dict(num_classes=2.5), '`num_classes` must be a positive int'),
    (dict(box_code_size=-4), '`box_code_size` must be a positive int'),
    (dict(reg_class_agnostic='no'), '`reg_class_agnostic` must be None or'),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        UniKDRoIDistributionHead(**kwargs)
