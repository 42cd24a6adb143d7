"""StudentRoIsDistill with UniKD-Det's distiller on tiny Faster R-CNNs."""
import copy
import os.path as osp

import pytest
import torch
from det_helpers import det_batch, tiny_faster_rcnn, tiny_retinanet
from helpers import ROOT
from mmengine.config import Config
from mmengine.optim import OptimWrapper

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmrazor.registry import MODELS
from mmrazor_unified.models.heads import RoIGaussians

BASE = osp.join(ROOT, 'configs', 'unikd', '_base_', 'unikd_det_distiller.py')
NUM_CLASSES, ROIS_PER_IMAGE, IMAGES = 3, 16, 2
_DISTILLER = Config.fromfile(BASE).model.to_dict()


def _cfg(**overrides):
    """The shipped UniKD-Det algorithm on a tiny student (ResNet-18 width 8,
    16-channel FPN) and a wider tiny teacher (width 16, 24-channel FPN)."""
    cfg = copy.deepcopy(_DISTILLER)
    cfg.update(
        architecture=tiny_faster_rcnn(8, 16, NUM_CLASSES),
        teacher=tiny_faster_rcnn(16, 24, NUM_CLASSES),
        teacher_ckpt=None)
    # the teacher's RoIs too, to compare with the student's
    cfg['distiller']['teacher_recorders']['rois'] = dict(
        type='ModuleInputs', source='roi_head.bbox_roi_extractor')
    cfg.update(overrides)
    return cfg


def _record(model, side, name, data_idx=None):
    manager = getattr(model.distiller, f'{side}_recorders')
    return manager.get_recorder(name).get_record_data(0, data_idx)


@pytest.fixture(scope='module')
def stepped():
    """A model, its weights before, and the log of one training step."""
    torch.manual_seed(0)
    model = MODELS.build(_cfg())
    model.train()
    before = {
        name: param.detach().clone()
        for name, param in model.named_parameters()
    }
    optim_wrapper = OptimWrapper(
        torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9))
    log_vars = model.train_step(det_batch(IMAGES), optim_wrapper)
    return model, before, log_vars


def _changed(model, before, prefix):
    return {
        name
        for name, param in model.named_parameters()
        if name.startswith(prefix) and not torch.equal(param, before[name])
    }


def test_step_logs_detector_and_distillation_losses(stepped):
    _, _, log_vars = stepped
    assert {'student.loss_rpn_cls', 'student.loss_cls', 'student.loss_bbox',
            'distill.loss_dkd', 'distill.loss_unikd'} <= set(log_vars)
    assert {f'stats.unikd.{k}' for k in (
        'feature_cls', 'feature_box', 'consistency_s', 'consistency_t',
        's_log_var', 't_log_var')} <= set(log_vars)
    assert all(torch.isfinite(torch.as_tensor(v)) for v in log_vars.values())
    assert log_vars['distill.loss_unikd'] > 0
    assert log_vars['distill.loss_dkd'] > 0


def test_step_updates_student_and_both_heads_never_the_teacher(stepped):
    model, before, _ = stepped
    for part in ('architecture.backbone.layer4', 'architecture.neck',
                 'architecture.rpn_head', 'architecture.roi_head.bbox_head'):
        assert _changed(model, before, part), part
    for head in ('s_roi_dist', 't_roi_dist'):
        for dist in ('cls_dist', 'box_dist'):
            prefix = f'distiller.connectors.{head}.{dist}'
            assert len(_changed(model, before, prefix)) == 4, prefix
    assert not _changed(model, before, 'teacher.')
    assert all(not p.requires_grad and p.grad is None
               for p in model.teacher.parameters())


def test_teacher_box_head_runs_on_the_students_sampled_rois(stepped):
    model, _, _ = stepped
    s_rois = _record(model, 'student', 'rois', 1)
    t_rois = _record(model, 'teacher', 'rois', 1)
    assert s_rois.shape == (IMAGES * ROIS_PER_IMAGE, 5)
    assert torch.equal(t_rois, s_rois)
    assert torch.equal(model.student_rois(), s_rois)
    # the teacher pooled them from its own FPN maps of the same batch (its
    # extractor reads P2-P5) and its box head predicted on them, no grad
    assert len(_record(model, 'teacher', 'rois', 0)) == 4
    t_feats = _record(model, 'teacher', 'roi_feats', 0)
    t_cls, t_box = _record(model, 'teacher', 'roi_preds')
    assert t_feats.shape == (len(s_rois), 24, 7, 7)
    assert not t_cls.requires_grad and not t_box.requires_grad
    inputs = model.data_preprocessor(det_batch(IMAGES), True)['inputs']
    with torch.no_grad():
        t_maps = model.teacher.extract_feat(inputs)
        pooled = model.teacher.roi_head.bbox_roi_extractor(t_maps[:4], s_rois)
        cls_score, bbox_pred = model.teacher.roi_head.bbox_head(pooled)
    assert torch.allclose(pooled, t_feats)
    assert torch.allclose(cls_score, t_cls)
    assert torch.allclose(bbox_pred, t_box)


