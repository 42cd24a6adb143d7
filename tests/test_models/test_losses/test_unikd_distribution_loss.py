"""Tests of UniKDDistributionLoss."""
import pytest
import torch

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmrazor.registry import MODELS
from mmrazor_unified.models.heads import GaussianLogits, UniKDDistributionHead
from mmrazor_unified.models.losses import UniKDDistributionLoss


def _dist(batch=4, classes=5, requires_grad=False, log_var=None):
    mean = torch.randn(batch, classes)
    lv = torch.randn(batch, classes) if log_var is None else log_var
    sample = mean + torch.exp(0.5 * lv) * torch.randn(batch, classes)
    tensors = [
        t.clone().requires_grad_(requires_grad) for t in (sample, mean, lv)
    ]
    return GaussianLogits(*tensors)


def _grad_sum(tensor):
    """Total absolute gradient of a leaf (0 when no gradient reached it)."""
    return 0. if tensor.grad is None else tensor.grad.abs().sum().item()


def test_zero_for_identical_inputs_and_positive_otherwise():
    torch.manual_seed(0)
    head = UniKDDistributionHead(in_channels=8, num_classes=5, sample=False)
    dist = head(torch.randn(4, 8, 3, 3))
    logits = dist.mean
    loss = MODELS.build(dict(type='UniKDDistributionLoss'))
    assert loss(dist, dist, logits, logits).abs().item() < 1e-6

    assert loss(dist, dist, logits, torch.randn(4, 5)) > 0
    other = head(torch.randn(4, 8, 3, 3))
    assert loss(dist, other, logits, logits) > 0


def test_sample_mode_accepts_plain_tensors():
    torch.manual_seed(0)
    z_s, z_t, s, t = (torch.randn(3, 5) for _ in range(4))
    loss = UniKDDistributionLoss(
        tau=2., loss_weight=0.5, consistency_weight=2.)
    kd = MODELS.build(dict(type='KLDivergence', tau=2.))
    expected = 0.5 * kd(z_s, z_t) + 2. * (kd(z_s, s) + kd(z_t, t))
    assert torch.allclose(loss(z_s, z_t, s, t), expected, atol=1e-6)


def test_gaussian_kl_matches_monte_carlo():
    torch.manual_seed(0)
    # Moderate KL (about 1), so that a wrong term would exceed the tolerance.
    s_dist = _dist(batch=2, classes=3, log_var=0.5 * torch.randn(2, 3))
    t_dist = _dist(batch=2, classes=3, log_var=0.5 * torch.randn(2, 3))
    loss = UniKDDistributionLoss(mode='gaussian', consistency_weight=0.)
    closed = loss(s_dist, t_dist, torch.zeros(2, 3), torch.zeros(2, 3))

    normal_t = torch.distributions.Normal(t_dist.mean,
                                          torch.exp(0.5 * t_dist.log_var))
    normal_s = torch.distributions.Normal(s_dist.mean,
                                          torch.exp(0.5 * s_dist.log_var))
    x = normal_t.sample((200_000, ))  # (N, B, K) from the teacher Gaussian
    log_ratio = normal_t.log_prob(x) - normal_s.log_prob(x)
    monte_carlo = log_ratio.sum(-1).mean()  # sum over K, mean over N and B
    assert 0.5 < closed.item() < 5
    assert torch.allclose(closed, monte_carlo, rtol=0.03)
    # The direction is KL(N_t || N_s), not the reverse.
    reverse = torch.distributions.kl_divergence(normal_s, normal_t)
    assert not torch.allclose(closed, reverse.sum(-1).mean(), rtol=0.03)


@pytest.mark.parametrize('mode', ['sample', 'gaussian'])
@pytest.mark.parametrize('detach', [False, True])
def test_student_logit_gradient(mode, detach):
    torch.manual_seed(0)
    s_logits = torch.randn(4, 5, requires_grad=True)
    loss = UniKDDistributionLoss(mode=mode, detach_student_logits=detach)
    s_dist = _dist(requires_grad=True)
    loss(s_dist, _dist(), s_logits, torch.randn(4, 5)).backward()
    assert _grad_sum(s_dist.sample if mode == 'sample' else s_dist.mean) > 0
    if detach:
        assert s_logits.grad is None
    else:
        assert s_logits.grad is not None and s_logits.grad.abs().sum() > 0


def test_teacher_dist_is_a_target_in_the_feature_term():
    torch.manual_seed(0)
    logits = torch.randn(4, 5)
    for detach in (True, False):
        t_dist = _dist(requires_grad=True)
        loss = UniKDDistributionLoss(
            consistency_weight=0., detach_teacher_dist=detach)
        loss(_dist(requires_grad=True), t_dist, logits, logits).backward()
        assert (_grad_sum(t_dist.sample) == 0) == detach

    # In 'gaussian' mode the teacher head still learns through its own
    # consistency term (on the mean), even with the teacher dist detached.
    t_dist = _dist(requires_grad=True)
    UniKDDistributionLoss(
        mode='gaussian', detach_teacher_dist=True)(_dist(), t_dist, logits,
                                                   logits).backward()
    assert _grad_sum(t_dist.mean) > 0
    assert _grad_sum(t_dist.log_var) == 0


