"""UniKD-Det's configs: the method base, the COCO recipe and the README's
own-detectors snippet build, read their sizes from the detectors and train.

The COCO config is untrained here (no COCO, no GPU): it is built as the
runner builds it, from a user's config that inherits it by package path,
and takes one training step on a synthetic image."""
import glob
import os.path as osp

import pytest
import torch
from config_runs import package_child
from helpers import ROOT, dict_scopes, readme_snippet
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import MODELS, DefaultScope

UNIKD = osp.join(ROOT, 'configs', 'unikd')
BASE = osp.join(UNIKD, '_base_', 'unikd_det_distiller.py')
COCO = 'unikd/unikd_rcnn_faster-rcnn_r101_faster-rcnn_r18_4xb2-180k_coco.py'
PAIR = ('unikd/unikd_rcnn_faster-rcnn_r34-w16_faster-rcnn_r18-w8_1xb8-3e_'
        'fashion-mnist-det.py')
README = osp.join(UNIKD, 'README.md')
SNIPPET = 'unikd-det-own-detectors'


def test_detection_configs_found():
    found = glob.glob(osp.join(UNIKD, 'unikd_rcnn_*.py'))
    assert sorted(osp.relpath(p, osp.dirname(UNIKD))
                  for p in found) == sorted([COCO, PAIR])


def test_coco_config_mirrors_the_authors_recipe():
    cfg = Config.fromfile(osp.join(ROOT, 'configs', COCO))
    model = cfg.model
    assert model.type == 'StudentRoIsDistill'
    # Faster R-CNN FPN R-101 -> R-18
    assert model.teacher.cfg_path == (
        'mmdet::faster_rcnn/faster-rcnn_r101_fpn_ms-3x_coco.py')
    assert model.architecture.backbone.depth == 18
    assert model.architecture.neck.in_channels == [64, 128, 256, 512]
    # 180k iterations of batch 8 (4 GPUs x 2, from the name), lr 0.01,
    # steps at 120k and 160k
    assert '_4xb2-180k_' in COCO and cfg.train_dataloader.batch_size == 2
    assert cfg.train_cfg.type == 'IterBasedTrainLoop'
    assert cfg.train_cfg.max_iters == 180000
    assert cfg.optim_wrapper.optimizer.lr == 0.01
    steps = cfg.param_scheduler[-1]
    assert steps.milestones == [120000, 160000] and steps.end == 180000
    assert not steps.by_epoch
    scales = cfg.train_pipeline[2].scales
    assert [s[1] for s in scales] == [640, 672, 704, 736, 768, 800]
    # DKD alpha 1, beta 0.25, T 1 and UniKD's authors' defaults
    losses = model.distiller.distill_losses
    assert (losses.loss_dkd.alpha, losses.loss_dkd.beta,
            losses.loss_dkd.tau) == (1.0, 0.25, 1.0)
    unikd = losses.loss_unikd
    assert (unikd.tau, unikd.loss_weight, unikd.consistency_weight) == (
        1.0, 1.0, 0.1)
    assert unikd.student_box_target == 'teacher'
    assert unikd.box_divergence == 'softmax_kl'
    # no size is written in the configs: the heads read them
    for name in ('s_roi_dist', 't_roi_dist'):
        assert set(model.distiller.connectors[name]) == {'type'}


@pytest.fixture(scope='module')
def coco_model(tmp_path_factory):
    """The COCO config, inherited by package path, built as the runner
    builds it (random teacher: its checkpoint is a download)."""
    folder = str(tmp_path_factory.mktemp('project'))
    cfg = Config.fromfile(package_child(COCO, folder))
    cfg.model.teacher_ckpt = None
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        model = MODELS.build(cfg.model)
        optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    return model, optim_wrapper


def test_coco_config_reads_its_sizes_from_the_detectors(coco_model):
    model, _ = coco_model
    assert model.student.backbone.depth == 18
    assert model.teacher.backbone.depth == 101
    for name in ('s_roi_dist', 't_roi_dist'):
        head = model.distiller.connectors[name]
        # 256 RoI channels, 80 COCO classes + background, 4 x 80 deltas
        assert (head.in_channels, head.cls_dims, head.box_dims) == (256, 81,
                                                                     320)


def test_coco_config_takes_a_training_step(coco_model):
    from mmdet.testing import demo_mm_inputs
    model, optim_wrapper = coco_model
    # 64 sampled RoIs instead of 512 keep the step to a second on a CPU
    model.student.roi_head.bbox_sampler.num = 64
    torch.manual_seed(0)
    data = demo_mm_inputs(1, [(3, 64, 64)], num_items=[3], num_classes=80)
    teacher = [p.detach().clone() for p in model.teacher.parameters()]
    heads = [
        p.detach().clone()
        for p in model.distiller.connectors.parameters()
    ]
    model.train()
    log_vars = model.train_step(data, optim_wrapper)
    assert {'distill.loss_dkd', 'distill.loss_unikd'} <= set(log_vars)
    assert all(torch.isfinite(torch.as_tensor(v)) for v in log_vars.values())
    assert all(
        torch.equal(a, b) for a, b in zip(teacher, model.teacher.parameters()))
    assert not any(
        torch.equal(a, b)
        for a, b in zip(heads, model.distiller.connectors.parameters()))
    rois = model.distiller.student_recorders.get_recorder(
        'rois').get_record_data(0, 1)
    assert rois.shape == (64, 5)


def test_readme_own_detectors_snippet_builds(tmp_path):
    code = readme_snippet(README, SNIPPET)
    assert 'mmrazor_unified::unikd/_base_/unikd_det_distiller.py' in code
    path = tmp_path / 'my_unikd_det.py'
    path.write_text(code)
    cfg = Config.fromfile(str(path))
    cfg.model.teacher_ckpt = None  # the user's trained teacher
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        model = MODELS.build(cfg.model)
    assert model.teacher.roi_head.bbox_head.num_classes == 10
    for name in ('s_roi_dist', 't_roi_dist'):
        head = model.distiller.connectors[name]
        assert (head.in_channels, head.cls_dims, head.box_dims) == (256, 11,
                                                                     40)


@pytest.mark.parametrize(
    'config', [COCO, 'unikd/_base_/unikd_det_distiller.py'])
def test_package_path_child_keeps_mmrazor_scope(config, tmp_path):
    """Inherited by package path, no dict of the model gets MMEngine's
    ``mmrazor_unified`` scope stamp (our modules are in MMRazor's
    registries)."""
    model = Config.fromfile(package_child(config, str(tmp_path))).model
    stamped = [
        p for p, scope in dict_scopes(model.to_dict())
        if scope == 'mmrazor_unified'
    ]
    assert stamped == []
