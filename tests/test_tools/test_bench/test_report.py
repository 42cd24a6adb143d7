"""bench.report: tables, paired differences and README blocks from records."""
import dataclasses

import pytest

from bench.plan import Planner
from bench.report import (Report, ablation_table, cost_choice,
                          cost_choice_lines, fmt_options, machines,
                          replace_block, results_block, seed_machines_line,
                          split_by_device, verdict_lines)
from bench.task import BASELINES
from conftest import BOX_MAP, OUTPUT, TOP1, Records, protocol

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
    # an add-on row carries its paired difference with its host
    assert ('| A + KD | KD | 5 (1, 0) | 70.80 ± 33.99 | -14.40 [-56.74, +27.94] '
            'not separated | -9.40 |') in text
    assert '| KD | - | 5 (0, 0) | 85.20 ± 0.16 | - | +5.00 |' in text
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


def test_collapsed_runs_are_counted_and_kept_in_the_mean():
    p, records = finished_protocol()
    # 0.7 above the student alone's 80.3 at seed 3: collapsed
    records.values[('A + KD', 'tuned', 3)] = 81.0
    report = Report(Planner(p, records), cost=None, extras={})
    summary = report.final()['A + KD']['summary']
    assert summary['collapsed'] == 1 and summary['diverged'] == 1
    assert summary['top1']['mean'] == pytest.approx((3 * 86 + 81 + 10) / 5)
    assert report.final()['KD']['summary']['collapsed'] == 0
    assert '| A + KD | KD | 5 (1, 1) |' in report.markdown('cmd')


def test_missing_runs_are_listed_not_hidden():
    p, records = finished_protocol()
    del records.values[('KD', 'tuned', 2)]
    report = Report(Planner(p, records), cost=None, extras={})
    text = report.markdown('cmd')
    assert '`final/kd/tuned-seed2`' in text
    assert '| KD | - | 4 (0, 0) incomplete |' in text


def test_readme_block_is_replaced_in_place(tmp_path):
    readme = tmp_path / 'README.md'
    begin, end = OUTPUT.markers
    readme.write_text(f'# x\n\n{begin}\nold\n{end}\n\nafter\n')
    p, records = finished_protocol()
    report = Report(Planner(p, records), cost=None, extras={})
    final = report.final()
    body = results_block(final, report.differences(final), ['KD', 'A + KD'],
                         TOP1, 'docs/x.md', '../docs/x.md')
    assert replace_block(str(readme), body, OUTPUT.markers)
    text = readme.read_text()
    assert 'old' not in text and text.endswith('\nafter\n')
    assert '| A + KD | 5 (1, 0) |' in text and '| A + KD − KD | 5 |' in text
    assert '| method | seeds (diverged, collapsed) | test top-1 (%) |' in text
    assert '[docs/x.md](../docs/x.md)' in text
    unmarked = tmp_path / 'OTHER.md'
    unmarked.write_text('no block here\n')
    assert not replace_block(str(unmarked), body, OUTPUT.markers)
    assert unmarked.read_text() == 'no block here\n'


def test_machines_count_where_the_runs_trained():
    records = [dict(device='cuda', torch='2.11.0'),
               dict(device='cpu', torch='2.14.1'),
               dict(device='cpu', torch='2.14.1', teacher_cache=True),
               dict(device='cpu', torch='2.14.1', teacher_cache=True)]
    assert machines(records) == {'cpu, torch 2.14.1': 1,
                                 'cpu, torch 2.14.1, teacher cached': 2,
                                 'cuda, torch 2.11.0': 1}
    # a record with a machine fingerprint is counted by it
    fp = dict(device='cpu', torch='2.14.1+cu130', threads=1,
              cpu_capability='AVX2', isa='avx2', cpu='AMD EPYC')
    fingerprinted = [dict(r, machine=fp) for r in records[2:]]
    assert machines(fingerprinted + [dict(r, machine=dict(
        fp, cpu_capability='AVX512')) for r in records[3:]]) == {
            'cpu, torch 2.14.1+cu130, 1 thread, AVX2 (cap avx2), AMD EPYC, '
            'teacher cached': 2,
            'cpu, torch 2.14.1+cu130, 1 thread, AVX512 (cap avx2), AMD EPYC, '
            'teacher cached': 1}


def diff(a, b, verdict, mean=0.0):
    return dict(a=a, b=b, n=5, mean=mean, low=mean - 1, high=mean + 1,
                verdict=verdict)


