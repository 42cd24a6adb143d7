"""tools/train.py -> --resume -> tools/test.py -> export -> tools/test.py."""
import json
import os.path as osp
import sys

import pytest
from helpers import ROOT, run_tool

KD_CONFIG = osp.join(
    ROOT, 'configs', 'kd',
    'kd_logits_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py')
STUDENT_CONFIG = osp.join(ROOT, 'configs', 'fashion_mnist',
                          'resnet18-w4_1xb128_fashion-mnist-10k.py')


def test_distill_resume_test_and_export(tmp_path, small_data,
                                        tiny_teacher_ckpt):
    work_dir = str(tmp_path / 'kd')
    common = [f'model.teacher_ckpt={tiny_teacher_ckpt}', *small_data]
    run_tool('train.py', KD_CONFIG, '--work-dir', work_dir, '--cfg-options',
             'train_cfg.max_epochs=1', 'param_scheduler.end=2', *common)
    assert osp.isfile(osp.join(work_dir, 'epoch_1.pth'))

    resumed = run_tool('train.py', KD_CONFIG, '--work-dir', work_dir,
                       '--resume', '--cfg-options', 'train_cfg.max_epochs=2',
                       'param_scheduler.end=2', *common)
    log = resumed.stdout + resumed.stderr
    assert 'resumed epoch: 1, iter: 4' in log
    assert 'Epoch(train) [2]' in log and 'Epoch(train) [1]' not in log
    ckpt = osp.join(work_dir, 'epoch_2.pth')
    assert osp.isfile(ckpt)

    distill_metrics = tmp_path / 'distill.json'
    run_tool('test.py', KD_CONFIG, ckpt, '--work-dir', work_dir, '--out',
             str(distill_metrics), '--cfg-options', *common)

    student_ckpt = str(tmp_path / 'student.pth')
    run_tool('model_converters/export_student.py', ckpt, student_ckpt)
    student_metrics = tmp_path / 'student.json'
    tested = run_tool('test.py', STUDENT_CONFIG, student_ckpt, '--work-dir',
                      str(tmp_path / 'student'), '--out',
                      str(student_metrics), '--cfg-options', *small_data)
    assert 'missing keys' not in tested.stdout + tested.stderr
    assert 'unexpected key' not in tested.stdout + tested.stderr
    # the exported weights are exactly the distilled student's
    distill_acc = json.loads(distill_metrics.read_text())['accuracy/top1']
    student_acc = json.loads(student_metrics.read_text())['accuracy/top1']
    assert student_acc == pytest.approx(distill_acc)


@pytest.mark.parametrize('flag', ['--local-rank', '--local_rank'])
def test_train_accepts_both_local_rank_spellings(monkeypatch, flag):
    sys.path.insert(0, osp.join(ROOT, 'tools'))
    try:
        import train
    finally:
        sys.path.pop(0)
    monkeypatch.setattr(sys, 'argv', ['train.py', KD_CONFIG, f'{flag}=1'])
    monkeypatch.delenv('LOCAL_RANK', raising=False)
    args = train.parse_args()
    assert args.local_rank == 1
