"""MGKDAnalyserConnector: the stage-2 analyser, loaded and frozen."""
import os.path as osp

import pytest
import torch

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmrazor.registry import MODELS
from mmrazor_unified.models.heads import MGKDAnalyser, MGKDAnalysis

BRANCHES = [
    dict(code_dim=3, tau=2., weight=1.),
    dict(code_dim=5, tau=8., weight=1.)
]


@pytest.fixture
def trained(tmp_path):
    """An analyser and a stage-2-like checkpoint holding it."""
    torch.manual_seed(0)
    analyser = MGKDAnalyser(in_channels=6, num_classes=4, branches=BRANCHES)
    state = {f'analyser.{k}': v for k, v in analyser.state_dict().items()}
    state['architecture.head.fc.weight'] = torch.ones(4, 6)
    path = str(tmp_path / 'stage2.pth')
    torch.save(dict(state_dict=state, meta=dict(epoch=1)), path)
    return analyser, path


def _connector(path, **kwargs):
    cfg = dict(
        type='MGKDAnalyserConnector',
        in_channels=6,
        num_classes=4,
        branches=BRANCHES,
        checkpoint=path)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_weights_come_from_the_checkpoint(trained):
    analyser, path = trained
    connector = _connector(path)
    # a freshly built analyser differs; the connector's equals the saved one
    fresh = MGKDAnalyser(6, 4, BRANCHES).state_dict()
    loaded = connector.analyser.state_dict()
    assert loaded.keys() == analyser.state_dict().keys()
    for key, value in analyser.state_dict().items():
        assert torch.equal(loaded[key], value), key
    assert not torch.equal(fresh['encoders.0.0.weight'],
                           loaded['encoders.0.0.weight'])
    # init_weights (e.g. by a runner) does not overwrite them
    connector.init_weights()
    assert torch.equal(connector.analyser.encoders[0][0].weight,
                       analyser.encoders[0][0].weight)


def test_frozen_eval_and_no_grad(trained):
    analyser, path = trained
    connector = _connector(path)
    assert all(not p.requires_grad for p in connector.parameters())
    connector.train()
    assert connector.training and not connector.analyser.training
    f = torch.randn(3, 6, requires_grad=True)
    out = connector(f)
    assert isinstance(out, MGKDAnalysis)
    assert all(not t.requires_grad for t in out.codes + out.logits)
    for a, b in zip(out.logits, analyser(f).logits):
        torch.testing.assert_close(a, b)


def test_bare_analyser_state_dict_with_empty_prefix(trained, tmp_path):
    analyser, _ = trained
    path = str(tmp_path / 'bare.pth')
    torch.save(analyser.state_dict(), path)
    connector = _connector(path, prefix='')
    assert torch.equal(connector.analyser.decoders[1][2].bias,
                       analyser.decoders[1][2].bias)


def test_missing_checkpoint(tmp_path):
    path = str(tmp_path / 'nowhere' / 'analyser.pth')
    with pytest.raises(FileNotFoundError) as info:
        _connector(path)
    msg = str(info.value)
    assert '`checkpoint` not found' in msg and path in msg
    assert 'stage 2' in msg and 'tools/train.py' in msg


def test_checkpoint_without_analyser_keys(tmp_path):
    path = str(tmp_path / 'teacher.pth')
    torch.save(dict(state_dict={'backbone.conv1.weight': torch.ones(1)}), path)
    with pytest.raises(
            KeyError, match="no key starting with `prefix` 'analyser.'"):
        _connector(path)


@pytest.mark.parametrize('branches, configured, saved', [
    ([dict(code_dim=4, tau=2., weight=1.), BRANCHES[1]
      ], 'code_dim [4, 5] and tau [2.0, 8.0]',
     'has 2 with code_dim [3, 5] and tau [2.0, 8.0]'),
    ([BRANCHES[0], dict(code_dim=5, tau=4., weight=1.)
      ], 'code_dim [3, 5] and tau [2.0, 4.0]', 'tau [2.0, 8.0]'),
    (BRANCHES[:1], 'configured 1 branches with code_dim [3]',
     'the checkpoint has 2'),
])
def test_branch_mismatch(trained, branches, configured, saved):
    _, path = trained
    with pytest.raises(ValueError) as info:
        _connector(path, branches=branches)
    msg = str(info.value)
    assert msg.startswith('`branches` differ from the MGKD analyser')
    assert configured in msg and saved in msg and path in msg


def test_other_branch_weights_are_allowed(trained):
    _, path = trained
    branches = [dict(BRANCHES[0], weight=0.), dict(BRANCHES[1], weight=2.)]
    connector = _connector(path, branches=branches)
    assert connector.analyser.weights.tolist() == [0., 2.]


@pytest.mark.parametrize('key, value, saved', [('in_channels', 7, 6),
                                               ('num_classes', 5, 4)])
def test_size_mismatch(trained, key, value, saved):
    _, path = trained
    with pytest.raises(
            ValueError,
            match=f'`{key}` is {value} but .* trained with '
            f'{saved}'):
        _connector(path, **{key: value})


def test_checkpoint_path_is_relative_to_the_working_dir(
        trained, tmp_path, monkeypatch):
    _, path = trained
    monkeypatch.chdir(osp.dirname(path))
    assert _connector(osp.basename(path)).checkpoint == 'stage2.pth'
