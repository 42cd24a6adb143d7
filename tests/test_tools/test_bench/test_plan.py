"""bench.plan: tuned settings, host chains, ablations and run order."""
import dataclasses

import pytest
from bench.plan import Planner, Protocol, Run, rotate_by_seed, slugify
from conftest import Records, protocol


def tune_kd(scores):
    return {('KD', label, seed): v
            for label, pair in scores.items() for seed, v in enumerate(pair)}


def test_untuned_host_blocks_its_add_ons():
    planner = Planner(protocol(), Records({}))
    assert len(planner.tuning_runs('KD')) == 6
    assert planner.tuning_runs('A + KD') == []
    assert planner.tuned_options('KD') is None
    assert planner.blocked('tune') == ['A + KD']
    assert planner.runs('final') == [] and planner.runs('ablation') == []


def test_best_point_wins_and_add_on_starts_from_it():
    values = tune_kd({'shipped': (80, 82), 'point1': (85, 85),
                      'point2': (90, 'nan')})  # diverged counts at 10 %
    planner = Planner(protocol(), Records(values))
    assert planner.tuned_options('KD') == {'tau': 1}
    runs = planner.tuning_runs('A + KD')
    assert {r.options for r in runs} == {(('tau', 1), ), (('tau', 1),
                                                          ('w', 2))}
    assert all(r.host == 'KD' and r.split == 'heldout' for r in runs)


def test_ties_go_to_the_shipped_point():
    values = tune_kd({'shipped': (85, 85), 'point1': (84, 86),
                      'point2': (85, 85)})
    assert Planner(protocol(), Records(values)).tuned_options('KD') == {}


def test_host_chain_and_final_runs():
    values = tune_kd({'shipped': (1, 1), 'point1': (2, 2), 'point2': (0, 0)})
    values.update({('A + KD', 'shipped', s): 5 for s in (0, 1)})
    values.update({('A + KD', 'point1', s): 6 for s in (0, 1)})
    planner = Planner(protocol(), Records(values))
    # B has no grid: it runs at its host's tuned setting (host's host too)
    assert planner.tuned_options('B + A') == {'tau': 1, 'w': 2}
    final = planner.final_runs('B + A')
    assert [r.seed for r in final] == [0, 1, 2, 3, 4]
    assert all(r.split == 'test' and r.host == 'A + KD' for r in final)


LONG = dict(rows=['KD', 'B + A'], seeds=[0, 1], options={'epochs': 24},
            row_options={'B + A': {'warmup': 3}})


def test_long_schedule_reruns_tuned_rows_longer_on_some_final_seeds():
    values = tune_kd({'shipped': (1, 1), 'point1': (2, 2), 'point2': (0, 0)})
    p = protocol(long_schedule=LONG)
    assert p.stages() == ('tune', 'ablation', 'final', 'long')
    planner = Planner(p, Records(values))
    # B + A waits for its host's tuning; KD runs at its tuned setting
    assert planner.blocked('long') == ['B + A']
    runs = planner.runs('long')
    assert {(r.row, r.seed, r.split, r.options) for r in runs} == {
        ('KD', seed, 'test', (('epochs', 24), ('tau', 1))) for seed in (0, 1)}
    assert runs[0].slug == 'long/kd/tuned-seed0'
    values.update({('A + KD', v, s): 5 for v in ('shipped', 'point1')
                   for s in (0, 1)})
    planner = Planner(p, Records(values))
    assert dict(planner.long_runs('B + A')[0].options) == {
        'tau': 1, 'epochs': 24, 'warmup': 3}
    assert planner.long_runs('A + KD') == []  # not a long-schedule row
    assert planner.size('long') == 4
    assert protocol().stages() == ('tune', 'ablation', 'final')
    # --quick: one seed, at the quick schedule, on any machine
    quick = dataclasses.replace(p, final_machine=dict(threads=1)).quick()
    assert quick.long_schedule['seeds'] == [0]
    assert quick.long_schedule['options'] == {}
    assert quick.long_schedule['row_options'] == {}
    assert quick.final_machine is None


@pytest.mark.parametrize('long, message', [
    (dict(LONG, epochs=24), r'long_schedule = .*: expected a dict of some '
     r"of \['options', 'row_options', 'rows', 'seeds'\]"),
    (dict(LONG, rows=['DKD']), r"long_schedule.rows = \['DKD'\]: expected "
     'rows of the protocol'),
    (dict(LONG, seeds=[0, 9]), r'long_schedule.seeds = \[0, 9\]: expected '
     r'some of the final seeds \[0, 1, 2, 3, 4\]'),
    (dict(LONG, row_options={'A + KD': {}}),
     r"long_schedule.row_options names \['A \+ KD'\]: expected some of "
     'its rows'),
])
def test_a_wrong_long_schedule_is_named(long, message):
    with pytest.raises(ValueError, match=message):
        protocol(long_schedule=long)


