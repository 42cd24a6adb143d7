"""benchmark.py: the scheduler (stage order; a failed run does not stop
the sitting: it writes no record and is not retried, the others go on), the
README blocks, each protocol's default directories and its teacher."""
import argparse
import dataclasses
import json

import benchmark  # tools/benchmark.py (tools/ is on the path: conftest)
import pytest
from bench.plan import Planner
from bench.task import Teacher
from conftest import OUTPUT, protocol


class Store:
    """Records in memory: ``current`` as the planner reads them."""

    def __init__(self):
        self.records = {}

    def current(self, run):
        return self.records.get(run.slug)

    def is_stale(self, run):
        return False

    def write(self, run, measured):
        self.records[run.slug] = dict(
            measured, seed=run.seed, row=run.row, split=run.split,
            options=dict(run.options))


def sitting(monkeypatch, fail_variant):
    """A Benchmark over the test protocol whose runs score 80, except the
    KD tuning point ``fail_variant``, whose training raises."""
    bench = benchmark.Benchmark.__new__(benchmark.Benchmark)
    bench.args = argparse.Namespace(stage='all', jobs=2, max_runs=None)
    # a list value, as MGKD's branch sets: runs are then not hashable
    bench.protocol = protocol(tuning={
        'KD': [{}, {'tau': 1}, {'taus': [1, 8]}],
        'A + KD': [{}, {'w': 2}],
    })
    bench.store = Store()
    bench.planner = Planner(bench.protocol, bench.store.current)
    bench.failed = {}
    bench.mismatch = None
    bench.context = None
    monkeypatch.setattr(bench, 'weights_for', lambda run: {})
    started = []

    def execute(context, protocol, run):
        started.append(run)
        if run.row == 'KD' and run.variant == fail_variant:
            raise RuntimeError(f'{run.slug} failed; see its train.log')
        return dict(top1=80.0, diverged=None)

    monkeypatch.setattr(benchmark, 'execute', execute)
    return bench, started


def test_a_failed_run_is_skipped_and_the_others_go_on(monkeypatch, capsys):
    bench, started = sitting(monkeypatch, fail_variant='point1')
    bench.run_all()
    assert set(bench.failed) == {
        'tune/kd/point1-seed0', 'tune/kd/point1-seed1'}
    slugs = [run.slug for run in started]
    assert len(slugs) == len(set(slugs))  # no retries
    # the rest of KD's grid trained; nothing that needs KD's tuned setting
    # could be planned, since KD's grid is incomplete
    assert {s.split('/')[-1] for s in bench.store.records} == {
        'shipped-seed0', 'shipped-seed1', 'point2-seed0', 'point2-seed1'}
    assert 'tune/kd/point1-seed0] FAILED' in capsys.readouterr().out


def test_all_trains_the_final_table_before_the_ablations(monkeypatch):
    bench, started = sitting(monkeypatch, fail_variant=None)
    bench.args.jobs = 1
    bench.run_all()
    assert not bench.failed
    stages = [run.stage for run in started]
    assert stages.index('final') < stages.index('ablation')
    assert stages.index('ablation') > max(
        i for i, s in enumerate(stages) if s == 'tune')


def test_another_machine_leaves_the_final_runs_alone(monkeypatch, capsys):
    bench, started = sitting(monkeypatch, fail_variant=None)
    bench.protocol = dataclasses.replace(
        bench.protocol, final_machine=dict(device='cpu', threads=1))
    bench.context = argparse.Namespace(device='cpu', threads=2, isa='avx2')
    monkeypatch.setattr(benchmark, 'run_env', lambda context: {})
    monkeypatch.setattr(
        benchmark, 'fingerprint',
        lambda device, env, isa: dict(device=device, threads=2, isa=isa))
    bench.run_all()
    stages = {run.stage for run in started}
    assert stages == {'tune', 'ablation'}
    out = capsys.readouterr().out
    assert ("Skipping final and long-schedule runs: final_machine = "
            "{'device': 'cpu', 'threads': 1}") in out
    assert "this machine (--device cpu, --threads 2, --cpu-isa avx2) has " \
        "{'threads': 2}" in out
    # the same machine trains them
    bench, started = sitting(monkeypatch, fail_variant=None)
    bench.protocol = dataclasses.replace(
        bench.protocol, final_machine=dict(device='cpu', threads=2))
    bench.context = argparse.Namespace(device='cpu', threads=2, isa='avx2')
    bench.run_all()
    assert 'final' in {run.stage for run in started}


def test_report_fills_the_readme_blocks(monkeypatch, tmp_path):
    """Each README block gets its rows, the verdict sentences, its
    ablation table and the collapse study's choice, from the records of a
    finished sitting."""
    bench, _ = sitting(monkeypatch, fail_variant=None)
    bench.run_all()
    readme = tmp_path / 'R.md'
    begin, end = OUTPUT.markers
    readme.write_text(f'# r\n\n{begin}\nold\n{end}\n')
    monkeypatch.setattr(benchmark, 'ROOT', str(tmp_path))
    # no metafile in the test protocol's outputs: none is touched
    bench.protocol.output = dataclasses.replace(
        OUTPUT, readme_blocks={'R.md': dict(rows=['KD', 'A + KD'],
                                            ablation='A', collapse=True)})
    bench.protocol.ablations['A']['collapse_rule'] = dict(departures=[])
    bench.args.__dict__.update(out_dir=str(tmp_path / 'docs'), quick=False,
                               records=str(tmp_path / 'records'))
    bench.teacher = {}
    bench.report('cmd')
    text = readme.read_text()
    assert 'old' not in text
    assert '| A + KD | 5 (0, ?) | 80.00 ± 0.00 |' in text
    # the test protocol has none of the built-in rows: no verdict yet
    assert ('- **A + KD**: not every paired comparison with the built-ins '
            'has finished yet.') in text
    assert '### Ablation: A (held-out split)' in text
    assert '| no x | 3 (0, ?) | 80.00 ± 0.00 |' in text
    # the collapse study's choice, where the block asks for it
    assert '### A collapse study: the default it picks' in text
    assert '[docs/bench_test.md](docs/bench_test.md)' in text
    assert (tmp_path / 'docs' / 'bench_test.md').is_file()


