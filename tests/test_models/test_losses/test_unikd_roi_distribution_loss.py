"""Tests of UniKDRoIDistributionLoss (UniKD-Det's distribution terms)."""
import pytest
import torch
import torch.nn.functional as F

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmrazor.registry import MODELS
from mmrazor_unified.models.heads import GaussianLogits, RoIGaussians
from mmrazor_unified.models.losses import UniKDRoIDistributionLoss

R, CLS, BOX = 6, 4, 12  # RoIs, K + 1 class logits, 4 K deltas


def _dist(requires_grad=False):
    parts = []
    for dims in (CLS, BOX):
        sample, mean, log_var = (
            torch.randn(R, dims, requires_grad=requires_grad)
            for _ in range(3))
        parts.append(GaussianLogits(sample, mean, log_var))
    return RoIGaussians(*parts)


def _inputs(requires_grad=False):
    torch.manual_seed(0)
    return dict(
        s_dist=_dist(requires_grad),
        t_dist=_dist(requires_grad),
        s_cls_score=torch.randn(R, CLS, requires_grad=requires_grad),
        s_bbox_pred=torch.randn(R, BOX, requires_grad=requires_grad),
        t_cls_score=torch.randn(R, CLS),
        t_bbox_pred=torch.randn(R, BOX))


def authors_kd(student, teacher, t):
    """``kd_loss`` of the authors' detection/model/rcnn.py, re-derived."""
    log_p = F.log_softmax(student / t, dim=1)
    q = F.softmax(teacher / t, dim=1)
    return F.kl_div(log_p, q, reduction='none').sum(1).mean() * t**2


def test_default_is_the_authors_loss():
    x = _inputs()
    s, t = x['s_dist'], x['t_dist']
    loss = MODELS.build(dict(type='UniKDRoIDistributionLoss'))(**x)
    feature = (authors_kd(s.cls.sample, t.cls.sample, 1) +
               authors_kd(s.box.sample, t.box.sample, 1))
    # their slip kept: the student's box samples vs the teacher's deltas
    supp = 0.1 * (authors_kd(s.cls.sample, x['s_cls_score'], 1) +
                  authors_kd(s.box.sample, x['t_bbox_pred'], 1)) + 0.1 * (
                      authors_kd(t.cls.sample, x['t_cls_score'], 1) +
                      authors_kd(t.box.sample, x['t_bbox_pred'], 1))
    assert torch.allclose(loss, feature + supp)


def test_student_box_target_student_ties_its_own_deltas():
    x = _inputs()
    default = UniKDRoIDistributionLoss()(**x)
    own = UniKDRoIDistributionLoss(student_box_target='student')(**x)
    s_box = x['s_dist'].box.sample
    assert torch.allclose(
        own - default, 0.1 * (authors_kd(s_box, x['s_bbox_pred'], 1) -
                              authors_kd(s_box, x['t_bbox_pred'], 1)))


def test_box_divergence_mse_replaces_the_softmax_over_deltas():
    x = _inputs()
    s, t = x['s_dist'], x['t_dist']
    loss = UniKDRoIDistributionLoss(
        tau=2.0,
        loss_weight=0.5,
        consistency_weight=0.2,
        box_divergence='mse',
        student_box_target='student')(**x)
    feature = (authors_kd(s.cls.sample, t.cls.sample, 2) +
               F.mse_loss(s.box.sample, t.box.sample))
    consistency = (authors_kd(s.cls.sample, x['s_cls_score'], 2) +
                   F.mse_loss(s.box.sample, x['s_bbox_pred']) +
                   authors_kd(t.cls.sample, x['t_cls_score'], 2) +
                   F.mse_loss(t.box.sample, x['t_bbox_pred']))
    assert torch.allclose(loss, 0.5 * feature + 0.2 * consistency)


def _grads(**kwargs):
    x = _inputs(requires_grad=True)
    UniKDRoIDistributionLoss(**kwargs)(**x).backward()
    return x


def _has_grad(tensor):
    return tensor.grad is not None and bool(tensor.grad.any())


def test_gradient_flow_is_the_authors_by_default():
    x = _grads(consistency_weight=0.)  # the feature term alone
    assert _has_grad(x['t_dist'].cls.sample)
    assert _has_grad(x['t_dist'].box.sample)
    x = _grads()
    assert _has_grad(x['s_cls_score'])
    assert not _has_grad(x['s_bbox_pred'])  # tied to the teacher's deltas
    assert _has_grad(_grads(student_box_target='student')['s_bbox_pred'])


def test_detach_switches():
    x = _grads(consistency_weight=0., detach_teacher_dist=True)
    assert not _has_grad(x['t_dist'].cls.sample)
    assert not _has_grad(x['t_dist'].box.sample)
    x = _grads(student_box_target='student', detach_student_outputs=True)
    assert not _has_grad(x['s_cls_score'])
    assert not _has_grad(x['s_bbox_pred'])


def test_stats_are_the_unweighted_terms():
    x = _inputs()
    loss_module = UniKDRoIDistributionLoss(
        loss_weight=2., consistency_weight=3.)
    loss = loss_module(**x)
    stats = loss_module.stats
    assert set(stats) == {'feature_cls', 'feature_box', 'consistency_s',
                          'consistency_t', 's_log_var', 't_log_var'}
    assert torch.allclose(
        loss, 2 * (stats['feature_cls'] + stats['feature_box']) + 3 *
        (stats['consistency_s'] + stats['consistency_t']))
    assert not any(v.requires_grad for v in stats.values())


def _first(dist, n):
    """The first ``n`` RoIs of a RoIGaussians."""
    return RoIGaussians(*(GaussianLogits(*(t[:n] for t in g)) for g in dist))


def test_no_rois_gives_a_zero_that_backpropagates():
    x = _inputs(requires_grad=True)
    empty = {
        k: _first(v, 0) if isinstance(v, RoIGaussians) else v[:0]
        for k, v in x.items()
    }
    loss = UniKDRoIDistributionLoss()(**empty)
    assert loss.item() == 0
    loss.backward()


@pytest.mark.parametrize('change, match', [
    (lambda x: x.update(s_cls_score=torch.randn(R, CLS + 1)),
     r'the cls dimensions differ: .*s_cls_score \(6, 5\)'),
    (lambda x: x.update(t_bbox_pred=torch.randn(R, 4)),
     r'the box dimensions differ: .*t_bbox_pred \(6, 4\)'),
    (lambda x: x.update(t_cls_score=torch.randn(R + 1, CLS)),
     r'same R RoIs, .*t_cls_score \(7, 4\)'),
])
def test_mismatched_inputs_fail_with_shapes(change, match):
    x = _inputs()
    change(x)
    with pytest.raises(ValueError, match=match):
        UniKDRoIDistributionLoss()(**x)


def test_plain_tensors_are_refused():
    x = _inputs()
    x['s_dist'] = x['s_dist'].cls.sample
    with pytest.raises(TypeError, match='`s_dist` must be the RoIGaussians'):
        UniKDRoIDistributionLoss()(**x)


@pytest.mark.parametrize('kwargs, match', [
    (dict(tau=0), '`tau` must be positive'),
    (dict(student_box_target='own'), '`student_box_target` must be one of'),
    (dict(box_divergence='l1'), '`box_divergence` must be one of'),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        UniKDRoIDistributionLoss(**kwargs)