def test_verdict_is_ahead_only_against_every_built_in():
    rows = {name: dict(name=name) for name in
            ('student alone', *BASELINES)}
    rows['U + DKD'] = dict(name='U + DKD', host='DKD')
    rows['M + U'] = dict(name='M + U', host='U + DKD')
    diffs = [diff('U + DKD', b, 'ahead', 2.0) for b in BASELINES]
    diffs += [diff('M + U', b, 'ahead', 2.0) for b in BASELINES[:-1]]
    diffs += [diff('M + U', 'DIST', 'behind', -2.0),
              diff('M + U', 'U + DKD', 'not separated')]
    lines = verdict_lines(diffs, rows)
    up, down = '(+2.00 [+1.00, +3.00])', '(-2.00 [-3.00, -1.00])'
    assert lines[0].startswith(
        f'- **U + DKD is ahead of every built-in distiller**: ahead of KD '
        f'{up}, DKD {up}, FitNets + KD {up}, DIST {up}.')
    assert lines[1].startswith(
        f'- **M + U is not ahead of every built-in distiller**: ahead of KD '
        f'{up}, DKD {up}, FitNets + KD {up}; behind DIST {down}. Over its '
        'host U + DKD (what M adds): +0.00 [-1.00, +1.00] not separated, no '
        'measured gain.')
    assert lines[-1] == 'Ahead of every built-in distiller: U + DKD.'
    # nobody ahead of all: said plainly; shown rows only; missing pairs
    lines = verdict_lines(diffs[4:], rows, shown=['M + U'])
    assert len(lines) == 3 and lines[-1].startswith(
        'None of these methods is ahead of every built-in distiller')
    assert verdict_lines(diffs[:2], rows, shown=['U + DKD']) == [
        '- **U + DKD**: not every paired comparison with the built-ins has '
        'finished yet.']


def test_holm_adjusted_verdicts_are_said_where_they_differ():
    rows = {name: dict(name=name) for name in ('student alone', *BASELINES)}
    rows['U + DKD'] = dict(name='U + DKD', host='DKD')
    diffs = [dict(diff('U + DKD', b, 'ahead', 2.0), holm='ahead')
             for b in BASELINES]
    diffs[0]['holm'] = 'not separated'
    diffs[1]['verdict'] = diffs[1]['holm'] = 'not separated'
    line = verdict_lines(diffs, rows)[0]
    assert line.endswith('Holm-adjusted: KD not separated. Over its host '
                         'DKD (what U adds): +2.00 [+1.00, +3.00] not '
                         'separated, no measured gain.')


def test_repeated_runs_of_one_config_show_their_spread():
    p, records = finished_protocol()
    lookup = records

    def with_hash(run):
        record = lookup(run)
        if record is not None and run.row == 'KD' and run.variant in (
                'point1', 'tuned'):
            # the tuned point's seed-0 run and the final's share a hash here
            record = dict(record, config_hash=f'h{run.seed}', device='cpu')
        return record

    report = Report(Planner(p, with_hash), cost=None, extras={})
    repeats = {r['config_hash']: r for r in report.repeats()}
    # seeds 0 and 1 ran as tuning point1 (85.0) and as final (85.0, 85.1)
    assert set(repeats) == {'h0', 'h1'}
    assert abs(repeats['h1']['spread'] - 0.1) < 1e-9
    text = report.markdown('cmd')
    assert '## Repeated runs of one configuration' in text
    assert ('largest spread of the 2 is 0.10 points; all runs on cpu: 2 of '
            'them, largest spread 0.10.') in text


def test_ablation_table_names_its_seeds_and_centre():
    lines = ablation_table('A', 'the tuned A + KD', [
        dict(variant='default', summary=dict(
            seeds=3, diverged=0, top1=dict(mean=80.0, std=1.0)),
             vs_default=None),
        dict(variant='no x', summary=dict(
            seeds=3, diverged=1, top1=dict(mean=60.0, std=30.0)),
             vs_default=diff('no x', 'default', 'behind', -20.0)),
    ], [0, 1, 2], TOP1, heading='###')
    assert lines[1] == '### Ablation: A (held-out split)'
    assert 'around the tuned A + KD, seeds [0, 1, 2]' in lines[3]
    assert lines[-1] == ('| no x | 3 (1, ?) | 60.00 ± 30.00 | '
                         '-20.00 [-21.00, -19.00] behind |')


