"""Every shipped UniKD config builds and computes its losses."""
import glob
import os.path as osp

import pytest
import torch
from helpers import ROOT
from mmengine.config import Config
from mmpretrain.structures import DataSample
from mmrazor.registry import HOOKS, MODELS

CONFIGS = sorted(glob.glob(osp.join(ROOT, 'configs', 'unikd', '*.py')))
# input shape by data set, from the config name
SHAPES = {
    'fashion-mnist': (2, 1, 28, 28),
    'cifar100': (2, 3, 32, 32),
    'in1k': (2, 3, 224, 224)
}


def test_config_set_covers_the_pairs():
    names = {osp.basename(p) for p in CONFIGS}
    assert {
        'unikd_dkd_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py',
        'unikd_kd_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py',
        'unikd_dkd_resnet50_resnet18_8xb16_cifar100.py',
        'unikd_dkd_resnet34_resnet18_8xb32_in1k.py',
        'unikd_dkd_resnet50_mobilenet-v2_8xb32_in1k.py',
    } == names


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_builds_and_computes_losses(path):
    cfg = Config.fromfile(path)
    cfg.model.teacher_ckpt = None  # the weights are irrelevant here
    model = MODELS.build(cfg.model)
    shape = next(v for k, v in SHAPES.items() if k in path)
    samples = [DataSample().set_gt_label(i) for i in range(shape[0])]
    losses = model(torch.randn(shape), samples, mode='loss')
    assert set(losses) == {
        'student.loss', 'distill.loss_unikd', 'distill.loss_logits'
    }
    assert all(torch.isfinite(v) for v in losses.values())
    # the student head (after the fusion connector) and the teacher head
    # classify into the models' classes
    num_classes = model.student.head.num_classes
    assert model.distiller.connectors.s_unikd[1].num_classes == num_classes
    assert model.distiller.connectors.t_unikd[0].num_classes == num_classes
    for hook in cfg.get('custom_hooks', []):
        HOOKS.build(hook)


def test_recorder_source_that_names_no_module_fails_at_build():
    path = next(p for p in CONFIGS if 'unikd_dkd' in p and 'fashion' in p)
    cfg = Config.fromfile(path)
    cfg.model.teacher_ckpt = None
    cfg.model.distiller.student_recorders.stages.sources = [
        'backbone.layer3', 'backbone.layer9'
    ]
    with pytest.raises(ValueError, match='backbone.layer9'):
        MODELS.build(cfg.model)
