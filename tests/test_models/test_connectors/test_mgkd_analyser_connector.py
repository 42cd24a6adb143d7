"""MGKDAnalyserConnector: the stage-2 analyser, loaded, selected, frozen."""
import os.path as osp

import pytest
import torch

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmrazor.registry import MODELS
from mmrazor_unified.models.connectors import (MGKDTeacherTargets,
                                               stable_excitation_target)
from mmrazor_unified.models.heads import MGKDAnalyser

BRANCHES = [
    dict(code_dim=3, tau=2., weight=1.),
    dict(code_dim=5, tau=8., weight=1.)
]
# what the stage-2 checkpoint holds: the two above and one more
SAVED = BRANCHES + [dict(code_dim=3, tau=8., weight=1.)]


@pytest.fixture
def trained(tmp_path):
    """An analyser and a stage-2-like checkpoint holding it."""
    torch.manual_seed(0)
    analyser = MGKDAnalyser(in_channels=6, num_classes=4, branches=SAVED)
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


def _record(batch=3):
    """What MultiModuleOutputs(['neck', 'head.fc']) records: the neck's
    tuple of pooled features and the logits."""
    return (torch.randn(batch, 6), ), torch.randn(batch, 4)


def _same_branch(connector, k, analyser, j):
    """Branch k of the connector has the weights of branch j of analyser."""
    ours = connector.analyser
    return all(
        torch.equal(a.weight, b.weight) and torch.equal(a.bias, b.bias)
        for mlp, theirs in ((ours.encoders[k], analyser.encoders[j]),
                            (ours.decoders[k], analyser.decoders[j]))
        for a, b in zip(mlp[::2], theirs[::2]))


def test_weights_come_from_the_checkpoint(trained):
    analyser, path = trained
    connector = _connector(path)
    assert _same_branch(connector, 0, analyser, 0)
    assert _same_branch(connector, 1, analyser, 1)
    fresh = MGKDAnalyser(6, 4, BRANCHES)
    assert not torch.equal(fresh.encoders[0][0].weight,
                           connector.analyser.encoders[0][0].weight)
    # init_weights (e.g. by a runner) does not overwrite them
    connector.init_weights()
    assert _same_branch(connector, 0, analyser, 0)


def test_branches_are_selected_by_code_dim_and_tau(trained):
    analyser, path = trained
    # a subset, in another order: (3, tau 8) is the checkpoint's branch 2
    connector = _connector(path, branches=[SAVED[2], SAVED[0]])
    assert connector.analyser.code_dims.tolist() == [3, 3]
    assert connector.analyser.taus.tolist() == [8., 2.]
    assert _same_branch(connector, 0, analyser, 2)
    assert _same_branch(connector, 1, analyser, 0)
    f = torch.randn(2, 6)
    expected = analyser(f)
    out = connector(((f, ), torch.zeros(2, 4)))
    torch.testing.assert_close(out.codes[0], expected.codes[2])
    torch.testing.assert_close(out.codes[1], expected.codes[0])


def test_frozen_eval_and_no_grad(trained):
    _, path = trained
    connector = _connector(path)
    assert all(not p.requires_grad for p in connector.parameters())
    connector.train()
    assert connector.training and not connector.analyser.training
    (f, ), z = _record()
    f.requires_grad_(True)
    out = connector(((f, ), z))
    assert all(not t.requires_grad for t in (out.target, *out.codes))


def test_stable_target_and_codes(trained):
    _, path = trained
    connector = _connector(path)
    record = _record()
    out = connector(record)
    assert isinstance(out, MGKDTeacherTargets)
    analysis = connector.analyser(record[0])
    # the mean of z_T and the branches' reconstructed logits
    torch.testing.assert_close(
        out.target, (record[1] + analysis.logits[0] + analysis.logits[1]) / 3)
    for ours, theirs in zip(out.codes, analysis.codes):
        torch.testing.assert_close(ours, theirs)
    # connector_idx 0 and 1 of a loss mapping
    assert out[0] is out.target and out[1] is out.codes


def test_without_stable_excitation_the_target_is_the_teachers(trained):
    _, path = trained
    record = _record()
    out = _connector(path, stable=False)(record)
    assert torch.equal(out.target, record[1])
    with pytest.raises(TypeError, match='`stable` must be a bool'):
        _connector(path, stable='yes')


def test_stable_excitation_target_checks_shapes():
    z = torch.randn(2, 4)
    target = stable_excitation_target(z, [torch.zeros(2, 4)])
    torch.testing.assert_close(target, z / 2)
    with pytest.raises(ValueError, match='branch 1 have shape'):
        stable_excitation_target(z, [z, torch.zeros(2, 5)])


@pytest.mark.parametrize('record, error, match', [
    (torch.randn(3, 6), TypeError, 'got a tensor of shape'),
    ((torch.randn(3, 6), ), TypeError, r'\(pooled feature, logits\)'),
    ((torch.randn(3, 6), torch.randn(
        3, 5)), ValueError, r'logits of shape \(B, 4\)'),
])
def test_bad_records(trained, record, error, match):
    _, path = trained
    with pytest.raises(error, match=match):
        _connector(path)(record)


def test_bare_analyser_state_dict_with_empty_prefix(trained, tmp_path):
    analyser, _ = trained
    path = str(tmp_path / 'bare.pth')
    torch.save(analyser.state_dict(), path)
    connector = _connector(path, prefix='')
    assert _same_branch(connector, 1, analyser, 1)


def test_missing_checkpoint(tmp_path):
    path = str(tmp_path / 'nowhere' / 'analyser.pth')
    with pytest.raises(FileNotFoundError) as info:
        _connector(path)
    msg = str(info.value)
    assert '`checkpoint` not found' in msg and path in msg
    assert 'stage 2' in msg and 'tools/analysis_tools/mgkd_analyser.py' in msg


def test_checkpoint_without_analyser_keys(tmp_path):
    path = str(tmp_path / 'teacher.pth')
    torch.save(dict(state_dict={'backbone.conv1.weight': torch.ones(1)}), path)
    with pytest.raises(
            KeyError, match="no key starting with `prefix` 'analyser.'"):
        _connector(path)


@pytest.mark.parametrize('branch', [
    dict(code_dim=4, tau=2., weight=1.),
    dict(code_dim=5, tau=4., weight=1.),
])
def test_branch_missing_from_the_checkpoint(trained, branch):
    _, path = trained
    with pytest.raises(ValueError) as info:
        _connector(path, branches=[BRANCHES[0], branch])
    msg = str(info.value)
    assert msg.startswith('`branches` differ from the MGKD analyser')
    assert (f'(code_dim={branch["code_dim"]}, tau={branch["tau"]}) is '
            'configured') in msg
    assert '[(3, 2.0), (5, 8.0), (3, 8.0)]' in msg and path in msg


def test_repeated_branch_is_rejected(trained):
    _, path = trained
    with pytest.raises(ValueError, match=r'same \(code_dim, tau\): \[\(3, 2'):
        _connector(path, branches=[BRANCHES[0], dict(BRANCHES[0], weight=2.)])


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
