"""Every UniKD grid point and ablation variant of the benchmark protocol
applies through ``tools/train.py --cfg-options`` and trains one step.

Each case combines its options the way the benchmark does -- a row's tuned
setting is its host's options plus a grid point of its own -- with every
key the grids can tune set at once (the last value of each), so that a
variant that clashes with any tuned value fails here.
"""
import argparse
import copy
import functools
import os.path as osp
import runpy
import sys

import pytest
import torch
from helpers import ROOT
from mmengine.config import Config, DictAction
from mmpretrain.structures import DataSample
from mmrazor.registry import MODELS

sys.path.insert(0, osp.join(ROOT, 'tools'))
from bench.run import format_value  # noqa: E402  (the benchmark's own)

PROTOCOL = runpy.run_path(
    osp.join(ROOT, 'benchmarks', 'fashion_mnist', 'protocol.py'))
ROWS = {row['name']: row for row in PROTOCOL['rows']}
UNIKD_ROWS = ('UniKD + KD', 'UniKD + DKD')


def all_tuned_keys(row: str) -> dict:
    """Every key the grids of ``row`` and its hosts tune, at once."""
    host = ROWS[row].get('host')
    options = all_tuned_keys(host) if host else {}
    for point in PROTOCOL['tuning'].get(row, []):
        options.update(point)
    return options


def cases():
    for row in UNIKD_ROWS:
        host = all_tuned_keys(ROWS[row]['host'])
        for i, point in enumerate(PROTOCOL['tuning'][row]):
            yield pytest.param(
                ROWS[row]['config'], {
                    **host,
                    **point
                }, id=f'{row}: point {i}')
    ablation = PROTOCOL['ablations']['UniKD']
    for variant in ablation['variants']:
        row = variant.get('row', ablation['row'])
        config = variant.get('config', ROWS[row]['config'])
        yield pytest.param(
            config, {
                **all_tuned_keys(row),
                **variant.get('options', {})
            },
            id=f'ablation: {variant["name"]}')


@functools.lru_cache(maxsize=None)
def parsed(config: str) -> Config:
    """The parsed config (parse once; callers get a copy)."""
    return Config.fromfile(osp.join(ROOT, config))


def test_unikd_grids_and_ablation_are_declared():
    for row in UNIKD_ROWS:
        grid = PROTOCOL['tuning'][row]
        assert grid[0] == {} and 2 <= len(grid) <= 6
        # UniKD's own values only: the host's come from the host row
        assert all(
            k.startswith('model.distiller.distill_losses.loss_unikd.')
            for point in grid for k in point)
    variants = PROTOCOL['ablations']['UniKD']['variants']
    assert len({v['name'] for v in variants}) == len(variants)
    for variant in variants:
        assert variant.get('row', 'UniKD + KD') in ROWS
        config = variant.get('config')
        assert config is None or osp.isfile(osp.join(ROOT, config))


def test_cost_rule_reference_is_the_authors_fusion():
    """The cost rule weighs the shipped levels against the authors': on
    this pair, every student stage plus the pooled vector fused at layer1's
    resolution with the teacher's layer1 channels, before its ReLU."""
    ablation = PROTOCOL['ablations']['UniKD']
    authors = ablation['cost_rule']['authors']
    variant = next(v for v in ablation['variants'] if v['name'] == authors)
    cfg = copy.deepcopy(parsed(ROWS[ablation['row']]['config']))
    cfg.merge_from_dict(variant['options'])
    distiller = cfg.model.distiller
    assert distiller.student_recorders.stages.sources == [
        f'backbone.layer{i}' for i in range(1, 5)
    ]
    assert distiller.teacher_recorders.stage.source == 'backbone.layer1.1'
    fusion, s_head = distiller.connectors.s_unikd
    assert fusion.fuse_pooled and fusion.in_channels == [4, 8, 16, 32]
    assert fusion.out_channels == s_head.in_channels == 16
    assert distiller.connectors.t_unikd[0].in_channels == 16
    assert fusion.mid_channels == 32  # min(512, deepest student stage)


@pytest.mark.parametrize('config, options', cases())
def test_options_apply_and_train_one_step(config, options):
    # options written as the benchmark writes them, parsed and merged
    # exactly as tools/train.py does
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args([
        '--cfg-options',
        *(f'{k}={format_value(v)}' for k, v in options.items())
    ])
    assert args.cfg_options == options  # the values survive the round trip
    cfg = copy.deepcopy(parsed(config))
    cfg.merge_from_dict(args.cfg_options)
    cfg.model.teacher_ckpt = None
    for key, value in options.items():  # every option reached the config
        node = cfg
        for part in key.split('.'):
            node = node[int(part)] if isinstance(node, list) else node[part]
        assert node == value, key

    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.train()
    samples = [DataSample().set_gt_label(i) for i in range(4)]
    losses = model(torch.randn(4, 1, 28, 28), samples, mode='loss')
    total = sum(losses.values())
    assert torch.isfinite(total)
    total.backward()
    params = [p for p in model.parameters() if p.requires_grad]
    torch.optim.SGD(params, lr=0.1).step()