def on(cpu: str, seed: int) -> dict:
    return dict(seed=seed, machine=dict(device='cpu', torch='2.14', threads=1,
                                        cpu_capability='AVX2', isa='avx2',
                                        cpu=cpu))


def test_the_seed_machines_line_says_whether_pairs_stay_on_one_machine():
    def label(cpu: str) -> str:
        return f'cpu, torch 2.14, 1 thread, AVX2 (cap avx2), {cpu}'

    assert seed_machines_line([on('AMD', 0), on('AMD', 0), on('AMD', 1)]) == (
        f'Trained on {label("AMD")} (seeds 0, 1).')
    within = [on('AMD', s) for s in (0, 1, 2)] * 2 + [on('Intel', 3)] * 2
    assert seed_machines_line(within) == (
        f'Trained on {label("AMD")} (seeds 0, 1, 2) and {label("Intel")} '
        "(seeds 3); every seed's runs on one machine, so each paired "
        'difference is within one.')
    across = within + [on('Intel', 1)]
    assert seed_machines_line(across).endswith(
        'the runs of seeds [1] span machines (or records from before '
        'fingerprints), so their paired differences may carry a machine '
        'difference too.')
    assert seed_machines_line([]) == ''


def test_no_verdict_from_the_first_seeds_of_an_unfinished_table():
    p, records = finished_protocol()
    p.output = dataclasses.replace(p.output, baselines=('KD', ))
    text = Report(Planner(p, records), cost=None, extras={}).markdown('x')
    assert '- **A + KD is not ahead of every built-in distiller**' in text
    del records.values[('KD', 'tuned', 4)]
    text = Report(Planner(p, records), cost=None, extras={}).markdown('x')
    assert ('- **A + KD**: not every paired comparison with the built-ins '
            'has finished yet.') in text
    assert 'is not ahead of every built-in' not in text


def test_the_protocol_section_says_what_else_was_declared():
    p, records = finished_protocol()
    p = dataclasses.replace(
        p, grid_extensions={'KD': {'tau': 8}},
        final_machine=dict(device='cpu', threads=1),
        long_schedule=dict(rows=['KD'], seeds=[0, 1], options={'e': 24}))
    text = Report(Planner(p, records), cost=None, extras={}).markdown('x')
    assert "once (KD; *edge* in the tuning table);" in text
    assert ('- one machine per table: every final and longer-schedule run '
            'trains on device cpu, threads 1; a record from another machine '
            'is stale') in text
    assert ('- longer schedule: KD at their tuned settings, with `e=24`, on '
            'seeds [0, 1] of the final table') in text
    bare = Report(Planner(finished_protocol()[0], records), cost=None,
                  extras={}).markdown('x')
    assert 'grid edges' not in bare and 'one machine' not in bare


def test_a_pinned_centre_and_a_grid_edge_point_are_said():
    p, records = finished_protocol()
    p = dataclasses.replace(
        p, tuning={'KD': [{}, {'tau': 1}, {'tau': 8}, {'tau': 16}]},
        grid_extensions={'KD': {'tau': 16}},
        ablations={'S': dict(row='KD', centre={'tau': 1}, variants=[])})
    records.values.update({('KD', 'point3', s): 70 for s in (0, 1)})
    records.values.update({('KD', 'default', s): 85 for s in (0, 1, 2)})
    text = Report(Planner(p, records), cost=None, extras={}).markdown('x')
    assert ('| KD | point3 *edge* | `tau=16` | 70.00, 70.00 | 70.00 |  |'
            in text)
    assert '| KD | point1 | `tau=1` |' in text  # not an added point
    assert ('One factor at a time around KD at the setting it was declared '
            'around (`tau=1`), seeds [0, 1, 2]') in text


def test_repeats_are_split_by_device():
    cpu = dict(runs=[dict(device='cpu'), dict(device='cpu')], spread=0.0)
    mixed = dict(runs=[dict(device='cpu'), dict(device='cuda')], spread=2.0)
    assert split_by_device([cpu, mixed]) == [('all runs on cpu', [cpu]),
                                             ('a run on cuda', [mixed])]
    assert split_by_device([mixed]) == [('a run on cuda', [mixed])]