def test_recorded_shapes_and_labels(stepped):
    model, _, _ = stepped
    num_rois = IMAGES * ROIS_PER_IMAGE
    for side in ('student', 'teacher'):
        cls_score, bbox_pred = _record(model, side, 'roi_preds')
        assert cls_score.shape == (num_rois, NUM_CLASSES + 1)
        assert bbox_pred.shape == (num_rois, 4 * NUM_CLASSES)
    assert _record(model, 'student', 'roi_feats', 0).shape == (num_rois, 16,
                                                               7, 7)
    # DKD's labels: the sampled RoIs' targets, background = num_classes
    labels = _record(model, 'student', 'roi_labels', 1)
    assert labels.shape == (num_rois, )
    assert labels.min() >= 0 and labels.max() == NUM_CLASSES
    assert (labels < NUM_CLASSES).any()  # the gt boxes are sampled too
    s_head = model.distiller.connectors['s_roi_dist']
    t_head = model.distiller.connectors['t_roi_dist']
    assert (s_head.in_channels, t_head.in_channels) == (16, 24)
    for head in (s_head, t_head):
        assert (head.cls_dims, head.box_dims) == (NUM_CLASSES + 1,
                                                  4 * NUM_CLASSES)
        dist = head(torch.randn(5, head.in_channels, 7, 7))
        assert isinstance(dist, RoIGaussians)
        assert dist.cls.sample.shape == (5, NUM_CLASSES + 1)
        assert dist.box.sample.shape == (5, 4 * NUM_CLASSES)


def test_predict_is_the_students():
    torch.manual_seed(0)
    model = MODELS.build(_cfg())
    model.eval()
    data = model.data_preprocessor(det_batch(1), False)
    with torch.no_grad():
        ours = model(**data, mode='predict')
        student = model.student(**data, mode='predict')
    assert torch.equal(ours[0].pred_instances.bboxes,
                       student[0].pred_instances.bboxes)


def test_checkpoint_round_trip_with_heads_sized_at_build(stepped):
    model, _, _ = stepped
    state = model.state_dict()
    assert 'distiller.connectors.t_roi_dist.box_dist.mean_fc.weight' in state
    fresh = MODELS.build(_cfg())
    fresh.load_state_dict(state, strict=True)
    for name, param in fresh.named_parameters():
        assert torch.equal(param, state[name]), name


def test_class_agnostic_regression_sizes_the_box_gaussian():
    cfg = _cfg(
        architecture=tiny_faster_rcnn(
            8, 16, NUM_CLASSES, reg_class_agnostic=True),
        teacher=tiny_faster_rcnn(
            16, 24, NUM_CLASSES, reg_class_agnostic=True))
    model = MODELS.build(cfg)
    for name in ('s_roi_dist', 't_roi_dist'):
        assert model.distiller.connectors[name].box_dims == 4
    model.train()
    data = model.data_preprocessor(det_batch(1), True)
    losses = model(**data, mode='loss')
    assert torch.isfinite(losses['distill.loss_unikd'])


def _feed_both_sides(cfg):
    mapping = cfg['distiller']['loss_forward_mappings']['loss_unikd']
    mapping['t_dist']['connector'] = 's_roi_dist'
    return cfg


def _connector(cfg, name, **sizes):
    cfg['distiller']['connectors'][name].update(sizes)
    return cfg


@pytest.mark.parametrize(
    'cfg, match',
    [
        # a head's size set against its detector's
        (lambda: _connector(_cfg(), 's_roi_dist', num_classes=80),
         r'connectors\.s_roi_dist.*`num_classes` is 80 .* has 3 '
         r'\(`model\.architecture\.roi_head\.bbox_head\.num_classes`\)'),
        (lambda: _connector(_cfg(), 't_roi_dist', in_channels=16),
         r'connectors\.t_roi_dist.*`in_channels` is 16 .* has 24 '
         r'\(`model\.teacher\.roi_head\.bbox_head\.in_channels`\)'),
        (lambda: _connector(_cfg(), 's_roi_dist', reg_class_agnostic=True),
         r'`reg_class_agnostic` is True .* has False'),
        # the two detectors
        (lambda: _cfg(teacher=tiny_faster_rcnn(16, 24, 5)),
         r'`model\.teacher\.roi_head\.bbox_head\.num_classes` is 5 but '
         r'`model\.architecture\.roi_head\.bbox_head\.num_classes` is 3'),
        (lambda: _cfg(teacher=tiny_faster_rcnn(
            16, 24, NUM_CLASSES, reg_class_agnostic=True)),
         r'`model\.teacher\.roi_head\.bbox_head\.reg_class_agnostic` is '
         r'True but .* is False'),
        (lambda: _cfg(teacher=tiny_retinanet(16, 24, NUM_CLASSES)),
         r'`model\.teacher` \(RetinaNet\) has no roi_head.*'
         r'`model\.teacher\.roi_head`'),
        # the algorithm's own keys
        (lambda: _cfg(rois_recorder='proposals'),
         r"`model\.rois_recorder` is 'proposals'.*no such recorder"),
        (lambda: _cfg(teacher_trainable=True),
         r'`model\.teacher_trainable=True` is not supported'),
        (lambda: _feed_both_sides(_cfg()),
         r'`model\.distiller\.connectors\.s_roi_dist` reads the sizes .*'
         r'exactly one side .*found \[False, True\]'),
    ],
    ids=[
        'head-num-classes', 'head-channels', 'head-agnostic',
        'teacher-num-classes', 'teacher-agnostic', 'teacher-one-stage',
        'rois-recorder', 'teacher-trainable', 'head-fed-by-both'
    ])
def test_bad_config_fails_at_build_naming_the_key(cfg, match):
    with pytest.raises(ValueError, match=match):
        MODELS.build(cfg())


def test_rois_recorder_on_another_module_fails_at_the_first_step():
    cfg = _cfg()
    cfg['distiller']['student_recorders']['rois']['source'] = (
        'roi_head.bbox_head')
    model = MODELS.build(cfg)
    model.train()
    data = model.data_preprocessor(det_batch(1), True)
    with pytest.raises(ValueError, match=r'`model\.rois_recorder` .*rois'):
        model(**data, mode='loss')
