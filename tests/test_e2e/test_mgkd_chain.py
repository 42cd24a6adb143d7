"""MGKD end to end: teacher -> analyser -> student, as users chain them.

Stage 2 is ``tools/analysis_tools/mgkd_analyser.py`` (trains the analyser,
writes ``analyser.pth`` and ``branch_accuracy.json``); stage 3 is
``tools/train.py`` with ``model.distiller.connectors.mgkd_analyser.
checkpoint`` set to that ``analyser.pth``.
"""
import json
import os.path as osp

import torch
from helpers import DATA_ROOT, ROOT, run_tool
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


def stage2_options(teacher_ckpt: str) -> list:
    """A small real subset for stage 2: the analyser trains on 256 training
    images, validates on the next 128 and tests on 128 test images."""
    return [
        f'model.teacher_ckpt={teacher_ckpt}',
        'train_dataloader.dataset.index_range=(0,256)',
        'val_dataloader.dataset.index_range=(256,384)',
        'test_dataloader.dataset.indices=128',
        *(f'{loader}_dataloader.dataset.data_root={DATA_ROOT}'
          for loader in ('train', 'val', 'test')), 'train_cfg.max_epochs=1',
        'default_hooks.logger.interval=1'
    ]


def test_teacher_analyser_student_chain(tmp_path, small_data,
                                        tiny_teacher_ckpt, monkeypatch):
    monkeypatch.setenv('OMP_NUM_THREADS', '1')  # 2 shared cores
    stage2_dir = tmp_path / 'stage2'
    run = run_tool('analysis_tools/mgkd_analyser.py', STAGE2, '--work-dir',
                   str(stage2_dir), '--cfg-options',
                   *stage2_options(tiny_teacher_ckpt))
    log = run.stdout + run.stderr
    for key in ('loss_b0_kd', 'loss_b5_ce', 'teacher/majority', 'b0/top1',
                'b1/agreement'):
        assert key in log, key
    with open(stage2_dir / 'branch_accuracy.json') as f:
        report = json.load(f)
    analyser_ckpt = report['analyser_ckpt']
    assert analyser_ckpt == str(stage2_dir / 'analyser.pth')
    assert report['best_epoch'] == report['epochs'] == 1
    assert report['heldout']['images'] == 128
    assert [(b['code_dim'], b['tau'])
            for b in report['test']['branches']] == [(64, 2.), (256, 8.),
                                                     (8, 2.), (32, 8.),
                                                     (32, 2.), (128, 8.)]

    stage3_dir = tmp_path / 'stage3'
    run = run_tool('train.py', STAGE3, '--work-dir', str(stage3_dir),
                   '--cfg-options', f'model.teacher_ckpt={tiny_teacher_ckpt}',
                   f'{ANALYSER_KEY}={analyser_ckpt}', *ONE_EPOCH, *small_data)
    log = run.stdout + run.stderr
    assert 'distill.loss_mgkd_granularity' in log
    assert 'distill.loss_kl' in log
    assert 'student.loss' in log
    student_ckpt = stage3_dir / 'epoch_1.pth'
    assert student_ckpt.is_file()

    stage2 = torch.load(analyser_ckpt)['state_dict']
    stage3 = torch.load(student_ckpt)['state_dict']
    # analyser.pth: the six branches stage 2 trained, without the teacher
    assert len(stage2) == 3 + 6 * 2 * 4  # buffers; 6 branches x 2 MLPs
    assert not [k for k in stage2 if not k.startswith('analyser.')]
    # stage 3 distilled from the default two of them: stage 2's 0 and 1
    prefix = 'distiller.connectors.mgkd_analyser.'
    for key, value in stage2.items():
        parts = key.split('.')  # analyser.encoders.<branch>.<layer>.weight
        if parts[1] in ('encoders', 'decoders') and parts[2] in ('0', '1'):
            assert torch.equal(stage3[prefix + key], value), key
    assert stage3[prefix + 'analyser.code_dims'].tolist() == [64, 256]
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