# model-only step costs: the authors' setting over a 1.2x budget, two
# cheaper knobs within it (one by FLOPs only), one cheaper by FLOPs but not
# by time
STEP_COST = {
    'KD': dict(gflop=10.0, ms=100.0),
    'A + KD': dict(gflop=13.5, ms=190.0),
    'A + KD, small': dict(gflop=10.8, ms=108.0),
    'A + KD, medium': dict(gflop=11.7, ms=119.0),
    'A + KD, narrow': dict(gflop=11.0, ms=150.0),
}


def seeds_at(*values):
    return [dict(seed=i, top1=v, diverged=None) for i, v in enumerate(values)]


def choose(small, medium=(88.0, 89.0, 90.0), narrow=(90.0, 91.0, 92.0),
           **rule):
    records = {'default': seeds_at(88.0, 89.0, 90.0), 'small': small,
               'medium': seeds_at(*medium), 'narrow': seeds_at(*narrow),
               'loss only': seeds_at(50.0, 50.0, 50.0)}
    rule = dict(dict(authors='default', budget=1.2), **rule)
    return cost_choice(rule, 'A + KD', records, STEP_COST, 3, TOP1)


def test_cost_rule_picks_the_cheapest_setting_not_behind_the_authors():
    # the cheapest knob loses nothing measurable: it is the default
    choice = choose(seeds_at(87.5, 89.5, 89.5))
    assert choice['chosen'] == 'small'
    got = {s['variant']: s for s in choice['settings']}
    # loss-only variants have no step cost; settings come cheapest first
    assert [s['variant'] for s in choice['settings']] == [
        'small', 'narrow', 'medium', 'default']
    assert [got[v]['within_budget'] for v in got] == [True, False, True,
                                                      False]
    assert got['small']['vs_authors']['verdict'] == 'not separated'
    assert got['default']['vs_authors'] is None
    # behind the authors' setting: the next cheapest within the budget
    assert choose(seeds_at(80.0, 81.0, 82.1))['chosen'] == 'medium'
    # every setting within the budget behind (the narrow one is over the
    # budget in time, however good): the authors' setting stays
    assert choose(seeds_at(80.0, 81.0, 82.1),
                  medium=(80.0, 81.2, 82.0))['chosen'] == 'default'
    # an authors' setting within the budget stays whatever the others do
    assert choose(seeds_at(88.0, 89.0, 90.0),
                  budget=2.0)['chosen'] == 'default'
    # a missing seed: no choice yet
    assert choose(seeds_at(88.0, 89.0))['chosen'] is None


def test_cost_rule_against_an_authors_variant():
    # after a switch the authors' setting is a variant; the shipped default
    # stays the choice while it is not behind it
    records = {'default': seeds_at(88.0, 89.0, 90.0),
               'small': seeds_at(87.0, 88.0, 89.0)}
    costs = {'KD': STEP_COST['KD'], 'A + KD': STEP_COST['A + KD, small'],
             'A + KD, small': STEP_COST['A + KD']}
    choice = cost_choice(dict(authors='small', budget=1.2), 'A + KD',
                         records, costs, 3, TOP1)
    assert choice['chosen'] == 'default'
    lines = cost_choice_lines('A', choice, TOP1, heading='###')
    assert lines[1] == '### Default by accuracy for its cost: A'
    assert "The authors' setting (`small`) stays" in lines[3]
    assert lines[-3] == ("| small (the authors') | 1.35× | 1.90× | no | "
                         '88.00 ± 1.00 (3 seeds) | - |')
    assert lines[-1] == '**The rule picks `default`**: the shipped default.'
    with pytest.raises(ValueError, match='has no step cost'):
        cost_choice(dict(authors='gone', budget=1.2), 'A + KD',
                    dict(records, gone=[]), costs, 3, TOP1)


def test_stale_cost_rows_are_marked_with_the_command_to_rerun():
    p, records = finished_protocol()
    ratio = dict(ms=10.0, ratio=1.0, ratio_q1=1.0, ratio_q3=1.0)
    cost = dict(command='c', rounds=2, threads=1, batch_size=4, methods={
        'KD': dict(ratio, stale=False), 'A + KD': dict(ratio, stale=True)})
    text = Report(Planner(p, records), cost=cost, extras={}).markdown('c')
    assert '| KD | 10.0 | 1.00× | 1.00–1.00 |' in text
    assert '| A + KD | 10.0 | 1.00× | 1.00–1.00 (stale) |' in text
    assert ('than the current one): A + KD. Rerun `python tools/'
            'benchmark.py --stage cost`.') in text


