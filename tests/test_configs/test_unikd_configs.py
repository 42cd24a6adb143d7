"""Every shipped UniKD config builds, computes its losses and is faithful."""
import glob
import os.path as osp

import pytest
import torch
from helpers import ROOT, dict_scopes
from mmengine.config import Config
from mmpretrain.structures import DataSample
from mmrazor.registry import HOOKS, MODELS

UNIKD = osp.join(ROOT, 'configs', 'unikd')
# the classification configs; UniKD-Det's (unikd_rcnn_*) are tested in
# test_unikd_det_configs.py
CONFIGS = sorted(p for p in glob.glob(osp.join(UNIKD, '*.py'))
                 if not osp.basename(p).startswith('unikd_rcnn_'))
FM = 'resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py'
# input shape by data set, from the config name
SHAPES = {
    'fashion-mnist': (2, 1, 28, 28),
    'cifar100': (2, 3, 32, 32),
    'in1k': (2, 3, 224, 224)
}
# the host row's logit loss of each config
LOGIT_LOSS = {'unikd_kd_': 'loss_kl', 'unikd_dkd_': 'loss_dkd'}
# what UniKD adds to a host row's config, as paths into `model.distiller`
UNIKD_PARTS = [('student_recorders', 'stages'), ('teacher_recorders', 'stage'),
               ('connectors', 's_unikd'), ('connectors', 't_unikd'),
               ('distill_losses', 'loss_unikd'),
               ('loss_forward_mappings', 'loss_unikd')]


def _build(path):
    cfg = Config.fromfile(path)
    cfg.model.teacher_ckpt = None  # the weights are irrelevant here
    return cfg, MODELS.build(cfg.model)


def test_config_set_covers_the_pairs():
    names = {osp.basename(p) for p in CONFIGS}
    assert {
        f'unikd_dkd_{FM}',
        f'unikd_kd_{FM}',
        'unikd_dkd_resnet50_resnet18_1xb64_cifar100.py',
        'unikd_dkd_resnet34_resnet18_8xb32_in1k.py',
        'unikd_dkd_resnet50_mobilenet-v2_8xb32_in1k.py',
    } == names


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_builds_computes_losses_and_is_faithful(path):
    torch.manual_seed(0)
    cfg, model = _build(path)
    shape = next(v for k, v in SHAPES.items() if k in path)
    samples = [DataSample().set_gt_label(i) for i in range(shape[0])]
    losses = model(torch.randn(shape), samples, mode='loss')
    logit_loss = next(v for k, v in LOGIT_LOSS.items() if k in path)
    # the losses, and UniKD's diagnostics (logged, not summed)
    assert set(losses) == {
        'student.loss', 'distill.loss_unikd', f'distill.{logit_loss}'
    } | {
        f'stats.unikd.{k}'
        for k in ('feature', 'consistency_s', 'consistency_t', 's_log_var',
                  't_log_var')
    }
    assert all(torch.isfinite(v) for v in losses.values())

    distiller = model.distiller
    fusion, s_head = distiller.connectors['s_unikd']
    t_head = distiller.connectors['t_unikd'][0]
    # the heads classify into the models' classes
    num_classes = model.student.head.num_classes
    assert s_head.num_classes == t_head.num_classes == num_classes
    # the student stages fused into a map of exactly the teacher stage's
    # shape, which is recorded before the residual ReLU (negative values)
    stages = distiller.student_recorders.get_recorder(
        'stages').get_record_data()
    teacher_stage = distiller.teacher_recorders.get_recorder(
        'stage').get_record_data()
    assert fusion(stages).shape == teacher_stage.shape
    assert (teacher_stage < 0).any()
    sources = distiller.student_recorders.recorders['stages'].sources
    if 'fashion-mnist' in path:
        # the levels the benchmark's cost rule chose on this pair
        assert sources == ['backbone.layer3', 'backbone.layer4']
        assert not fusion.fuse_pooled
    else:
        # the authors' levels: every stage (MobileNetV2: from its first
        # stride-4 stage) plus the pooled vector
        assert sources[0] in ('backbone.layer1', 'backbone.layer2')
        assert fusion.fuse_pooled
    # the authors' gradient flow
    loss = distiller.distill_losses['loss_unikd']
    assert not loss.detach_teacher_dist and not loss.detach_student_logits
    for hook in cfg.get('custom_hooks', []):
        HOOKS.build(hook)


@pytest.mark.parametrize('host', ['kd', 'dkd'])
def test_fashion_mnist_unikd_row_is_its_host_row_plus_unikd(host):
    """UniKD + KD/DKD = the KD/DKD row's config + UniKD's parts, no more."""
    host_cfg = Config.fromfile(
        osp.join(ROOT, 'configs', host, f'{host}_logits_{FM}')).to_dict()
    cfg = Config.fromfile(osp.join(UNIKD, f'unikd_{host}_{FM}')).to_dict()
    distiller = cfg['model']['distiller']
    for section, name in UNIKD_PARTS:
        distiller[section].pop(name)
    assert distiller.pop('connectors') == {}  # the hosts have none
    # the variable-only bases' variables (unikd_*) are not settings
    for key in [k for k in cfg if k.startswith('unikd_')]:
        cfg.pop(key)
    assert cfg == host_cfg


def test_recorder_source_that_names_no_module_fails_at_build():
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs', 'unikd', f'unikd_dkd_{FM}'))
    cfg.model.teacher_ckpt = None
    cfg.model.distiller.student_recorders.stages.sources = [
        'backbone.layer3', 'backbone.layer9'
    ]
    with pytest.raises(ValueError, match='backbone.layer9'):
        MODELS.build(cfg.model)


@pytest.mark.parametrize(
    'path',
    CONFIGS + glob.glob(osp.join(UNIKD, 'ablation', '*.py')) +
    [osp.join(UNIKD, '_base_', 'unikd_distiller.py')],
    ids=lambda p: osp.relpath(p, UNIKD))
def test_package_path_child_keeps_mmrazor_scope(path, tmp_path):
    """Inherited by package path, no dict of the model gets MMEngine's
    ``mmrazor_unified`` scope stamp (our modules are in MMRazor's
    registries; e.g. a variable substituted by ``{{_base_.x}}`` would)."""
    child = tmp_path / 'child.py'
    child.write_text("_base_ = ['mmrazor_unified::unikd/"
                     f"{osp.relpath(path, UNIKD)}']\n")
    model = Config.fromfile(str(child)).model.to_dict()
    stamped = [
        p for p, scope in dict_scopes(model) if scope == 'mmrazor_unified'
    ]
    assert stamped == []
