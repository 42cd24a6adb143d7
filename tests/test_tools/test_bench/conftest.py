"""``tools/`` on the path (``bench`` is the benchmark's package), and a
small protocol with a record lookup for the planner and report tests."""
import os.path as osp
import sys

from helpers import ROOT

sys.path.insert(0, osp.join(ROOT, 'tools'))
from bench.plan import Protocol, Run  # noqa: E402
from bench.task import (CLASSIFICATION, Metric, Output,  # noqa: E402
                        classification_options)

# the classification score (top-1 in %, 10 % chance)
TOP1 = CLASSIFICATION
# the detection protocol's score: COCO box mAP in points, an extra AP50
BOX_MAP = Metric(
    log_key='coco/bbox_mAP',
    field='box_mAP',
    scale=100,
    label='box mAP',
    chance=0.0,
    extra={'box_AP50': 'coco/bbox_mAP_50'},
    extra_labels={'box_AP50': 'AP50'})
# outputs of the test protocol: no README blocks, no metafiles
OUTPUT = Output(name='bench_test', cost_reference='KD', cost_batch_size=8)


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
        options=classification_options(
            student_epochs=8, train_subset=100, heldout=(50, 60)),
        output=OUTPUT)
    fields.update(overrides)
    p = Protocol(**fields)
    p.check()
    return p


class Records:
    """A record lookup from {(row, variant, seed): score or 'nan'}; the
    score (and any extra field, at half of it) under ``metric``'s fields."""

    def __init__(self, values, metric: Metric = TOP1):
        self.values = values
        self.metric = metric

    def __call__(self, run: Run):
        value = self.values.get((run.row, run.variant, run.seed))
        if value is None:
            return None
        common = dict(seed=run.seed, row=run.row, split=run.split,
                      options=dict(run.options))
        if value == 'nan':
            return dict(common, **self.metric.none(), diverged='loss = nan')
        extra = {name: value / 2 for name in self.metric.extra}
        return dict(
            common, **{self.metric.field: value}, **extra, diverged=None)