def detection_protocol():
    """finished_protocol's rows and runs scored in box mAP points (AP50 at
    half of it), with its outputs."""
    p, records = finished_protocol()
    p.metric = BOX_MAP
    p.output = dataclasses.replace(p.output, name='benchmark_det')
    return p, Records(records.values, BOX_MAP)


def test_a_detection_report_speaks_box_map_and_shows_ap50():
    p, records = detection_protocol()
    report = Report(Planner(p, records), cost=None, extras=dict(
        teacher=dict(description='R-34', box_mAP=52.5, box_AP50=80.0,
                     path='t.pth', hash='abc')))
    text = report.markdown('cmd')
    assert 'top-1' not in text and 'accuracy' not in text
    assert '- teacher: R-34, test box mAP 52.50, weights `t.pth`' in text
    assert 'counts at chance (0) in means' in text
    assert ('| method | host | seeds (diverged, collapsed) | box mAP | AP50 '
            '| vs host') in text
    # A + KD diverged on seed 4: at chance 0 in both columns
    assert ('| A + KD | KD | 5 (1, 0) | 68.80 ± 38.46 | 34.40 ± 19.23 |'
            in text)
    assert '| KD | point1 | `tau=1` | 85.00, 85.00 | 85.00 | ✓ |' in text
    assert '![paired differences](benchmark_det.png)' in text
    final = report.final()
    assert set(final['KD']['summary']) >= {'box_mAP', 'box_AP50'}
    # paired differences stay on the score
    diff = {(d['a'], d['b']): d for d in report.differences(final)}
    assert diff[('KD', 'student alone')]['mean'] == pytest.approx(5.0)
    block = results_block(final, [], ['KD', 'B'], BOX_MAP,
                          'docs/benchmark_det.md', 'docs/benchmark_det.md')
    assert block.splitlines()[:4] == [
        '| method | seeds (diverged, collapsed) | test box mAP | test AP50 |',
        '|---|---|---|---|',
        '| KD | 5 (0, 0) | 85.20 ± 0.16 | 42.60 ± 0.08 |',
        '| B | 0 | not run yet | - |']


def test_collapses_are_judged_in_the_protocols_points():
    p, records = detection_protocol()
    # 0.7 box mAP points above the student alone at seed 3: collapsed
    records.values[('A + KD', 'tuned', 3)] = 81.0
    summary = Report(Planner(p, records), None, {}).final()['A + KD'][
        'summary']
    assert summary['collapsed'] == 1 and summary['diverged'] == 1


def test_the_student_alone_as_a_baseline_is_compared_but_not_with_itself():
    p, records = detection_protocol()
    p.output = dataclasses.replace(
        p.output, baselines=['student alone', 'KD'])
    report = Report(Planner(p, records), None, {})
    pairs = [(d['a'], d['b']) for d in report.differences(report.final())]
    # every other row against the student alone, ours against KD, and each
    # add-on against its host; nothing against itself
    assert ('student alone', 'student alone') not in pairs
    assert {('KD', 'student alone'), ('A + KD', 'student alone'),
            ('A + KD', 'KD')} <= set(pairs)
    assert len(pairs) == len(set(pairs))


def test_collapsed_final_runs_are_set_against_their_rows_curves():
    p, records = finished_protocol()
    # 0.7 above the student alone at seed 3: collapsed
    records.values[('A + KD', 'tuned', 3)] = 81.0

    def with_curves(run):
        record = records(run)
        if record is not None and not record.get('diverged'):
            collapsed = (run.row, run.seed) == ('A + KD', 3)
            record['curves'] = {
                'student.loss': [2.0, 1.0] if collapsed else [1.0, 0.5]
            }
        return record

    text = Report(Planner(p, with_curves), None, {}).markdown('cmd')
    assert '## Curves of the collapsed runs' in text
    assert ('| A + KD, final | 3 | 81.00 | `student.loss` | 2 1 | 1 0.5 | 1 |'
            in text)
    # no collapse study in this protocol: no figure of one
    assert '_collapse.png' not in text
    assert '## Curves' not in Report(Planner(p, Records({})), None,
                                     {}).markdown('cmd')


