"""``tools/`` on the path (``bench`` is the benchmark's package), and a
small protocol with a record lookup for the planner and report tests."""
import os.path as osp
import sys

from helpers import ROOT

sys.path.insert(0, osp.join(ROOT, 'tools'))
from bench.plan import Protocol, Run  # noqa: E402


def protocol(**overrides) -> Protocol:
    fields = dict(
        path='p.py',
        rows={
            'KD': dict(name='KD', config='kd.py'),
            'A + KD': dict(name='A + KD', config='a.py', host='KD'),
            'B + A': dict(name='B + A', config='b.py', host='A + KD'),
        },
        tuning={
            'KD': [{}, {'tau': 1}, {'tau': 8}],
            'A + KD': [{}, {'w': 2}],
        },
        ablations={
            'A': dict(row='A + KD', variants=[
                dict(name='no x', options={'x': 0}),
                dict(name='host', row='KD', options={'y': 1}),
            ])
        },
        seeds=dict(tune=[0, 1], ablation=[0, 1, 2], final=[0, 1, 2, 3, 4]),
        student_epochs=8,
        train_subset=100,
        heldout=(50, 60))
    fields.update(overrides)
    p = Protocol(**fields)
    p.check()
    return p


class Records:
    """A record lookup from {(row, variant, seed): top1 or 'nan'}."""

    def __init__(self, values):
        self.values = values

    def __call__(self, run: Run):
        value = self.values.get((run.row, run.variant, run.seed))
        if value is None:
            return None
        common = dict(seed=run.seed, row=run.row, split=run.split)
        if value == 'nan':
            return dict(common, top1=None, diverged='loss = nan')
        return dict(common, top1=value, diverged=None)
