"""tools/benchmark.py --quick: every method runs and the report is written.

Accuracy is not asserted: a few dozen iterations mean nothing. This keeps the
tool (and every method's config) from rotting.
"""
import json

from helpers import run_tool


def test_quick_benchmark_writes_json_table_and_plot(tmp_path, small_data):
    run_tool('benchmark.py', '--quick', '--work-dir', str(tmp_path / 'work'),
             '--out-dir', str(tmp_path / 'out'))
    report = json.loads((tmp_path / 'out' / 'benchmark.json').read_text())
    names = list(report['summary'])
    assert names == [
        'student alone', 'KD', 'DKD', 'FitNets + KD', 'DIST', 'UniKD + KD',
        'UniKD + DKD', 'MGKD + KD', 'MGKD + UniKD'
    ]
    for name in names:
        runs = report['runs'][name]
        assert len(runs) == 1  # one seed
        assert 0 <= runs[0]['top1'] <= 100
        assert runs[0]['sec_per_iter'] > 0 and runs[0]['peak_memory_mb'] > 0
    overhead = {n: report['summary'][n]['training_only_params']
                for n in names}
    assert overhead['student alone'] == overhead['KD'] == 0
    assert overhead['UniKD + DKD'] > 0 and overhead['MGKD + KD'] > 0
    table = (tmp_path / 'out' / 'benchmark.md').read_text()
    assert '| UniKD + DKD |' in table and 'python tools/benchmark.py' in table
    assert (tmp_path / 'out' / 'benchmark.png').stat().st_size > 10_000
