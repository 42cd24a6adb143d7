"""benchmark.py's scheduler: stage order, and a failed run does not stop
the sitting (it writes no record and is not retried; the others go on)."""
import argparse

import benchmark  # tools/benchmark.py (tools/ is on the path: conftest)
from bench.plan import Planner
from conftest import protocol


class Store:
    """Records in memory: ``current`` as the planner reads them."""

    def __init__(self):
        self.records = {}

    def current(self, run):
        return self.records.get(run.slug)

    def is_stale(self, run):
        return False

    def write(self, run, measured):
        self.records[run.slug] = dict(measured, seed=run.seed)


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