def test_ablation_has_the_default_and_other_rows_at_their_setting():
    values = tune_kd({'shipped': (1, 1), 'point1': (2, 2), 'point2': (0, 0)})
    values.update({('A + KD', 'shipped', s): 5 for s in (0, 1)})
    values.update({('A + KD', 'point1', s): 4 for s in (0, 1)})
    runs = Planner(protocol(), Records(values)).ablation_runs('A')
    by_variant = {}
    for r in runs:
        by_variant.setdefault(r.variant, set()).add((r.row, r.options))
    assert by_variant == {
        'default': {('A + KD', (('tau', 1), ))},
        'no x': {('A + KD', (('tau', 1), ('x', 0)))},
        'host': {('KD', (('tau', 1), ('y', 1)))},
    }
    assert all(r.group == 'A' and r.slug.startswith('ablation/a/')
               for r in runs)


def test_an_ablation_may_declare_its_own_seeds():
    p = protocol(ablations={
        'A': dict(row='KD', variants=[dict(name='v', options={'x': 1})],
                  seeds=[2, 200]),
        'B': dict(row='KD', variants=[]),
    })
    values = tune_kd({'shipped': (1, 1), 'point1': (2, 2), 'point2': (0, 0)})
    planner = Planner(p, Records(values))
    seeds = {(r.group, r.variant): set() for r in planner.runs('ablation')}
    for r in planner.runs('ablation'):
        seeds[(r.group, r.variant)].add(r.seed)
    assert seeds == {('A', 'default'): {2, 200}, ('A', 'v'): {2, 200},
                     ('B', 'default'): {0, 1, 2}}
    assert planner.size('ablation') == 2 * 2 + 1 * 3
    assert p.quick().ablation_seeds('A') == [2]


def test_a_pinned_centre_keeps_an_ablation_off_the_moving_tuned_setting():
    p = protocol(ablations={
        'A': dict(row='A + KD', centre={'tau': 8, 'w': 1},
                  variants=[dict(name='v', options={'w': 3})]),
    })
    # its row is not tuned yet: the pinned ablation runs all the same
    planner = Planner(p, Records({}))
    assert planner.blocked('ablation') == []
    assert {(r.variant, r.options) for r in planner.ablation_runs('A')} == {
        ('default', (('tau', 8), ('w', 1))), ('v', (('tau', 8), ('w', 3)))}
    with pytest.raises(ValueError, match=r"ablations\['A'\].centre = "
                       r"\['tau'\]: expected a dict of --cfg-options"):
        protocol(ablations={'A': dict(row='KD', variants=[],
                                      centre=['tau'])})


@pytest.mark.parametrize('change, message', [
    (dict(tuning={'KD': [{}] * 7}), 'budget'),
    (dict(tuning={'X': [{}]}), 'no such row'),
    (dict(rows={'A': dict(name='A', config='a', host='Z')}), 'not a row'),
    (dict(seeds=dict(tune=[0], ablation=[], final=[0])), 'ablation'),
    (dict(ablations={'A': dict(row='KD', variants=[
        dict(name='v', host='KD')])}), 'unknown keys'),
    (dict(ablations={'A': dict(row='KD', variants=[dict(name='v')],
                               cost_rule=dict(authors='w', budget=1.2))}),
     r"cost_rule = .*authors = 'default' or one of its variants \['v'\]"),
    (dict(ablations={'A': dict(row='KD', variants=[dict(name='v')],
                               cost_rule=dict(authors='v', budget=0))}),
     'positive budget'),
    (dict(ablations={'A': dict(row='KD', variants=[], seed=[1])}),
     r"ablations\['A'\] has unknown keys \['seed'\]"),
    (dict(ablations={'A': dict(row='KD', variants=[], seeds=[1, 1])}),
     r"ablations\['A'\].seeds = \[1, 1\]: expected distinct integers"),
    (dict(final_machine=dict(device='cpu', kernels='avx2')),
     r"final_machine = .*: expected a dict of some of"),
    (dict(ablations={'A': dict(row='KD', variants=[dict(name='v')],
                               collapse_rule=dict(departures=['w']))}),
     r"collapse_rule.departures = \['w'\]: expected names of its variants"),
])
def test_bad_protocol_names_the_entry(change, message):
    with pytest.raises(ValueError, match=message):
        protocol(**change)


def test_rotation_keeps_every_run_and_moves_the_start():
    runs = [Run('final', row, 'tuned', 'c', (), seed)
            for seed in (0, 1, 2) for row in 'abc']
    order = rotate_by_seed(runs)
    assert sorted(order, key=repr) == sorted(runs, key=repr)
    firsts = [r.row for r in order[::3]]
    assert [r.seed for r in order[::3]] == [0, 1, 2]
    assert firsts == ['a', 'b', 'c']


def test_slug():
    assert slugify('UniKD + KD') == 'unikd_kd'
    assert Run('tune', 'MGKD + UniKD', 'point2', 'c', (), 1).slug == \
        'tune/mgkd_unikd/point2-seed1'