def test_long_schedule_table_beside_the_final_runs_of_its_seeds():
    p, records = finished_protocol()
    p.long_schedule = dict(rows=['student alone', 'KD'], seeds=[0, 1, 2],
                           options={'epochs': 24})
    for seed in range(3):
        records.values[('student alone', 'long', seed)] = 82.0 + seed
        # 0.5 above the long student alone at seed 2: collapsed there only
        records.values[('KD', 'long', seed)] = (
            82.5 if seed == 2 else 86.0 + 0.2 * seed)

    def lookup(run):
        return records(dataclasses.replace(run, variant='long') if
                       run.stage == 'long' else run)

    report = Report(Planner(p, lookup), None, {})
    long = report.long()
    assert set(long) == {'student alone', 'KD'}
    assert long['KD']['summary']['collapsed'] == 1
    text = report.markdown('cmd')
    assert '## Longer schedule (test set)' in text
    assert ('Rows student alone, KD again at their tuned settings, on final '
            'seeds [0, 1, 2], with `epochs=24`.') in text
    # KD: 86.0, 86.2, 82.5 long vs 85.0, 85.1, 85.2 in the final table
    assert '| KD | 3 (0, 1) | 84.90 ± 2.08 | 85.10 ± 0.10 | -0.20 [' in text
    data = report.as_dict()
    diff = data['long_differences'][0]
    assert (diff['a'], diff['b'], diff['n']) == ('KD', 'student alone', 3)
    assert diff['mean'] == pytest.approx((4.0 + 3.2 - 1.5) / 3)
    # a protocol without one has no such section or keys
    p.long_schedule = None
    assert 'long' not in report.as_dict()
    assert '## Longer schedule' not in report.markdown('cmd')


def test_options_cell_names_a_shared_loss_value_once():
    """A detection grid point sets one value on each of several losses
    (CWD's five FPN levels): the cell says it once, with the count."""
    losses = 'model.distiller.distill_losses'
    options = {f'{losses}.loss_cwd_fpn{i}.loss_weight': 3 for i in range(5)}
    assert fmt_options(options) == '`loss_weight=3` on 5 losses'
    assert fmt_options({
        f'{losses}.loss_unikd.loss_weight': 0.3,
        f'{losses}.loss_unikd.consistency_weight': 0.03,
        'custom_hooks.0.warmup_epochs': 2,
    }) == ('`loss_weight=0.3`, `consistency_weight=0.03`, '
           '`custom_hooks.0.warmup_epochs=2`')
    # one argument at two values on two losses: each named with its loss
    assert fmt_options({
        f'{losses}.loss_dkd.loss_weight': 3,
        f'{losses}.loss_unikd.loss_weight': 0.1,
        f'{losses}.loss_unikd.consistency_weight': 0.01,
    }) == ('`loss_dkd.loss_weight=3`, `loss_unikd.loss_weight=0.1`, '
           '`consistency_weight=0.01`')
    # values that are lists (a classification grid's stage names)
    assert fmt_options({f'{losses}.loss_a.sources': ['layer3', 'layer4']}) \
        == "`sources=['layer3', 'layer4']`"
    assert fmt_options({}) == 'shipped'


@pytest.mark.parametrize('order, words', [
    ('rotated', 'in an order rotated from round to round, every method on '
     'the same batches at learning rate 0'),
    (None, 'in the same order every round'),
])
def test_cost_section_says_the_order_its_record_was_measured_in(order, words):
    p, records = finished_protocol()
    method = dict(ms=10.0, ratio=1.0, ratio_q1=1.0, ratio_q3=1.0, tuned=True,
                  config_hash='x')
    cost = dict(command='python tools/benchmark.py --stage cost', rounds=4,
                threads=1, batch_size=8,
                methods={name: dict(method) for name in p.rows})
    if order:
        cost['order'] = order
        cost['control'] = dict(method, ratio=1.08, ratio_q1=0.9)
    text = Report(Planner(p, records), cost=cost, extras={}).markdown('x')
    assert f'in turn, {words}' in text and ', on 1 CPU thread(s)' in text
    assert 'batch 8, machine not recorded. Ratio' in text
    cost['machine'] = on('AMD', 0)['machine']
    text = Report(Planner(p, records), cost=cost, extras={}).markdown('x')
    assert ('batch 8, on cpu, torch 2.14, 1 thread, AVX2 (cap avx2), AMD. '
            'Ratio') in text
    # the control (a second copy of the reference), where measured
    assert ('Control: a second copy of KD, built after the others, measured '
            '1.08× KD (IQR 0.90–1.00)' in text) == bool(order)
