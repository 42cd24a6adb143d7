"""MGKDGranularityLoss against the formula, computed independently."""
import inspect
import math

import pytest
import torch

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmrazor.registry import MODELS

BRANCHES = [
    dict(code_dim=2, tau=2., weight=1.),
    dict(code_dim=3, tau=0.5, weight=0.25)
]
# batch of 2; student and teacher codes per branch
S = [[[1., 0.], [0.5, -1.]], [[0., 1., 2.], [1., 1., -1.]]]
T = [[[2., -1.], [0., 0.]], [[1., 0., 0.], [-2., 1., 3.]]]


def _softmax(row, tau):
    exps = [math.exp(v / tau) for v in row]
    return [e / sum(exps) for e in exps]


def _expected(loss_weight):
    total = 0.
    for branch, s_rows, t_rows in zip(BRANCHES, S, T):
        tau = branch['tau']
        kl = 0.
        for s_row, t_row in zip(s_rows, t_rows):
            p, q = _softmax(t_row, tau), _softmax(s_row, tau)
            kl += sum(pi * math.log(pi / qi) for pi, qi in zip(p, q))
        total += branch['weight'] * tau**2 * kl / len(s_rows)
    return loss_weight * total


def _codes(rows, requires_grad=False):
    return tuple(torch.tensor(r, requires_grad=requires_grad) for r in rows)


@pytest.mark.parametrize('loss_weight', [1.0, 0.3])
def test_matches_the_formula(loss_weight):
    loss_fn = MODELS.build(
        dict(
            type='MGKDGranularityLoss',
            branches=BRANCHES,
            loss_weight=loss_weight))
    loss = loss_fn(_codes(S), _codes(T))
    assert loss.dim() == 0
    assert loss.item() == pytest.approx(_expected(loss_weight), rel=1e-5)


def test_loss_weight_is_settable_and_used():
    # DistillLossWarmupHook assigns `loss_weight` before every iteration
    loss_fn = MODELS.build(dict(type='MGKDGranularityLoss', branches=BRANCHES))
    loss_fn.loss_weight = 0.25
    assert loss_fn(_codes(S), _codes(T)).item() == pytest.approx(
        _expected(0.25), rel=1e-5)


def test_teacher_codes_are_detached():
    loss_fn = MODELS.build(dict(type='MGKDGranularityLoss', branches=BRANCHES))
    s, t = _codes(S, True), _codes(T, True)
    loss_fn(s, t).backward()
    assert all(x.grad is not None and x.grad.abs().sum() > 0 for x in s)
    assert all(x.grad is None for x in t)


def test_zero_when_codes_agree():
    loss_fn = MODELS.build(dict(type='MGKDGranularityLoss', branches=BRANCHES))
    assert loss_fn(_codes(T), _codes(T)).item() == pytest.approx(0., abs=1e-6)


def test_forward_signature():
    loss_fn = MODELS.build(dict(type='MGKDGranularityLoss', branches=BRANCHES))
    params = list(inspect.signature(loss_fn.forward).parameters)
    assert params == ['student_codes', 'teacher_codes']


def test_branch_count_and_width_are_checked():
    loss_fn = MODELS.build(dict(type='MGKDGranularityLoss', branches=BRANCHES))
    with pytest.raises(ValueError, match='2 branches but student_codes has 1'):
        loss_fn(_codes(S)[:1], _codes(T))
    with pytest.raises(ValueError, match='2 branches but teacher_codes has 3'):
        loss_fn(_codes(S), _codes(T) + (torch.zeros(2, 3), ))
    wide = (torch.zeros(2, 4), _codes(S)[1])
    with pytest.raises(
            ValueError,
            match=r'branch 0 expects codes of shape \(B, 2\).*'
            r'student \(2, 4\) and teacher \(2, 2\)'):
        loss_fn(wide, _codes(T))