def load(tmp_path, **names):
    """Protocol.load of a small detection-like protocol file with
    ``names`` set (or removed, where None)."""
    fields = dict(
        seeds=dict(tune=[0], ablation=[0], final=[0, 1]),
        rows=[dict(name='student alone', config='s.py'),
              dict(name='KD', config='kd.py')],
        metric=dict(log_key='coco/bbox_mAP', field='box_mAP', scale=100,
                    label='box mAP', chance=0.0,
                    extra={'box_AP50': 'coco/bbox_mAP_50'}),
        options=dict(all={'train_cfg.max_epochs': 3}, test={'t': 1}),
        teacher=dict(config='t.py', weights='t.pth', description='d'),
        report=dict(name='benchmark_det', cost_reference='student alone',
                    cost_batch_size=8,
                    metafile=dict(metrics={'box AP': 'box_mAP'})))
    fields.update(names)
    path = tmp_path / 'protocol.py'
    path.write_text(''.join(f'{k} = {v!r}\n' for k, v in fields.items()
                            if v is not None))
    return Protocol.load(str(path))


def test_a_protocol_declares_its_metric_options_teacher_and_outputs(
        tmp_path):
    p = load(tmp_path)
    assert (p.metric.field, p.metric.scale) == ('box_mAP', 100)
    assert p.options.resolve('test', 2, quick=False) == {
        'randomness.seed': 2, 'train_cfg.max_epochs': 3, 't': 1}
    assert p.teacher.weights == 't.pth'
    assert p.output.name == 'benchmark_det'
    # report lines on the options, where the report declares none
    assert any('`train_cfg.max_epochs=3`' in line for line in p.setup())
    # a quick version keeps what the protocol benchmarks
    assert p.quick().metric == p.metric and p.quick().output == p.output


def test_a_grid_extension_is_the_grids_last_point_and_may_be_its_seventh(
        tmp_path):
    grid = [{}, *({'w': w} for w in (1, 3, 10, 30, 60))]
    p = load(tmp_path, tuning={'KD': grid},
             grid_extensions={'KD': {'w': 100}})
    assert p.tuning['KD'] == [*grid, {'w': 100}]
    runs = Planner(p, Records({})).tuning_runs('KD')
    assert runs[-1].variant == 'point6' and dict(runs[-1].options) == {
        'w': 100}
    # without the extension, seven points are over the budget
    with pytest.raises(ValueError, match=r"tuning\['KD'\] has 7 points; "
                       'the budget is 1 to 6 for this row'):
        load(tmp_path, tuning={'KD': [*grid, {'w': 100}]})
    # one point more, not two
    with pytest.raises(ValueError, match='has 8 points; the budget is 1 to 7'):
        load(tmp_path, tuning={'KD': [*grid, {'w': 100}]},
             grid_extensions={'KD': {'w': 300}})
    with pytest.raises(ValueError, match=r"grid_extensions names \['DKD'\], "
                       'which have no tuning grid'):
        load(tmp_path, tuning={'KD': grid},
             grid_extensions={'DKD': {'w': 1}})


@pytest.mark.parametrize('names, message', [
    (dict(metric=dict(log_key='k', field='f', scael=100)),
     r"metric has unknown keys \['scael'\]; allowed: \[.*'scale'"),
    (dict(metric=dict(log_key='k', field='f', scale=-1)),
     r'metric.scale = -1: expected a positive number'),
    (dict(metric=dict(extra={'a': 'k'}, extra_labels={'b': 'B'})),
     r"metric.extra_labels has \['b'\]: expected fields of extra \['a'\]"),
    (dict(options=dict(all={}, held_out={})),
     r"options has unknown keys \['held_out'\]; allowed: .*'heldout'"),
    (dict(options=dict(test=['t=1'])),
     r"options\['test'\] = \['t=1'\]: expected a dict of --cfg-options"),
    (dict(options=None),
     r"declares no options and lacks \['student_epochs', 'train_subset', "
     r"'heldout'\]"),
    (dict(teacher=None), r'teacher = None: expected a dict'),
    (dict(teacher=dict(config='t.py', description='d')),
     r"teacher lacks \['weights'\]"),
    (dict(report=dict(name='b', cost_reference='DKD', cost_batch_size=8)),
     r"report.cost_reference names \['DKD'\]: expected rows of the "
     r"protocol \['student alone', 'KD'\]"),
    (dict(report=dict(name='b', cost_reference='KD', cost_batch_size=8,
                      readme_blocks={'R.md': dict(rows=['DKD'])})),
     r"report.readme_blocks\['R.md'\].rows names \['DKD'\]"),
    (dict(report=dict(name='b', cost_reference='KD', cost_batch_size=8,
                      metafile=dict(metrics={'box AP': 'top1'}))),
     r"report.metafile.metrics name fields \['top1'\]: expected fields of "
     r"the metric \['box_mAP', 'box_AP50'\]"),
])
def test_a_wrong_entry_is_named_with_what_was_expected(tmp_path, names,
                                                        message):
    with pytest.raises(ValueError, match=message):
        load(tmp_path, **names)
