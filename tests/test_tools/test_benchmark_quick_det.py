"""tools/benchmark.py --quick with the detection protocol: the pair's
teacher trained and scored in box mAP, a distiller tuned, the final table,
the collapse reference and the interleaved cost, all through the same tool
as the classification benchmark (box mAP is not asserted: a few iterations
mean nothing)."""
import json

import pytest

from helpers import run_tool

pytestmark = pytest.mark.minutes

PROTOCOL = 'benchmarks/fashion_mnist_det/protocol.py'
ROWS = ['student alone', 'CWD']


def test_quick_detection_benchmark_runs_every_stage(tmp_path):
    run_tool('benchmark.py', '--quick', '--protocol', PROTOCOL, '--rows',
             *ROWS, '--work-dir', str(tmp_path))
    records = tmp_path / 'records'
    teacher = json.loads((records / 'teacher.json').read_text())
    assert teacher['path'] == str(tmp_path / 'teacher.pth')
    assert 0 <= teacher['box_mAP'] <= 100 and 0 <= teacher['box_AP50'] <= 100
    assert len(list((records / 'tune' / 'cwd').glob('*.json'))) == 2
    final = json.loads(
        (records / 'final' / 'cwd' / 'tuned-seed100.json').read_text())
    assert final['split'] == 'test' and final['diverged'] is None
    assert 0 <= final['box_mAP'] <= 100 and 0 <= final['box_AP50'] <= 100
    assert 'top1' not in final
    assert {'loss', 'lr', 'student.loss_cls',
            'distill.loss_cwd_fpn0'} <= set(final['curves'])
    assert final['weights_hash.model.teacher_ckpt'] == teacher['hash']
    assert (records / 'ablation' / 'student_alone_collapse_reference' /
            'default-seed0.json').is_file()

    report = json.loads((tmp_path / 'benchmark_det.json').read_text())
    assert set(report['final']) == set(ROWS)
    assert set(report['final']['CWD']['summary']) >= {'box_mAP', 'box_AP50'}
    assert set(report['cost']['methods']) == set(ROWS)
    assert report['cost']['methods']['student alone']['ratio'] == 1.0
    # measured under the runs' kernel caps, on the runs' machine
    assert report['cost']['machine'] == final['machine']
    text = (tmp_path / 'benchmark_det.md').read_text()
    assert '| box mAP | AP50 |' in text and 'top-1' not in text
