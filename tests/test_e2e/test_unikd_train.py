"""UniKD through tools/train.py: training, exact resume, AMP, bad configs."""
import glob
import json
import os.path as osp

import pytest
import torch
from helpers import ROOT, run_tool

pytestmark = pytest.mark.minutes

UNIKD_CONFIG = osp.join(
    ROOT, 'configs', 'unikd',
    'unikd_dkd_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py')


def train_losses(work_dir: str) -> dict:
    """iteration -> logged total loss, over every run in ``work_dir``."""
    losses = {}
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                          'scalars.json'))):
        with open(path) as f:
            for line in f:
                entry = json.loads(line)
                if 'loss' in entry:
                    losses[entry['iter']] = entry
    return losses


def test_resume_continues_exactly(tmp_path, small_data, tiny_teacher_ckpt):
    common = [
        f'model.teacher_ckpt={tiny_teacher_ckpt}', 'param_scheduler.end=2',
        'default_hooks.logger.interval=1', *small_data
    ]
    whole, parts = str(tmp_path / 'whole'), str(tmp_path / 'parts')
    run_tool('train.py', UNIKD_CONFIG, '--work-dir', whole, '--cfg-options',
             'train_cfg.max_epochs=2', *common)
    run_tool('train.py', UNIKD_CONFIG, '--work-dir', parts, '--cfg-options',
             'train_cfg.max_epochs=1', *common)
    run_tool('train.py', UNIKD_CONFIG, '--work-dir', parts, '--resume',
             '--cfg-options', 'train_cfg.max_epochs=2', *common)

    expected, resumed = train_losses(whole), train_losses(parts)
    assert sorted(expected) == sorted(resumed) == list(range(1, 9))
    # 1-4: two seeded runs agree (reproducible); 5-8: after the interruption
    for it in range(1, 9):
        for key in ('loss', 'distill.loss_unikd', 'distill.loss_dkd',
                    'student.loss'):
            assert resumed[it][key] == pytest.approx(
                expected[it][key], rel=1e-5, abs=1e-7), (it, key)

    a = torch.load(osp.join(whole, 'epoch_2.pth'), map_location='cpu')
    b = torch.load(osp.join(parts, 'epoch_2.pth'), map_location='cpu')
    assert a['state_dict'].keys() == b['state_dict'].keys()
    heads = [k for k in a['state_dict'] if 'unikd' in k]
    assert any('s_unikd.1' in k for k in heads)  # student head
    assert any('t_unikd.0' in k for k in heads)  # teacher head
    for key, value in a['state_dict'].items():
        assert torch.allclose(value.float(), b['state_dict'][key].float(),
                              atol=1e-6), key
    for x, y in zip(a['optimizer']['state'].values(),
                    b['optimizer']['state'].values()):
        assert torch.allclose(x['momentum_buffer'], y['momentum_buffer'],
                              atol=1e-6)
    assert a['param_schedulers'] == b['param_schedulers']


def test_bf16_amp_trains_without_nan(tmp_path, small_data, tiny_teacher_ckpt):
    # 32 iterations (one epoch); NonFiniteLossHook stops any NaN.
    # (bf16 on CPU is slow: small batches keep the iteration count cheap.)
    proc = run_tool(
        'train.py', UNIKD_CONFIG, '--work-dir', str(tmp_path), '--amp',
        '--cfg-options', f'model.teacher_ckpt={tiny_teacher_ckpt}',
        'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
        'param_scheduler.end=1', *small_data,
        'train_dataloader.batch_size=8')
    assert 'BF16AutocastOptimWrapper' in proc.stdout + proc.stderr
    losses = train_losses(str(tmp_path))
    assert max(losses) == 32
    assert all(torch.isfinite(torch.tensor(v['loss'])) for v in
               losses.values())


def test_wrong_channel_list_fails_at_first_iteration(tmp_path, small_data,
                                                     tiny_teacher_ckpt):
    proc = run_tool(
        'train.py', UNIKD_CONFIG, '--work-dir', str(tmp_path),
        '--cfg-options', f'model.teacher_ckpt={tiny_teacher_ckpt}',
        'model.distiller.connectors.s_unikd.0.in_channels=[16,16]',
        *small_data, check=False)
    assert proc.returncode != 0
    assert ('`model.distiller.connectors.s_unikd[0]` (UniKDFusionConnector, '
            'fed by student recorder `stages` (source `backbone.layer3`, '
            '`backbone.layer4`)): `in_channels[1]` is 16 but stage feature 1 '
            'has 32 channels') in ' '.join(proc.stderr.split())
    assert 'expected `in_channels[1]=32`' in proc.stderr
    assert glob.glob(str(tmp_path / '*.pth')) == []
