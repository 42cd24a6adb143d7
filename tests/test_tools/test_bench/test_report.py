"""bench.report: tables, paired differences and README blocks from records."""
from bench.plan import Planner
from bench.report import (BEGIN, END, Report, machines, replace_block,
                          results_block)
from conftest import Records, protocol

KD_SCORES = {'shipped': (80, 82), 'point1': (85, 85), 'point2': (70, 70)}


def finished_protocol():
    p = protocol(rows={
        'student alone': dict(name='student alone', config='s.py'),
        'KD': dict(name='KD', config='kd.py'),
        'A + KD': dict(name='A + KD', config='a.py', host='KD'),
    }, tuning={'KD': [{}, {'tau': 1}, {'tau': 8}]}, ablations={})
    values = {('KD', label, seed): v for label, pair in KD_SCORES.items()
              for seed, v in enumerate(pair)}
    for seed in range(5):
        values[('student alone', 'tuned', seed)] = 80.0 + 0.1 * seed
        values[('KD', 'tuned', seed)] = 85.0 + 0.1 * seed
        # A + KD diverges on seed 4: counted at chance, and counted
        values[('A + KD', 'tuned', seed)] = 'nan' if seed == 4 else 86.0
    return p, Records(values)


def test_report_tables_come_from_the_records():
    p, records = finished_protocol()
    report = Report(Planner(p, records), cost=None, extras={})
    text = report.markdown('python tools/benchmark.py')
    assert '| KD | point1 | `tau=1` | 85.00, 85.00 | 85.00 | ✓ |' in text
    assert '| KD | shipped | shipped | 80.00, 82.00 | 81.00 |  |' in text
    assert '| A + KD | KD | 5 (1) |' in text
    diffs = {(d['a'], d['b']): d for d in report.differences(report.final())}
    assert diffs[('KD', 'student alone')]['verdict'] == 'ahead'
    assert diffs[('A + KD', 'KD')]['n'] == 5
    assert diffs[('A + KD', 'KD')]['verdict'] == 'not separated'
    assert 'Not measured yet' in text  # no cost record
    status = {s['stage']: s for s in report.status()}
    assert (status['final']['finished'], status['final']['planned'],
            status['final']['total']) == (15, 15, 15)
    assert status['tune']['total'] == 3 * 2  # 3 KD points, 2 seeds
    # where the runs trained (the test records name no device)
    assert status['final']['machines'] == {'?, torch ?': 15}
    assert '| final | 15 | 15 | 15 | ?, torch ?: 15 | - |' in text


def test_missing_runs_are_listed_not_hidden():
    p, records = finished_protocol()
    del records.values[('KD', 'tuned', 2)]
    report = Report(Planner(p, records), cost=None, extras={})
    text = report.markdown('cmd')
    assert '`final/kd/tuned-seed2`' in text
    assert '| KD | - | 4 (0) incomplete |' in text


def test_readme_block_is_replaced_in_place(tmp_path):
    readme = tmp_path / 'README.md'
    readme.write_text(f'# x\n\n{BEGIN}\nold\n{END}\n\nafter\n')
    p, records = finished_protocol()
    report = Report(Planner(p, records), cost=None, extras={})
    final = report.final()
    body = results_block(final, report.differences(final), ['KD', 'A + KD'],
                         'docs/benchmark.md')
    assert replace_block(str(readme), body)
    text = readme.read_text()
    assert 'old' not in text and text.endswith('\nafter\n')
    assert '| A + KD | 5 (1) |' in text and '| A + KD − KD | 5 |' in text
    unmarked = tmp_path / 'OTHER.md'
    unmarked.write_text('no block here\n')
    assert not replace_block(str(unmarked), body)
    assert unmarked.read_text() == 'no block here\n'


def test_machines_count_where_the_runs_trained():
    records = [dict(device='cuda', torch='2.11.0'),
               dict(device='cpu', torch='2.14.1'),
               dict(device='cpu', torch='2.14.1', teacher_cache=True),
               dict(device='cpu', torch='2.14.1', teacher_cache=True)]
    assert machines(records) == {'cpu, torch 2.14.1': 1,
                                 'cpu, torch 2.14.1, teacher cached': 2,
                                 'cuda, torch 2.11.0': 1}
