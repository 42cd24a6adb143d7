"""The ``mmrazor_unified`` registry scope (``mmrazor_unified/registry.py``)."""
import os.path as osp
import subprocess
import sys

import mmpretrain.registry as mmpretrain_registry
from mmengine.registry import Registry

import mmrazor_unified.registry as our_registry

from helpers import ROOT

KD_CONFIG = 'kd/kd_logits_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py'


def registries(module, scope: str) -> dict:
    """The registries of ``scope`` defined in ``module``, by name."""
    return {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, Registry) and value.scope == scope
    }


def test_one_child_of_every_mmpretrain_registry():
    ours = registries(our_registry, 'mmrazor_unified')
    theirs = registries(mmpretrain_registry, 'mmpretrain')
    assert ours.keys() == theirs.keys()
    for name, registry in ours.items():
        assert registry.scope == 'mmrazor_unified', name
        assert registry.parent is theirs[name], name
        assert not registry.module_dict, name  # our modules stay in MMRazor's


def test_package_path_child_builds_what_the_runner_builds(tmp_path):
    """Every dict a ``mmrazor_unified::`` base stamps resolves, in a fresh
    process where only ``mmrazor_unified`` was imported (MMPretrain's
    engine and visualization modules are not imported yet)."""
    child = tmp_path / 'child.py'
    child.write_text(f"_base_ = ['mmrazor_unified::{KD_CONFIG}']\n")
    code = f'''
import sys
import mmrazor_unified
from mmengine.config import Config
from mmengine.registry import (DATA_SAMPLERS, HOOKS, LOOPS,
                               METRICS, PARAM_SCHEDULERS, VISUALIZERS)
assert 'mmpretrain.engine' not in sys.modules
cfg = Config.fromfile({str(child)!r})
stamped = [
    (METRICS, cfg.val_evaluator),
    (DATA_SAMPLERS, cfg.train_dataloader.sampler),
    (HOOKS, cfg.default_hooks.iter_seed),
    (HOOKS, cfg.default_hooks.check_loss),
    (PARAM_SCHEDULERS, cfg.param_scheduler), (LOOPS, cfg.val_cfg),
    (HOOKS, dict(type='VisualizationHook', _scope_='mmrazor_unified')),
    (VISUALIZERS, dict(type='UniversalVisualizer', _scope_='mmrazor_unified')),
]
for root, item in stamped:
    assert item['_scope_'] == 'mmrazor_unified', item
    # what build_from_cfg does with a dict's `_scope_`
    with root.switch_scope_and_registry(item['_scope_']) as registry:
        assert registry.scope == 'mmrazor_unified'
        print(registry.get(item['type']).__module__)
'''
    out = subprocess.run([sys.executable, '-c', code],
                         cwd=ROOT,
                         capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split() == [
        'mmpretrain.evaluation.metrics.single_label',
        'mmengine.dataset.sampler',
        'mmrazor_unified.engine.hooks.iteration_seed_hook',
        'mmrazor_unified.engine.hooks.non_finite_loss_hook',
        'mmengine.optim.scheduler.lr_scheduler',
        'mmrazor.engine.runner.distill_val_loop',
        'mmpretrain.engine.hooks.visualization_hook',
        'mmpretrain.visualization.visualizer',
    ]
