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
def test_output_shape(num_stages, size):
    conn = UniKDFusionConnector(CHANNELS[:num_stages], out_channels=6)
    batch = 1 if size == 224 else 2
    out = conn(_stages(num_stages, size, batch=batch))
    assert out.shape == (batch, 6, size, size)
    assert conn.mid_channels == min(512, CHANNELS[num_stages - 1])


@pytest.mark.parametrize('size', [28, 32])
def test_pooled_deepest_entry(size):
    conn = UniKDFusionConnector(CHANNELS[:4], out_channels=5, mid_channels=8)
    feats = _stages(4, size, pooled_last=True)
    assert feats[-1].dim() == 2
    out = conn(tuple(feats))
    assert out.shape == (2, 5, size, size)


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
    (dict(in_channels=[8], out_channels=4), 'in_channels'),
    (dict(in_channels=[8, 0], out_channels=4), r'in_channels\[1\]'),
    (dict(in_channels=[8, 16], out_channels=-1), 'out_channels'),
    (dict(in_channels=[8, 16], out_channels=4,
          mid_channels=0), 'mid_channels'),
])
def test_constructor_errors(kwargs, key):
    with pytest.raises(ValueError, match=key):
        UniKDFusionConnector(**kwargs)


def test_norm_false_uses_relu():
    conn = UniKDFusionConnector([4, 8], out_channels=3, norm=False)
    assert isinstance(conn.laterals[0][1], torch.nn.ReLU)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in conn.modules())


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

    # The documented init, not PyTorch's defaults (which the distiller
    # would leave if the init lived in init_weights()).
    lateral = built.laterals[0][0].weight  # (mid=64, 32, 1, 1)
    expected_std = math.sqrt(2 / lateral.size(0))  # Kaiming, fan_out, ReLU
    assert abs(lateral.std().item() / expected_std - 1) < 0.1
    assert torch.equal(built.attentions[0].bias, torch.zeros(2))
    bn = built.laterals[0][1]
    assert torch.equal(bn.weight, torch.ones_like(bn.weight))
    assert torch.equal(bn.bias, torch.zeros_like(bn.bias))
