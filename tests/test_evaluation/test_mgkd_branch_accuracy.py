"""MGKDBranchAccuracy on hand-made predictions."""
import pytest
import torch

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmrazor.registry import METRICS
from mmrazor_unified.evaluation.mgkd_branch_accuracy import branch_records


def _sample(gt, teacher, branches, num_classes=3):
    """A prediction dict as the evaluator hands it over (to_dict())."""

    def onehot(i):
        return torch.nn.functional.one_hot(torch.tensor(i),
                                           num_classes).float()

    return dict(
        gt_label=torch.tensor([gt]),
        pred_score=onehot(teacher),
        pred_label=torch.tensor([teacher]),
        branch_scores=torch.stack([onehot(b) for b in branches]))


def test_top1_and_agreement():
    metric = METRICS.build(dict(type='MGKDBranchAccuracy'))
    # gt, teacher, (branch 0, branch 1)
    samples = [
        _sample(0, 0, (0, 1)),
        _sample(1, 1, (1, 1)),
        _sample(2, 1, (1, 2)),
        _sample(2, 2, (0, 2)),
    ]
    metric.process(None, samples[:2])
    metric.process(None, samples[2:])
    results = metric.evaluate(4)
    assert results == pytest.approx({
        'teacher/top1': 75.,
        'teacher/majority': 50.,  # the teacher predicts class 1 twice
        'b0/top1': 50.,
        'b0/agreement': 75.,
        'b1/top1': 75.,
        'b1/agreement': 50.,
        'agreement': 62.5,
    })
    branches = [
        dict(code_dim=8, tau=2., weight=1.),
        dict(code_dim=32, tau=8., weight=.5)
    ]
    assert branch_records(results, branches) == [
        dict(code_dim=8, tau=2., top1=50., agreement=75.),
        dict(code_dim=32, tau=8., top1=75., agreement=50.),
    ]
    with pytest.raises(KeyError, match='No `b2/agreement`'):
        branch_records(results, branches + [dict(code_dim=1, tau=1.)])


def test_prefix():
    metric = METRICS.build(dict(type='MGKDBranchAccuracy', prefix='mgkd'))
    metric.process(None, [_sample(0, 0, (0, ))])
    assert metric.evaluate(1) == {
        'mgkd/teacher/top1': 100.,
        'mgkd/teacher/majority': 100.,
        'mgkd/b0/top1': 100.,
        'mgkd/b0/agreement': 100.,
        'mgkd/agreement': 100.
    }


def test_without_labels_only_agreement():
    metric = METRICS.build(dict(type='MGKDBranchAccuracy'))
    sample = _sample(0, 1, (1, 0))
    del sample['gt_label']
    metric.process(None, [sample])
    assert metric.evaluate(1) == {
        'teacher/majority': 100.,
        'b0/agreement': 100.,
        'b1/agreement': 0.,
        'agreement': 50.
    }


def test_needs_branch_scores():
    metric = METRICS.build(dict(type='MGKDBranchAccuracy'))
    sample = _sample(0, 0, (0, ))
    del sample['branch_scores']
    with pytest.raises(KeyError, match='branch_scores'):
        metric.process(None, [sample])
