"""The stable excitation target and MGKDStableKDLoss."""
import inspect
import math

import pytest
import torch

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmrazor.models.losses import KLDivergence
from mmrazor.registry import MODELS
from mmrazor_unified.models.heads import MGKDAnalysis
from mmrazor_unified.models.losses import stable_excitation_target

Z_T = [[3., 0., -3.], [1., 2., 3.]]
RECON = [[[0., 0., 0.], [4., -1., 0.]], [[6., 3., 0.], [-2., 2., 6.]]]
# (Z_T + RECON[0] + RECON[1]) / 3, computed by hand
STABLE = [[3., 1., -1.], [1., 1., 3.]]
Z_S = [[0.5, 0., 1.], [2., -1., 0.]]


def _kd(student, target, tau):
    """tau^2 * batch-mean KL(softmax(target/tau) || softmax(student/tau))."""
    total = 0.
    for s_row, t_row in zip(student, target):
        p = [math.exp(v / tau) for v in t_row]
        p = [v / sum(p) for v in p]
        q = [math.exp(v / tau) for v in s_row]
        q = [v / sum(q) for v in q]
        total += sum(pi * math.log(pi / qi) for pi, qi in zip(p, q))
    return tau**2 * total / len(student)


def _analysis(requires_grad=False):
    logits = tuple(torch.tensor(r, requires_grad=requires_grad) for r in RECON)
    return MGKDAnalysis(codes=(), logits=logits)


def test_stable_target_is_the_mean_before_softmax():
    z_t = torch.tensor(Z_T, requires_grad=True)
    target = stable_excitation_target(z_t, _analysis(True).logits)
    assert target.tolist() == STABLE
    assert not target.requires_grad


def test_stable_target_checks_shapes():
    with pytest.raises(ValueError, match=r'branch 1 .*\(2, 2\).*\(2, 3\)'):
        stable_excitation_target(
            torch.zeros(2, 3),
            [torch.zeros(2, 3), torch.zeros(2, 2)])


@pytest.mark.parametrize('stable, target', [(True, STABLE), (False, Z_T)])
@pytest.mark.parametrize('tau, loss_weight', [(4., 1.), (2., 0.8)])
def test_loss_matches_kd_against_the_target(stable, target, tau, loss_weight):
    loss_fn = MODELS.build(
        dict(
            type='MGKDStableKDLoss',
            tau=tau,
            loss_weight=loss_weight,
            stable=stable))
    loss = loss_fn(torch.tensor(Z_S), torch.tensor(Z_T), _analysis())
    assert loss.item() == pytest.approx(
        loss_weight * _kd(Z_S, target, tau), rel=1e-5)


def test_stable_and_plain_targets_differ():
    on = MODELS.build(dict(type='MGKDStableKDLoss'))
    off = MODELS.build(dict(type='MGKDStableKDLoss', stable=False))
    args = torch.tensor(Z_S), torch.tensor(Z_T), _analysis()
    assert on(*args).item() != pytest.approx(off(*args).item(), rel=1e-3)


def test_composes_mmrazor_kl_divergence():
    loss_fn = MODELS.build(
        dict(type='MGKDStableKDLoss', tau=3., loss_weight=2.))
    assert isinstance(loss_fn.kd, KLDivergence)
    assert (loss_fn.tau, loss_fn.loss_weight) == (3., 2.)


def test_gradient_reaches_only_the_student():
    loss_fn = MODELS.build(dict(type='MGKDStableKDLoss'))
    z_s = torch.tensor(Z_S, requires_grad=True)
    z_t = torch.tensor(Z_T, requires_grad=True)
    analysis = _analysis(True)
    loss_fn(z_s, z_t, analysis).backward()
    assert z_s.grad is not None and z_s.grad.abs().sum() > 0
    assert z_t.grad is None and all(x.grad is None for x in analysis.logits)


def test_forward_signature():
    loss_fn = MODELS.build(dict(type='MGKDStableKDLoss'))
    params = list(inspect.signature(loss_fn.forward).parameters)
    assert params == ['preds_S', 'preds_T', 'teacher_analysis']