def test_cost_record_of_a_changed_config_reads_stale(monkeypatch, tmp_path):
    bench, _ = sitting(monkeypatch, fail_variant=None)
    (tmp_path / 'cost.json').write_text(json.dumps(dict(methods={
        'KD': dict(config_hash='aaa'),
        'A + KD': dict(config_hash='bbb'),
        'B + A': {},  # measured before hashes were kept
    })))
    bench.args.records = str(tmp_path)
    monkeypatch.setattr(bench, 'cost_methods', lambda: {})
    monkeypatch.setattr(bench, 'cost_hashes', lambda methods: {
        'KD': 'aaa', 'A + KD': 'ccc', 'B + A': 'ddd'})
    got = bench.cost()['methods']
    assert {k: m['stale'] for k, m in got.items()} == {
        'KD': False, 'A + KD': True, 'B + A': True}


def test_cost_hash_follows_the_config_and_the_tuned_setting():
    bench = benchmark.Benchmark.__new__(benchmark.Benchmark)
    bench.configs = {}
    kd = 'configs/kd/kd_logits_resnet18-w16_resnet18-w4_1xb128_' \
        'fashion-mnist-10k.py'
    dkd = kd.replace('kd/kd_', 'dkd/dkd_')
    hashes = bench.cost_hashes({
        'KD': dict(config=kd, options={}),
        'KD tau 2': dict(config=kd, options={
            'model.distiller.distill_losses.loss_kl.tau': 2}),
        'DKD': dict(config=dkd, options={}),
    })
    assert len(set(hashes.values())) == 3


def args(**given):
    fields = dict(work_dir=None, records=None, out_dir=None, quick=False,
                  rows=None, list=True, report=False)
    return argparse.Namespace(**dict(fields, **given))


def test_each_protocol_gets_its_own_dirs_and_quick_rows():
    classification = protocol(path='benchmarks/fashion_mnist/protocol.py')
    classification.output = dataclasses.replace(
        OUTPUT, name='benchmark', quick_rows=('KD', ))
    detection = protocol(path='benchmarks/fashion_mnist_det/protocol.py')
    detection.output = dataclasses.replace(OUTPUT, name='benchmark_det')
    got = {}
    for p in (classification, detection):
        for quick in (False, True):
            a = args(quick=quick)
            benchmark.set_defaults(a, p)
            got[(p.output.name, quick)] = (a.work_dir, a.records, a.out_dir,
                                           a.rows)
    assert got == {
        ('benchmark', False): ('work_dirs/benchmark',
                               'benchmarks/fashion_mnist/records', 'docs',
                               None),
        ('benchmark', True): ('work_dirs/benchmark_quick',
                              'work_dirs/benchmark_quick/records',
                              'work_dirs/benchmark_quick', ['KD']),
        ('benchmark_det', False): ('work_dirs/benchmark_det',
                                   'benchmarks/fashion_mnist_det/records',
                                   'docs', None),
        ('benchmark_det', True): ('work_dirs/benchmark_det_quick',
                                  'work_dirs/benchmark_det_quick/records',
                                  'work_dirs/benchmark_det_quick', None),
    }


def test_rows_restrict_the_long_schedule_too():
    long = dict(rows=['KD', 'B + A'], seeds=[0], options={'e': 24},
                row_options={'B + A': {'w': 3}})
    p = benchmark.restrict(protocol(long_schedule=long), ['KD', 'A + KD'])
    assert p.long_schedule == dict(long, rows=['KD'], row_options={})
    p = benchmark.restrict(protocol(long_schedule=long), ['A + KD'])
    assert p.long_schedule is None and p.stages() == (
        'tune', 'ablation', 'final')


def test_rows_restrict_the_runs_not_the_report():
    a = argparse.Namespace(rows=['DIST'], quick=False, stage='tune')
    scope = benchmark.report_args(a)
    assert scope.rows is None and a.rows == ['DIST'] and scope.stage == 'tune'
    quick = argparse.Namespace(rows=['KD'], quick=True)
    assert benchmark.report_args(quick) is quick
    every = argparse.Namespace(rows=None, quick=False)
    assert benchmark.report_args(every) is every


def test_list_without_the_teacher_names_the_protocols_teacher(tmp_path):
    p = protocol(path='det/protocol.py', teacher=Teacher(
        config='det_teacher.py', weights=str(tmp_path / 'none.pth'),
        description='d'))
    with pytest.raises(SystemExit, match=r'No teacher of det/protocol.py '
                       r'\(det_teacher.py\) at .*none.pth'):
        benchmark.prepare_teacher(args(records=str(tmp_path)), p)


def test_a_current_teacher_record_is_read_not_retrained(tmp_path):
    weights = tmp_path / 't.pth'
    weights.write_bytes(b'weights')
    record = dict(path=str(weights), hash=benchmark.file_hash(str(weights)),
                  box_mAP=50.0, box_AP50=80.0, description='d')
    (tmp_path / 'teacher.json').write_text(json.dumps(record))
    p = protocol(teacher=Teacher(config='t.py', weights=str(weights),
                                 description='d'))
    assert benchmark.prepare_teacher(args(records=str(tmp_path)),
                                     p) == record
