"""MGKDAnalyser: the teacher's multi-granularity encoder/decoder branches."""
import pytest
import torch
import torch.nn as nn

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmrazor.registry import MODELS
from mmrazor_unified.models.heads import MGKDAnalyser, MGKDAnalysis

BRANCHES = [
    dict(code_dim=3, tau=2., weight=1.),
    dict(code_dim=5, tau=8., weight=0.5)
]


def _analyser(**kwargs):
    cfg = dict(
        type='MGKDAnalyser', in_channels=6, num_classes=4, branches=BRANCHES)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_branch_architecture():
    analyser = _analyser()
    assert len(analyser.encoders) == len(analyser.decoders) == 2
    for branch, enc, dec in zip(BRANCHES, analyser.encoders,
                                analyser.decoders):
        d = branch['code_dim']
        assert [type(m) for m in enc] == [nn.Linear, nn.ReLU, nn.Linear]
        assert [type(m) for m in dec] == [nn.Linear, nn.ReLU, nn.Linear]
        assert (enc[0].in_features, enc[0].out_features) == (6, 6)
        assert (enc[2].in_features, enc[2].out_features) == (6, d)
        assert (dec[0].in_features, dec[0].out_features) == (d, 6)
        assert (dec[2].in_features, dec[2].out_features) == (6, 4)


def test_default_branches():
    analyser = MGKDAnalyser(in_channels=8, num_classes=3)
    assert analyser.code_dims.tolist() == [64, 256]
    assert analyser.taus.tolist() == [2., 8.]
    assert analyser.weights.tolist() == [1., 1.]


def test_forward_shapes_and_consistency():
    torch.manual_seed(0)
    analyser = _analyser()
    f = torch.randn(7, 6)
    out = analyser(f)
    assert isinstance(out, MGKDAnalysis)
    assert [c.shape for c in out.codes] == [(7, 3), (7, 5)]
    assert [z.shape for z in out.logits] == [(7, 4), (7, 4)]
    codes = analyser.encode(f)
    for a, b in zip(codes, out.codes):
        torch.testing.assert_close(a, b)
    for a, b in zip(analyser.decode(codes), out.logits):
        torch.testing.assert_close(a, b)
    # the code is the raw output of the encoder's last Linear
    torch.testing.assert_close(out.codes[1], analyser.encoders[1](f))


def test_input_forms_are_equivalent():
    torch.manual_seed(0)
    analyser = _analyser()
    fmap = torch.randn(2, 6, 3, 3)
    pooled = fmap.mean(dim=(2, 3))
    expected = analyser(pooled)
    for feature in (fmap, (torch.randn(2, 1), pooled), [fmap]):
        out = analyser(feature)
        for a, b in zip(out.logits, expected.logits):
            torch.testing.assert_close(a, b)


def test_branch_list_is_in_the_state_dict():
    state = _analyser().state_dict()
    assert state['code_dims'].tolist() == [3, 5]
    assert state['taus'].tolist() == [2., 8.]
    assert state['weights'].tolist() == [1., .5]


def test_triples_are_accepted():
    analyser = _analyser(branches=[(3, 2., 1.), [5, 8, 0.5]])
    assert analyser.branches == BRANCHES


def test_channel_mismatch_is_a_clear_error():
    with pytest.raises(ValueError, match=r'in_channels.*6.*has 7'):
        _analyser()(torch.randn(2, 7))
    with pytest.raises(ValueError, match='shape'):
        _analyser()(torch.randn(2, 6, 1))


@pytest.mark.parametrize('branches, match', [
    ([dict(code_dim=3, tau=2.)], r"missing \['weight'\]"),
    ([dict(code_dim=3, tau=2., weight=1., width=2)], r"unknown \['width'\]"),
    ([dict(code_dim=0, tau=2., weight=1.)
      ], r"`branches\[0\]\['code_dim'\]`: expected a positive int, got 0"),
    ([BRANCHES[0], dict(code_dim=4, tau=-1., weight=1.)
      ], r"`branches\[1\]\['tau'\]`: expected a positive number, got -1.0"),
    ([dict(code_dim=3., tau=2., weight=1.)], r"\['code_dim'\].*got 3.0"),
    ([dict(code_dim=3, tau=2., weight=-1)], r"\['weight'\].*>= 0, got -1"),
    ([], 'non-empty'),
    ([(3, 2.)], r'branches\[0\]'),
])
def test_bad_branch_lists(branches, match):
    with pytest.raises(ValueError, match=match):
        _analyser(branches=branches)


def test_bad_sizes():
    with pytest.raises(ValueError, match='`in_channels` must be a positive'):
        _analyser(in_channels=0)
    with pytest.raises(ValueError, match='`num_classes` must be a positive'):
        _analyser(num_classes=2.5)


def test_decode_checks_the_number_of_codes():
    analyser = _analyser()
    with pytest.raises(ValueError, match='expected 2 codes'):
        analyser.decode([torch.randn(2, 3)])
