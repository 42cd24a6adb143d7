"""MGKDStudentEncoders: the student's trainable encoders."""
import pytest
import torch
import torch.nn as nn

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmrazor.registry import MODELS

BRANCHES = [
    dict(code_dim=3, tau=2., weight=1.),
    dict(code_dim=5, tau=8., weight=1.)
]


def _encoders():
    return MODELS.build(
        dict(type='MGKDStudentEncoders', in_channels=4, branches=BRANCHES))


def test_architecture():
    encoders = _encoders()
    for branch, enc in zip(BRANCHES, encoders.encoders):
        assert [type(m) for m in enc] == [nn.Linear, nn.ReLU, nn.Linear]
        assert (enc[0].in_features, enc[0].out_features) == (4, 4)
        assert (enc[2].in_features,
                enc[2].out_features) == (4, branch['code_dim'])


def test_codes_per_branch_and_input_forms():
    torch.manual_seed(0)
    encoders = _encoders()
    fmap = torch.randn(2, 4, 3, 3)
    codes = encoders(fmap)
    assert isinstance(codes, tuple)
    assert [c.shape for c in codes] == [(2, 3), (2, 5)]
    pooled = fmap.mean(dim=(2, 3))
    for feature in (pooled, (pooled, ), [torch.randn(2, 9), fmap]):
        for a, b in zip(encoders(feature), codes):
            torch.testing.assert_close(a, b)


def test_trainable():
    encoders = _encoders()
    params = list(encoders.parameters())
    assert params and all(p.requires_grad for p in params)
    sum(c.sum() for c in encoders(torch.randn(2, 4))).backward()
    assert all(p.grad is not None for p in params)


def test_channel_mismatch():
    with pytest.raises(
            ValueError,
            match=r'MGKDStudentEncoders: `in_channels` expected 4 '
            r'channels, but the feature has 6'):
        _encoders()(torch.randn(2, 6))


def test_bad_branches():
    with pytest.raises(ValueError, match=r"`branches\[0\]\['tau'\]`"):
        MODELS.build(
            dict(
                type='MGKDStudentEncoders',
                in_channels=4,
                branches=[dict(code_dim=3, tau=0, weight=1)]))
