"""tools/run_demo.py: progress, caches and the result table."""
import os.path as osp
import re
import shutil
import subprocess
import sys

import pytest

from config_runs import tiny_data_options
from helpers import ROOT
from mmengine.config import Config

pytestmark = pytest.mark.minutes

KD_CONFIG = ('configs/kd/'
             'kd_logits_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py')
STUDENT_CONFIG = ('configs/fashion_mnist/'
                  'resnet18-w4_1xb128_fashion-mnist-10k.py')
# what MMEngine prints that must stay out of the console
RUNNER_NOISE = ('System environment', 'Hooks will be executed', 'Config:',
                'Epoch(train)')


def run_demo(tmp_path) -> str:
    """Run the demo with 1-epoch runs on a tiny subset; return its stdout."""
    options = tiny_data_options(
        Config.fromfile(osp.join(ROOT, STUDENT_CONFIG)))
    proc = subprocess.run([
        sys.executable,
        osp.join(ROOT, 'tools', 'run_demo.py'), '--config', KD_CONFIG,
        '--teacher-epochs', '1', '--student-epochs', '1', '--work-dir',
        str(tmp_path / 'demo'), '--checkpoints',
        str(tmp_path / 'checkpoints'), '--cfg-options', *options
    ],
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stderr == ''  # the tools' warnings are in their logs too
    return proc.stdout


def accuracies(out: str) -> dict:
    return {
        name: float(acc)
        for name, acc in re.findall(
            r'^  (teacher|student alone|distilled student) .* ([\d.]+) %$',
            out, re.M)
    }


def test_demo_shows_progress_and_the_gain(tmp_path, tiny_teacher_ckpt):
    checkpoints = tmp_path / 'checkpoints'
    checkpoints.mkdir()  # a cached teacher: the demo only tests it
    teacher = checkpoints / 'resnet18-w16_1xb128_fashion-mnist.pth'
    shutil.copyfile(tiny_teacher_ckpt, teacher)
    out = run_demo(tmp_path)
    assert re.search(r'^  teacher +cached', out, re.M)
    for label in ('student alone', 'distilled student'):
        assert re.search(rf'^  {label} +epoch 1/1  loss [\d.]+  \[', out,
                         re.M), (label, out)
    acc = accuracies(out)
    assert set(acc) == {'teacher', 'student alone', 'distilled student'}
    gain = float(
        re.search(r'^  gain .* ([-+][\d.]+) points$', out, re.M).group(1))
    assert abs(gain - (acc['distilled student'] - acc['student alone'])) < .01
    assert 'One seed' in out and 'docs/benchmark.md' in out
    for noise in RUNNER_NOISE:
        assert noise not in out, noise
    logs = ''.join(
        open(p).read() for p in (tmp_path / 'demo' / 'logs').glob('*.log'))
    assert all(noise in logs for noise in RUNNER_NOISE)
    assert sorted(p.name for p in checkpoints.iterdir()) == [
        'kd_logits_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k_'
        'student.pth', 'resnet18-w16_1xb128_fashion-mnist.pth',
        'resnet18-w4_1xb128_fashion-mnist-10k_1e.pth'
    ]


@pytest.fixture
def demo(monkeypatch):
    """tools/run_demo.py as a module, its tool runs recorded, not run."""
    monkeypatch.syspath_prepend(osp.join(ROOT, 'tools'))
    import run_demo
    calls = []
    monkeypatch.setattr(
        run_demo, 'run_tool', lambda tool, *args, **kwargs: calls.append(
            (tool, args)))
    return run_demo, calls


def test_cached_weights_are_not_retrained(demo, tmp_path):
    run_demo, calls = demo
    cached = tmp_path / 'teacher.pth'
    cached.write_bytes(b'')
    run_demo.train_cached('teacher', 'teacher.py', str(cached),
                          str(tmp_path / 'work'), 3, str(tmp_path / 'logs'))
    assert calls == []


def test_the_teacher_is_the_committed_one_unless_asked(demo, tmp_path):
    run_demo, calls = demo
    cached = tmp_path / 'checkpoints' / 'teacher.pth'
    run_demo.copy_committed_teacher(str(cached))
    with open(osp.join(ROOT, run_demo.COMMITTED_TEACHER), 'rb') as f:
        assert cached.read_bytes() == f.read()
    assert calls == []  # nothing trained
    cached.write_bytes(b'mine')  # a cached teacher stays
    run_demo.copy_committed_teacher(str(cached))
    assert cached.read_bytes() == b'mine'


def test_finished_run_is_reused_and_interrupted_one_resumed(demo, tmp_path):
    run_demo, calls = demo
    work = tmp_path / 'work'
    work.mkdir()
    (work / 'last_checkpoint').write_text('epoch_2.pth')
    run_demo.train('student', 'student.py', str(work), 3, 'logs')
    assert calls[0][0] == 'train.py' and '--resume' in calls[0][1]
    (work / 'epoch_3.pth').write_bytes(b'')
    assert run_demo.train('student', 'student.py', str(work), 3,
                          'logs') == str(work / 'epoch_3.pth')
    assert len(calls) == 1


def test_progress_prints_one_line_per_epoch_and_validation(demo, capsys):
    run_demo, _ = demo
    progress = run_demo.Progress('teacher', 3)
    for line in (
            '11/25 - mmengine - INFO - Epoch(train) [1][ 50/469]  lr: 0.1  '
            'loss: 0.9  student.loss: 0.8',
            '11/25 - mmengine - INFO - Epoch(train) [1][450/469]  lr: 0.1  '
            'loss: 0.4211', 'Saving checkpoint at 1 epochs',
            'Epoch(val) [1][79/79]    accuracy/top1: 85.1200  data_time: 0.1'):
        progress.feed(line)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2
    assert re.match(r'^  teacher +epoch 1/3  loss 0.4211  \[0m0\ds\]$', out[0])
    assert 'epoch 1 validation top-1 85.12 %' in out[1]
