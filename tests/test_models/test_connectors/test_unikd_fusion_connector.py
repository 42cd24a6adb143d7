"""Tests of UniKDFusionConnector (UniKD's adaptive feature fusion)."""
import math

import pytest
import torch

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmrazor.models.distillers import ConfigurableDistiller
from mmrazor_unified.models.connectors import UniKDFusionConnector

CHANNELS = [4, 8, 16, 32, 64]


def _stages(num_stages, size, batch=2, pooled_last=False):
    """Random stage maps, shallow to deep, spatial size halving (ceil)."""
    feats = []
    for i, c in enumerate(CHANNELS[:num_stages]):
        s = math.ceil(size / 2**i)
        feats.append(torch.randn(batch, c, s, s))
    if pooled_last:
        feats[-1] = feats[-1].mean(dim=(2, 3))  # (B, C)
    return feats


@pytest.mark.parametrize('num_stages', [2, 3, 4, 5])
@pytest.mark.parametrize('size', [28, 32, 224])
@pytest.mark.parametrize('fuse_pooled', [True, False])
def test_output_shape(num_stages, size, fuse_pooled):
    conn = UniKDFusionConnector(
        CHANNELS[:num_stages], out_channels=6, fuse_pooled=fuse_pooled)
    batch = 1 if size == 224 else 2
    out = conn(_stages(num_stages, size, batch=batch))
    assert out.shape == (batch, 6, size, size)
    assert conn.mid_channels == min(512, CHANNELS[num_stages - 1])
    assert len(conn.laterals) == num_stages + fuse_pooled
    assert len(conn.attentions) == num_stages + fuse_pooled - 1


@pytest.mark.parametrize('size', [28, 32])
def test_pooled_level_is_the_pooled_deepest_stage(size):
    # fuse_pooled=True equals passing the pooled deepest stage as a 2-D
    # entry to a connector with one more level and the same weights.
    torch.manual_seed(0)
    conn = UniKDFusionConnector(CHANNELS[:3], out_channels=5, mid_channels=8)
    explicit = UniKDFusionConnector(
        CHANNELS[:3] + CHANNELS[2:3],
        out_channels=5,
        mid_channels=8,
        fuse_pooled=False)
    explicit.load_state_dict(conn.state_dict())
    feats = _stages(3, size)
    pooled = feats[-1].mean(dim=(2, 3))  # (B, C)
    assert torch.allclose(conn(feats), explicit(feats + [pooled]))
    assert conn(feats).shape == (2, 5, size, size)


def test_running_map_updated_at_every_level():
    torch.manual_seed(0)
    conn = UniKDFusionConnector([4, 8, 16], out_channels=3).eval()
    feats = _stages(3, 16)
    changed = list(feats)
    changed[1] = torch.randn_like(feats[1])
    # The middle level only reaches the output through the running map.
    assert not torch.allclose(conn(feats), conn(changed))
    # Every parameter (every lateral and attention conv) gets a gradient.
    conn.train()
    conn(feats).square().sum().backward()
    for name, param in conn.named_parameters():
        assert param.grad is not None and param.grad.abs().sum() > 0, name


def test_input_errors():
    conn = UniKDFusionConnector([4, 8, 16], out_channels=3)
    feats = _stages(3, 8)
    with pytest.raises(ValueError, match='in_channels.*3 entries.*2 stage'):
        conn(feats[:2])
    bad = list(feats)
    bad[1] = torch.randn(2, 9, 4, 4)
    with pytest.raises(ValueError, match=r'`in_channels\[1\]` is 8 .* 9 '):
        conn(bad)
    with pytest.raises(ValueError, match='list/tuple.*in_channels'):
        conn(feats[0])
    bad[1] = torch.randn(2, 8, 4)
    with pytest.raises(ValueError, match='stage feature 1'):
        conn(bad)


@pytest.mark.parametrize('kwargs, key', [
    (dict(in_channels=[], out_channels=4), 'in_channels'),
    (dict(in_channels=[8], out_channels=4, fuse_pooled=False), 'in_channels'),
    (dict(in_channels=[8, 0], out_channels=4), r'in_channels\[1\]'),
    (dict(in_channels=[8, 16], out_channels=-1), 'out_channels'),
    (dict(in_channels=[8, 16], out_channels=4,
          mid_channels=0), 'mid_channels'),
])
def test_constructor_errors(kwargs, key):
    with pytest.raises(ValueError, match=key):
        UniKDFusionConnector(**kwargs)


def test_one_stage_plus_pooled_level():
    conn = UniKDFusionConnector([8], out_channels=4)
    assert conn([torch.randn(2, 8, 8, 8)]).shape == (2, 4, 8, 8)


@pytest.mark.parametrize('norm, out_relu', [(False, True), (True, False)])
def test_lateral_and_output_activations(norm, out_relu):
    torch.manual_seed(0)
    conn = UniKDFusionConnector([4, 8],
                                out_channels=3,
                                norm=norm,
                                out_relu=out_relu)
    lateral = conn.laterals[0][1]
    assert isinstance(lateral, torch.nn.BatchNorm2d if norm else torch.nn.ReLU)
    assert any(isinstance(m, torch.nn.BatchNorm2d)
               for m in conn.modules()) == norm
    out = conn(_stages(2, 8))
    assert (out < 0).any() != out_relu  # ReLU output is non-negative


def test_defaults_follow_the_authors():
    conn = UniKDFusionConnector([4, 8], out_channels=3)
    assert conn.fuse_pooled
    assert isinstance(conn.laterals[0][1], torch.nn.ReLU)
    assert isinstance(conn.out_conv[1], torch.nn.ReLU)


def test_weights_initialised_in_init():
    cfg = dict(
        type='UniKDFusionConnector', in_channels=[32, 64], out_channels=32)
    torch.manual_seed(1)
    distiller = ConfigurableDistiller(connectors=dict(fuse=cfg))
    torch.manual_seed(1)
    direct = UniKDFusionConnector([32, 64], out_channels=32)
    built = distiller.connectors['fuse']
    for (name, p1), (_, p2) in zip(built.state_dict().items(),
                                   direct.state_dict().items()):
        assert torch.equal(p1, p2), name

    # The authors' init: Kaiming-uniform with a=1 (bound sqrt(3 / fan_in)),
    # which PyTorch's default conv init (a=sqrt(5)) is not.
    for conv in (built.laterals[0][0], built.out_conv[0]):
        fan_in = conv.weight[0].numel()
        bound = math.sqrt(3 / fan_in)
        assert conv.weight.abs().max() <= bound
        assert conv.weight.abs().max() > 0.9 * bound
        assert abs(conv.weight.std().item() / (bound / math.sqrt(3)) - 1) < 0.1
