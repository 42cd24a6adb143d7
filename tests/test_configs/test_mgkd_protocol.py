"""Every MGKD grid point and ablation variant of the benchmark protocol
applies through ``--cfg-options`` (as ``tools/train.py`` parses them), builds
and trains one iteration on synthetic input."""
import argparse
import os.path as osp
import runpy

import pytest
import torch
from helpers import ROOT
from mmengine.config import Config, DictAction
from mmengine.optim import OptimWrapper
from mmengine.registry import HOOKS

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmpretrain.structures import DataSample
from mmrazor.registry import MODELS
from mmrazor_unified.models.heads import MGKDAnalyser

PROTOCOL = runpy.run_path(
    osp.join(ROOT, 'benchmarks', 'fashion_mnist', 'protocol.py'))
ROWS = {row['name']: row for row in PROTOCOL['rows']}
MGKD_ROWS = ('MGKD + KD', 'MGKD + UniKD')
STAGE2 = osp.join(ROOT, 'configs', 'mgkd',
                  'mgkd_analyser_resnet18-w16_1xb128_fashion-mnist.py')
# the parts MGKD adds to a host: its own values live under these keys
MGKD_KEYS = ('model.distiller.connectors.mgkd_',
             'model.distiller.distill_losses.loss_mgkd_')


def _cases():
    """(id, config, options) of every MGKD grid point and variant."""
    cases = []
    for row in MGKD_ROWS:
        for i, point in enumerate(PROTOCOL['tuning'][row]):
            cases.append((f'{row} grid {i}', ROWS[row]['config'], point))
    for name, ablation in PROTOCOL['ablations'].items():
        if not ablation['row'].startswith('MGKD'):
            continue
        for variant in ablation['variants']:
            row = ROWS[variant.get('row', ablation['row'])]
            config = variant.get('config', row['config'])
            cases.append((f'{name}: {variant["name"]}', config,
                          variant.get('options', {})))
    return cases


CASES = _cases()


def _parsed(options: dict) -> dict:
    """``options`` as the benchmark passes them (``key=value``) and
    ``tools/train.py`` parses them."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args(
        ['--cfg-options', *(f'{k}={v}'
                            for k, v in options.items())] if options else [])
    return args.cfg_options or {}


@pytest.fixture(scope='module')
def analyser_ckpt(tmp_path_factory):
    """A checkpoint with the branches the Fashion-MNIST stage 2 trains."""
    branches = Config.fromfile(STAGE2).model.analyser.branches
    torch.manual_seed(0)
    analyser = MGKDAnalyser(128, 10, branches)
    path = str(tmp_path_factory.mktemp('stage2') / 'analyser.pth')
    torch.save({
        f'analyser.{k}': v
        for k, v in analyser.state_dict().items()
    }, path)
    return path


def test_mgkd_protocol_entries():
    for row in MGKD_ROWS:
        assert ROWS[row]['host'] in ROWS
        grid = PROTOCOL['tuning'][row]
        assert 1 <= len(grid) <= 6 and grid[0] == {}
        for point in grid:  # MGKD's own values only
            assert all(key.startswith(MGKD_KEYS) for key in point), point
    ablation = PROTOCOL['ablations']['MGKD']
    assert ablation['row'] == 'MGKD + KD'
    assert len(PROTOCOL['seeds']['ablation']) >= 3
    names = [v['name'] for v in ablation['variants']]
    assert len(names) == len(set(names))
    # the host alone, as a variant of its own row
    others = {v.get('row') for v in ablation['variants']} - {None}
    assert others == {ROWS['MGKD + KD']['host']}


@pytest.mark.parametrize(
    'config, options', [case[1:] for case in CASES],
    ids=[case[0] for case in CASES])
def test_point_applies_builds_and_trains(config, options, analyser_ckpt):
    parsed = _parsed(options)
    assert parsed == options  # survives the command line unchanged
    cfg = Config.fromfile(osp.join(ROOT, config))
    cfg.merge_from_dict(parsed)
    cfg.model.teacher_ckpt = None
    connectors = cfg.model.distiller.get('connectors', {})
    if 'mgkd_analyser' in connectors:
        connectors.mgkd_analyser.checkpoint = analyser_ckpt
    model = MODELS.build(cfg.model)
    for hook in cfg.get('custom_hooks', []):
        HOOKS.build(hook)
    samples = [DataSample().set_gt_label(i) for i in range(2)]
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    losses = model.train_step(
        dict(
            inputs=torch.randint(0, 255, (2, 1, 28, 28)).float(),
            data_samples=samples), optim)
    assert all(torch.isfinite(v) for v in losses.values())