def test_gradient_flow_defaults_follow_the_authors():
    loss = UniKDDistributionLoss()
    assert not loss.detach_teacher_dist and not loss.detach_student_logits


@pytest.mark.parametrize('mode', ['sample', 'gaussian'])
def test_stable_at_extreme_log_variance(mode):
    torch.manual_seed(0)
    head = UniKDDistributionHead(in_channels=8, num_classes=5)
    loss = UniKDDistributionLoss(mode=mode)
    s_logits = torch.randn(2, 5, requires_grad=True)
    s_dist = head(torch.full((2, 8), 1e6))  # log_var clamped to +-10
    t_dist = head(torch.full((2, 8), -1e6))
    value = loss(s_dist, t_dist, s_logits, torch.randn(2, 5) * 1e4)
    value.backward()
    assert torch.isfinite(value)
    for param in (*head.parameters(), s_logits):
        assert torch.isfinite(param.grad).all()

    lv = torch.full((2, 5), 10.)
    hi = _dist(batch=2, log_var=lv, requires_grad=True)
    lo = _dist(batch=2, log_var=-lv, requires_grad=True)
    value = loss(lo, hi, hi.mean, lo.mean)
    value.backward()
    assert torch.isfinite(value)
    grads = [t.grad for t in lo if t.grad is not None]
    assert grads and all(torch.isfinite(g).all() for g in grads)


@pytest.mark.parametrize('mode', ['sample', 'gaussian'])
def test_float32_and_finite_under_bf16_autocast(mode):
    torch.manual_seed(0)
    head = UniKDDistributionHead(in_channels=8, num_classes=5)
    feat = torch.randn(4, 8, 2, 2, requires_grad=True)
    loss = UniKDDistributionLoss(mode=mode, tau=1.)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        logits = torch.nn.functional.linear(
            feat.mean((2, 3)), torch.randn(5, 8))
        assert logits.dtype == torch.bfloat16
        value = loss(head(feat), head(feat * 2), logits, logits * 3)
    assert value.dtype == torch.float32 and value.dim() == 0
    value.backward()
    assert torch.isfinite(value) and torch.isfinite(feat.grad).all()


def test_class_count_mismatch_errors():
    loss = UniKDDistributionLoss()
    s = _dist(classes=10)
    with pytest.raises(
            ValueError,
            match='teacher logits have 100 classes but student logits 10; '
            'teacher and student must be built with the same num_classes'):
        loss(s, s, torch.randn(4, 10), torch.randn(4, 100))
    with pytest.raises(
            ValueError,
            match=r'teacher distribution \(t_dist\) '
            'has 7 classes but student logits 10'):
        loss(s, _dist(classes=7), torch.randn(4, 10), torch.randn(4, 10))
    with pytest.raises(ValueError, match='student distribution.*has 5'):
        loss(_dist(), s, torch.randn(4, 10), torch.randn(4, 10))


def test_config_errors():
    with pytest.raises(ValueError, match="`mode`.*'sample', 'gaussian'"):
        UniKDDistributionLoss(mode='mse')
    logits = torch.randn(4, 5)
    with pytest.raises(ValueError, match='gaussian.*GaussianLogits'):
        UniKDDistributionLoss(mode='gaussian')(logits, logits, logits, logits)


@pytest.mark.parametrize('mode', ['sample', 'gaussian'])
def test_stats_hold_the_terms_and_both_mean_log_variances(mode):
    torch.manual_seed(0)
    s_dist = _dist(requires_grad=True)
    t_dist = _dist(log_var=torch.full((4, 5), -2.))
    loss = UniKDDistributionLoss(
        tau=2., loss_weight=0.5, consistency_weight=3., mode=mode)
    total = loss(s_dist, t_dist, torch.randn(4, 5), torch.randn(4, 5))
    stats = loss.stats
    assert torch.allclose(
        total, 0.5 * stats['feature'] + 3. *
        (stats['consistency_s'] + stats['consistency_t']))
    assert torch.allclose(stats['s_log_var'], s_dist.log_var.mean())
    assert stats['t_log_var'].item() == pytest.approx(-2.)
    assert all(not v.requires_grad for v in stats.values())


def test_stats_of_plain_samples_have_no_log_variance():
    loss = UniKDDistributionLoss()
    loss(*(torch.randn(3, 5) for _ in range(4)))
    assert set(loss.stats) == {'feature', 'consistency_s', 'consistency_t'}
