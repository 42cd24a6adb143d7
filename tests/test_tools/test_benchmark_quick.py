"""tools/benchmark.py --quick: the protocol end to end, resumable.

Accuracy is not asserted: a few dozen iterations mean nothing. The test
checks that every stage runs through ``tools/train.py`` (an add-on row after
its host's tuning, the MGKD analyser once, an ablation, the final table, the
longer-schedule stage, the interleaved cost), that each run leaves a record, and that a second call
trains nothing and rebuilds the same report from the records.
"""
import json
import re

import pytest

from helpers import run_tool

pytestmark = pytest.mark.minutes

ROWS = ['KD', 'MGKD + KD']
# each training echoes its command: '[slug] $ <python> tools/train.py ...'
TRAINING = r'\$ \S+ tools/train\.py'


def test_quick_benchmark_runs_every_stage_and_resumes(tmp_path):
    args = ['--quick', '--rows', *ROWS, '--work-dir', str(tmp_path)]
    first = run_tool('benchmark.py', *args)
    assert re.search(TRAINING, first.stdout)  # it trained, and echoed it
    records = sorted(p.relative_to(tmp_path / 'records').as_posix()
                     for p in (tmp_path / 'records').rglob('*.json'))
    assert 'teacher.json' in records and 'cost.json' in records
    assert 'tune/kd/shipped-seed0.json' in records
    assert 'final/mgkd_kd/tuned-seed100.json' in records
    assert any(r.startswith('ablation/mgkd/') for r in records)
    # the 24-epoch stage's rows among these (KD), at the quick schedule
    assert 'long/kd/tuned-seed100.json' in records
    final = json.loads(
        (tmp_path / 'records/final/mgkd_kd/tuned-seed100.json').read_text())
    assert final['host'] == 'KD' and final['split'] == 'test'
    assert 0 <= final['top1'] <= 100 and final['training_only_params'] > 0
    assert any(k.endswith('mgkd_analyser.checkpoint') for k in final)
    # the run explains itself: its machine and per-epoch curves (1 epoch)
    assert final['machine']['device'] == 'cpu'
    assert final['machine']['torch'] == final['torch']
    assert {'loss', 'lr', 'student.loss', 'distill.loss_kl',
            'distill.loss_mgkd_granularity'} <= set(final['curves'])
    assert all(len(v) == 1 for v in final['curves'].values())
    tune = json.loads(
        (tmp_path / 'records/tune/kd/shipped-seed0.json').read_text())
    assert tune['split'] == 'heldout'

    report = json.loads((tmp_path / 'benchmark.json').read_text())
    assert set(report['final']) == set(ROWS)
    assert [d['a'] for d in report['differences']] == []  # one seed only
    assert set(report['cost']['methods']) == set(ROWS)
    # measured on the current configs and tuned settings
    assert not any(m['stale'] for m in report['cost']['methods'].values())
    text = (tmp_path / 'benchmark.md').read_text()
    # no student alone in these rows: collapses cannot be judged ('?')
    assert '| MGKD + KD | KD | 1 (0, ?) |' in text and 'Quick mode' in text
    assert (tmp_path / 'benchmark.png').is_file()

    # a second sitting finds every record current: nothing is retrained
    again = run_tool('benchmark.py', *args, '--stage', 'final')
    assert re.search(TRAINING, again.stdout) is None
    assert (tmp_path / 'benchmark.md').read_text().split('Last command')[1] \
        .split('\n', 1)[1] == text.split('Last command')[1].split('\n', 1)[1]

    # what is done and what is left, without training
    listed = run_tool('benchmark.py', *args, '--list')
    assert re.search(TRAINING, listed.stdout) is None
    for stage in ('tune', 'final', 'ablation', 'long'):
        assert re.search(rf'^{stage}: (\d+) / \1 finished', listed.stdout,
                         re.M), stage
    assert re.search(r'^  done +final/mgkd_kd/tuned-seed100 ', listed.stdout,
                     re.M)
