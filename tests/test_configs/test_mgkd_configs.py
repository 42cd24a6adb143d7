"""Every MGKD config builds its model, and the stage-3 ones compute losses."""
import glob
import os.path as osp

import pytest
import torch
from helpers import ROOT
from mmengine.config import Config
from mmengine.hub import get_model
from mmengine.registry import HOOKS

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmpretrain.structures import DataSample
from mmrazor.registry import MODELS
from mmrazor_unified.models.heads import MGKDAnalyser

MGKD = osp.join(ROOT, 'configs', 'mgkd')
FM = 'resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k'
C100 = 'resnet50_resnet18_8xb16_cifar100'
# data set -> (teacher pooled channels, classes, input shape)
DATA = {FM: (128, 10, (2, 1, 28, 28)), C100: (2048, 100, (2, 3, 32, 32))}
HOST_LOSSES = {
    'kd': set(),
    'dkd': {'distill.loss_dkd'},
    'fitnets': {'distill.loss_s3'},
    'unikd': {'distill.loss_unikd'},
}
# (host, data) of every shipped stage-3 config
STAGE3 = [(h, d) for h in ('kd', 'dkd', 'fitnets') for d in DATA]
STAGE3 += [('unikd', FM), ('unikd', C100)]


def _stage3(host, data):
    return osp.join(MGKD, f'mgkd_{host}_{data}.py')


def test_config_set_is_complete():
    names = {osp.basename(p) for p in glob.glob(osp.join(MGKD, '*.py'))}
    assert names == {
        'mgkd_analyser_resnet18-w16_1xb128_fashion-mnist.py',
        'mgkd_analyser_resnet50_1xb64_cifar100.py',
        *(osp.basename(_stage3(h, d)) for h, d in STAGE3)
    }


@pytest.mark.parametrize('host, data', STAGE3)
def test_stage3_config_builds_and_computes_losses(host, data, tmp_path):
    channels, classes, shape = DATA[data]
    cfg = Config.fromfile(_stage3(host, data))
    torch.manual_seed(0)
    analyser = MGKDAnalyser(channels, classes, cfg.mgkd_branches)
    ckpt = str(tmp_path / 'analyser.pth')
    torch.save({
        f'analyser.{k}': v
        for k, v in analyser.state_dict().items()
    }, ckpt)
    cfg.model.teacher_ckpt = None
    cfg.model.distiller.connectors.mgkd_analyser.checkpoint = ckpt
    model = MODELS.build(cfg.model)

    samples = [DataSample().set_gt_label(i) for i in range(shape[0])]
    losses = model(torch.randn(shape), samples, mode='loss')
    assert set(losses) == {
        'student.loss', 'distill.loss_mgkd_granularity', 'distill.loss_mgkd_kd'
    } | HOST_LOSSES[host]
    assert all(torch.isfinite(v) for v in losses.values())

    kd_loss = model.distiller.distill_losses.loss_mgkd_kd
    assert kd_loss.stable and kd_loss.tau == 4.0
    student_ce = model.student.head.loss_module.loss_weight
    # reference weights: KD host ce 0.2 / div 0.8, other hosts 1 / 1
    assert (student_ce, kd_loss.loss_weight) == ((0.2,
                                                  0.8) if host == 'kd' else
                                                 (1.0, 1.0))
    for hook in cfg.get('custom_hooks', []):
        HOOKS.build(hook)


@pytest.mark.parametrize('config, teacher_cfg', [
    ('mgkd_analyser_resnet18-w16_1xb128_fashion-mnist.py',
     'mmrazor_unified::fashion_mnist/resnet18-w16_1xb128_fashion-mnist.py'),
    ('mgkd_analyser_resnet50_1xb64_cifar100.py',
     'mmpretrain::resnet/resnet50_8xb16_cifar100.py'),
])
def test_stage2_config_builds(config, teacher_cfg, tmp_path):
    cfg = Config.fromfile(osp.join(MGKD, config))
    assert cfg.model.architecture.cfg_path == teacher_cfg
    assert cfg.val_evaluator == dict(type='mmrazor.MGKDBranchAccuracy')
    assert cfg.optim_wrapper.optimizer == dict(
        type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4)
    teacher = get_model(teacher_cfg)
    ckpt = str(tmp_path / 'teacher.pth')
    torch.save(teacher.state_dict(), ckpt)
    cfg.model.teacher_ckpt = ckpt
    model = MODELS.build(cfg.model)
    assert model.analyser.code_dims.tolist() == [64, 256]
    assert model.analyser.in_channels == teacher.head.in_channels


def test_cifar100_schedule_of_the_reference():
    cfg = Config.fromfile(
        osp.join(MGKD, 'mgkd_analyser_resnet50_1xb64_cifar100.py'))
    assert cfg.train_dataloader.batch_size == 64
    assert cfg.train_cfg.max_epochs == 60
    assert cfg.param_scheduler.milestones == [30, 45]
    assert cfg.param_scheduler.gamma == 0.1


@pytest.mark.parametrize('name, depth', [('resnet18', 18), ('resnet50', 50)])
def test_cifar100_models_build_through_cfg_path(name, depth):
    model = get_model(f'mmrazor_unified::cifar100/{name}_8xb16_cifar100.py')
    assert model.backbone.depth == depth
    assert model.head.num_classes == 100
