"""Tests of DistillLossWarmupHook."""
from types import SimpleNamespace

import pytest
from torch import nn

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmengine.model import MMDistributedDataParallel
from mmrazor.models.losses import DKDLoss, KLDivergence
from mmrazor.registry import HOOKS
from mmrazor_unified.engine.hooks import DistillLossWarmupHook


def _runner(iteration=0, num_batches=10, wrap=False):
    """A fake runner: ``iter``, ``model.distiller.distill_losses``, loader."""
    model = nn.Module()
    model.distiller = nn.Module()
    model.distiller.distill_losses = nn.ModuleDict(
        dict(
            loss_dkd=DKDLoss(loss_weight=8.),
            loss_kd=KLDivergence(),
            loss_plain=nn.MSELoss()))
    if wrap:  # a DDP-wrapped model, without a process group
        wrapper = MMDistributedDataParallel.__new__(MMDistributedDataParallel)
        nn.Module.__init__(wrapper)
        wrapper.module = model
        model = wrapper
    return SimpleNamespace(
        iter=iteration, model=model, train_dataloader=[None] * num_batches)


def _weight(runner, name='loss_dkd'):
    model = getattr(runner.model, 'module', runner.model)
    return model.distiller.distill_losses[name].loss_weight


def test_linear_ramp_in_iters():
    hook = HOOKS.build(
        dict(
            type='DistillLossWarmupHook',
            loss_names=['loss_dkd'],
            warmup_iters=4))
    runner = _runner()
    hook.before_train(runner)
    weights = []
    for it in range(6):
        runner.iter = it
        hook.before_train_iter(runner, batch_idx=it)
        weights.append(_weight(runner))
    assert weights == [2., 4., 6., 8., 8., 8.]
    assert _weight(runner, 'loss_kd') == 1.  # not named: untouched


def test_epochs_converted_with_dataloader_length_and_ddp_unwrapped():
    hook = DistillLossWarmupHook(['loss_dkd', 'loss_kd'], warmup_epochs=0.5)
    runner = _runner(num_batches=10, wrap=True)  # ramp of 5 iterations
    assert runner.model.module is not None
    hook.before_train(runner)
    runner.iter = 1
    hook.before_train_iter(runner, batch_idx=1)
    assert _weight(runner) == pytest.approx(8. * 2 / 5)
    assert _weight(runner, 'loss_kd') == pytest.approx(2 / 5)


def test_resume_continues_the_ramp_exactly():
    hook = DistillLossWarmupHook(['loss_dkd'], warmup_iters=20)
    runner = _runner()
    hook.before_train(runner)
    for it in range(8):
        runner.iter = it
        hook.before_train_iter(runner, batch_idx=it)
    runner.iter = 8
    hook.before_train_iter(runner, batch_idx=8)
    uninterrupted = _weight(runner)

    # A new process: models rebuilt from the config, runner.iter restored.
    resumed_hook = DistillLossWarmupHook(['loss_dkd'], warmup_iters=20)
    resumed = _runner(iteration=8)
    resumed_hook.before_train(resumed)
    resumed_hook.before_train_iter(resumed, batch_idx=0)
    assert _weight(resumed) == uninterrupted == 8. * 9 / 20

    # before_train again (a second train() call) keeps the original base.
    resumed_hook.before_train(resumed)
    resumed.iter = 100
    resumed_hook.before_train_iter(resumed, batch_idx=0)
    assert _weight(resumed) == 8.


def test_errors():
    runner = _runner()
    with pytest.raises(KeyError, match="'loss_dk'.*loss_dkd"):
        DistillLossWarmupHook(['loss_dk'], warmup_iters=3).before_train(runner)
    with pytest.raises(TypeError, match="'loss_plain'.*loss_weight"):
        DistillLossWarmupHook(['loss_plain'],
                              warmup_iters=3).before_train(runner)
    for kwargs in (dict(), dict(warmup_iters=3,
                                warmup_epochs=1), dict(warmup_iters=0)):
        with pytest.raises(ValueError, match='warmup_'):
            DistillLossWarmupHook(['loss_dkd'], **kwargs)
