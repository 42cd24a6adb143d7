"""tools/analysis_tools/step_cost.py: one row per config, costs by part."""
import json

import torch
from mmengine.config import Config
from helpers import ROOT, run_tool

from mmrazor_unified.models.heads import MGKDAnalyser

MGKD_DISTILLER = f'{ROOT}/configs/mgkd/_base_/mgkd_distiller.py'


def test_step_cost_table(tmp_path):
    # any analyser of the teacher's shape will do: costs ignore weights
    branches = Config.fromfile(MGKD_DISTILLER).mgkd_branches
    analyser = MGKDAnalyser(128, 10, branches)
    analyser_ckpt = tmp_path / 'analyser.pth'
    torch.save(
        dict(state_dict={
            f'analyser.{k}': v
            for k, v in analyser.state_dict().items()
        }), analyser_ckpt)
    out = tmp_path / 'step_cost.md'
    run_tool('analysis_tools/step_cost.py', '--batch-size', '4', '--rounds',
             '1', '--warmup', '0', '--analyser-ckpt', str(analyser_ckpt),
             '--variants', 'UniKD', '--out', str(out))

    rows = {}
    for line in out.read_text().splitlines():
        if line.startswith('| ') and not line.startswith('| method'):
            cells = [c.strip() for c in line.strip('|').split('|')]
            rows[cells[0]] = cells
    # the rows, then the UniKD variants that change connectors/recorders
    # (not the loss-only ones, nor those that switch row or config)
    knobs = [f'UniKD + KD, {v}' for v in (
        'levels: layer2-4', 'levels: layer1-4, no pooled level',
        "levels: layer1-4 + pooled (the authors')",
        "fusion mid_channels 32 (the authors' rule)")]
    assert list(rows) == [
        'KD', 'DKD', 'FitNets + KD', 'DIST', 'UniKD + KD', 'UniKD + DKD',
        'MGKD + KD', 'MGKD + UniKD', *knobs
    ]
    # fusing more levels at a finer resolution costs more than the shipped
    # layer3+4; the authors' wider fused maps cost more than the shipped 16
    flops = {name: float(cells[1]) for name, cells in rows.items()}
    assert (flops['KD'] < flops['UniKD + KD'] < flops[knobs[0]] <
            flops[knobs[1]] < flops[knobs[2]])
    assert flops['UniKD + KD'] < flops[knobs[3]]
    # columns: name, GFLOP, vs KD, teacher, student, connectors, ms, vs KD
    assert rows['KD'][2] == '1.00×' and rows['KD'][7] == '1.00×'
    assert rows['KD'][5] == '-'
    # UniKD's fusion connector adds work on top of the same two models
    assert float(rows['UniKD + DKD'][1]) > float(rows['KD'][1])
    assert rows['UniKD + DKD'][3:5] == rows['KD'][3:5]
    assert 's_unikd' in rows['UniKD + DKD'][5]
    assert 'mgkd_analyser' in rows['MGKD + UniKD'][5]
    assert float(rows['UniKD + DKD'][6]) > 0
    # the same numbers as JSON beside the table, for the benchmark report
    record = json.loads((tmp_path / 'step_cost.json').read_text())
    assert list(record['methods']) == list(rows)
    for name, cells in rows.items():
        cost = record['methods'][name]
        assert f'{cost["gflop"]:.4f}' == cells[1]
        assert f'{cost["ms"]:.1f}' == cells[6]
