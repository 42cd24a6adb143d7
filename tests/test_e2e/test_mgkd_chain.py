"""MGKD end to end with tools/train.py: teacher -> analyser -> student.

Each stage reads the previous stage's checkpoint, exactly as users chain
them: stage 2 gets ``model.teacher_ckpt``, stage 3 gets
``model.distiller.connectors.mgkd_analyser.checkpoint``.
"""
import os.path as osp

import torch
from helpers import ROOT, run_tool
from mmengine.hub import get_model

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmrazor_unified.utils.export import student_state_dict

STAGE2 = osp.join(ROOT, 'configs', 'mgkd',
                  'mgkd_analyser_resnet18-w16_1xb128_fashion-mnist.py')
STAGE3 = osp.join(
    ROOT, 'configs', 'mgkd',
    'mgkd_kd_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py')
STUDENT = ('mmrazor_unified::fashion_mnist/'
           'resnet18-w4_1xb128_fashion-mnist-10k.py')
ANALYSER_KEY = 'model.distiller.connectors.mgkd_analyser.checkpoint'
ONE_EPOCH = [
    'train_cfg.max_epochs=1', 'param_scheduler.end=1',
    'default_hooks.logger.interval=1'
]


def test_teacher_analyser_student_chain(tmp_path, small_data,
                                        tiny_teacher_ckpt, monkeypatch):
    monkeypatch.setenv('OMP_NUM_THREADS', '1')  # 2 shared cores
    stage2_dir = tmp_path / 'stage2'
    run = run_tool('train.py', STAGE2, '--work-dir', str(stage2_dir),
                   '--cfg-options', f'model.teacher_ckpt={tiny_teacher_ckpt}',
                   'train_cfg.max_epochs=1', 'default_hooks.logger.interval=1',
                   *small_data)
    log = run.stdout + run.stderr
    for key in ('loss_b0_kd', 'loss_b0_ce', 'loss_b1_kd', 'loss_b1_ce',
                'teacher/top1', 'b0/top1', 'b1/agreement'):
        assert key in log, key
    analyser_ckpt = stage2_dir / 'epoch_1.pth'
    assert analyser_ckpt.is_file()

    stage3_dir = tmp_path / 'stage3'
    run = run_tool('train.py', STAGE3, '--work-dir', str(stage3_dir),
                   '--cfg-options', f'model.teacher_ckpt={tiny_teacher_ckpt}',
                   f'{ANALYSER_KEY}={analyser_ckpt}', *ONE_EPOCH, *small_data)
    log = run.stdout + run.stderr
    assert 'distill.loss_mgkd_granularity' in log
    assert 'distill.loss_mgkd_kd' in log
    assert 'student.loss' in log
    student_ckpt = stage3_dir / 'epoch_1.pth'
    assert student_ckpt.is_file()

    teacher = torch.load(tiny_teacher_ckpt)['state_dict']
    stage2 = torch.load(analyser_ckpt)['state_dict']
    stage3 = torch.load(student_ckpt)['state_dict']
    # stage 2 kept the teacher it was given
    for key, value in teacher.items():
        assert torch.equal(stage2[f'architecture.{key}'], value), key
    # stage 3 distilled from exactly the analyser of stage 2
    analyser = {k: v for k, v in stage2.items() if k.startswith('analyser.')}
    assert len(analyser) == 3 + 2 * 2 * 4  # buffers; 2 branches x 2 MLPs
    for key, value in analyser.items():
        assert torch.equal(stage3[f'distiller.connectors.mgkd_analyser.{key}'],
                           value), key
    # the exported student is a plain student
    student = student_state_dict(stage3)
    plain = get_model(STUDENT)
    plain.load_state_dict(student, strict=True)


def test_stage3_without_analyser_checkpoint_fails_before_training(
        tmp_path, small_data, tiny_teacher_ckpt, monkeypatch):
    monkeypatch.setenv('OMP_NUM_THREADS', '1')
    missing = str(tmp_path / 'no_stage2' / 'epoch_60.pth')
    run = run_tool(
        'train.py',
        STAGE3,
        '--work-dir',
        str(tmp_path / 'w'),
        '--cfg-options',
        f'model.teacher_ckpt={tiny_teacher_ckpt}',
        f'{ANALYSER_KEY}={missing}',
        *ONE_EPOCH,
        *small_data,
        check=False)
    log = run.stdout + run.stderr
    assert run.returncode != 0
    assert 'FileNotFoundError' in log
    assert 'MGKD analyser `checkpoint` not found' in log and missing in log
    assert 'Train the analyser first (stage 2)' in log
    assert 'Epoch(train)' not in log
    assert not list((tmp_path / 'w').glob('*.pth'))
