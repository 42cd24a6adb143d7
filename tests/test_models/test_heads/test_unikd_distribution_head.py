"""Tests of UniKDDistributionHead (UniKD's feature distribution head)."""
import pytest
import torch

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmrazor.registry import MODELS
from mmrazor_unified.models.heads import GaussianLogits, UniKDDistributionHead


def test_train_samples_eval_returns_mean():
    torch.manual_seed(0)
    head = UniKDDistributionHead(in_channels=8, num_classes=5)
    x = torch.randn(4, 8, 3, 3)
    out = head(x)
    assert isinstance(out, GaussianLogits)
    assert all(t.shape == (4, 5) for t in out)
    assert not torch.allclose(out.sample, out.mean)
    assert not torch.equal(head(x).sample, out.sample)  # fresh noise

    head.eval()
    out = head(x)
    assert torch.equal(out.sample, out.mean)


def test_sample_false_returns_mean_in_training():
    head = UniKDDistributionHead(in_channels=8, num_classes=5, sample=False)
    assert head.training
    out = head(torch.randn(4, 8))
    assert torch.equal(out.sample, out.mean)


def test_sample_is_reparameterised_with_half_log_var():
    torch.manual_seed(0)
    head = UniKDDistributionHead(in_channels=8, num_classes=5)
    with torch.no_grad():
        head.log_var_fc.bias.fill_(2.)  # sigma = e
    out = head(torch.randn(4000, 8))
    z = (out.sample - out.mean) / torch.exp(0.5 * out.log_var)
    assert abs(z.std().item() - 1) < 0.05
    assert abs(z.mean().item()) < 0.05


def test_default_init_as_the_authors():
    # PyTorch's Linear default: weights and biases U(-1/sqrt(C), 1/sqrt(C))
    torch.manual_seed(0)
    head = UniKDDistributionHead(in_channels=16, num_classes=10)
    for layer in (head.mean_fc, head.log_var_fc):
        for param in (layer.weight, layer.bias):
            assert param.abs().max() <= 0.25
            assert param.std() > 0.1  # not a small-std normal init
    torch.manual_seed(0)
    reference = torch.nn.Linear(16, 10)
    assert torch.equal(head.mean_fc.weight, reference.weight)


@pytest.mark.parametrize('log_var_range', [(-10., 10.), None])
def test_clamp_keeps_extreme_inputs_finite(log_var_range):
    head = UniKDDistributionHead(
        in_channels=8, num_classes=5, log_var_range=log_var_range)
    for scale in (1e6, -1e6):
        out = head(torch.full((2, 8, 2, 2), scale))
        if log_var_range is None:  # no clamp: extreme log-variances
            assert out.log_var.abs().max() > 10
            continue
        assert out.log_var.min() >= -10 and out.log_var.max() <= 10
        assert all(torch.isfinite(t).all() for t in out)
    if log_var_range is not None:
        assert (head(torch.full((2, 8), 1e6)).log_var.abs() == 10).any()


def test_float32_under_bf16_autocast():
    head = UniKDDistributionHead(in_channels=8, num_classes=5)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = head(torch.randn(2, 8, 4, 4, dtype=torch.bfloat16))
    assert all(t.dtype == torch.float32 for t in out)


def test_tuple_input_uses_last_entry():
    head = UniKDDistributionHead(in_channels=8, num_classes=5).eval()
    last = torch.randn(2, 8, 4, 4)
    out = head((torch.randn(2, 4, 8, 8), last))
    assert torch.equal(out.mean, head(last).mean)
    assert torch.allclose(out.mean, head(last.mean(dim=(2, 3))).mean)


def test_channel_mismatch_error():
    head = MODELS.build(
        dict(type='UniKDDistributionHead', in_channels=8, num_classes=5))
    with pytest.raises(ValueError, match='`in_channels` is 8 .* 16 channels'):
        head(torch.randn(2, 16, 4, 4))
    with pytest.raises(ValueError, match='num_classes'):
        UniKDDistributionHead(in_channels=8, num_classes=0)
    with pytest.raises(ValueError, match='log_var_range'):
        UniKDDistributionHead(
            in_channels=8, num_classes=5, log_var_range=(1., -1.))
