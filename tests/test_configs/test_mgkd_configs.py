"""The MGKD configs: each stage-3 config is its host config plus MGKD's
parts and nothing else; every config builds, and the stage-3 ones train."""
import copy
import glob
import os.path as osp

import pytest
import torch
from helpers import ROOT
from mmengine.config import Config
from mmengine.hub import get_model
from mmengine.optim import OptimWrapper
from mmengine.registry import HOOKS

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmpretrain.structures import DataSample
from mmrazor.registry import MODELS
from mmrazor_unified.models.heads import MGKDAnalyser

MGKD = osp.join(ROOT, 'configs', 'mgkd')
FM = 'resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py'
C100 = 'resnet50_resnet18_8xb16_cifar100.py'
FM_ANALYSER = osp.join(MGKD,
                       'mgkd_analyser_resnet18-w16_1xb128_fashion-mnist.py')
C100_ANALYSER = osp.join(MGKD, 'mgkd_analyser_resnet50_1xb64_cifar100.py')
# MGKD config -> (host config, the host's logit loss whose `preds_T` is the
# stable target; None: stacked, the host keeps the teacher's logits)
ROWS = {
    f'mgkd_kd_{FM}': (f'../kd/kd_logits_{FM}', 'loss_kl'),
    f'mgkd_dkd_{FM}': (f'../dkd/dkd_logits_{FM}', 'loss_dkd'),
    f'mgkd_fitnets_{FM}': (f'../fitnets/fitnets_kd_{FM}', 'loss_kl'),
    f'mgkd_unikd_{FM}': (f'../unikd/unikd_kd_{FM}', 'loss_kl'),
    f'mgkd-stack_kd_{FM}': (f'../kd/kd_logits_{FM}', None),
    f'mgkd-stack_unikd_{FM}': (f'../unikd/unikd_kd_{FM}', None),
    f'mgkd_kd_{C100}': ('_base_/kd_resnet50_resnet18_cifar100.py', 'loss_kl'),
    f'mgkd_dkd_{C100}':
    ('_base_/dkd_resnet50_resnet18_cifar100.py', 'loss_dkd'),
    f'mgkd_fitnets_{C100}':
    ('_base_/fitnets_kd_resnet50_resnet18_cifar100.py', 'loss_kl'),
    'mgkd_unikd_resnet50_resnet18_1xb64_cifar100.py':
    ('../unikd/unikd_dkd_resnet50_resnet18_1xb64_cifar100.py', 'loss_dkd'),
}
STABLE_TARGET = dict(
    from_student=False,
    recorder='mgkd_pooled_logits',
    connector='mgkd_analyser',
    connector_idx=0)


def _load(name):
    return Config.fromfile(osp.join(MGKD, name))


def test_config_set_is_complete():
    names = {osp.basename(p) for p in glob.glob(osp.join(MGKD, '*.py'))}
    assert names == {osp.basename(FM_ANALYSER),
                     osp.basename(C100_ANALYSER)} | set(ROWS)


def _without_mgkd(cfg: dict, host: dict, host_loss) -> dict:
    """``cfg`` less MGKD's parts, with the host loss's ``preds_T`` back."""
    cfg = copy.deepcopy(cfg)
    extra = set(cfg) - set(host)
    assert all(k.startswith('mgkd_') or k == 'analyser_ckpt'
               for k in extra), extra  # variables of MGKD's bases only
    for key in extra:
        del cfg[key]
    distiller = cfg['model']['distiller']
    host_distiller = host['model']['distiller']
    for section, prefix in (('student_recorders',
                             'mgkd_'), ('teacher_recorders', 'mgkd_'),
                            ('connectors', 'mgkd_'), ('distill_losses',
                                                      'loss_mgkd_'),
                            ('loss_forward_mappings', 'loss_mgkd_')):
        distiller[section] = {
            k: v
            for k, v in distiller[section].items() if not k.startswith(prefix)
        }
        if not distiller[section] and section not in host_distiller:
            del distiller[section]
    if host_loss is not None:
        mapping = distiller['loss_forward_mappings'][host_loss]
        assert mapping['preds_T'] == STABLE_TARGET
        mapping['preds_T'] = host_distiller['loss_forward_mappings'][
            host_loss]['preds_T']
    return cfg


@pytest.mark.parametrize('name', ROWS)
def test_mgkd_config_is_its_host_plus_mgkd_only(name):
    host_path, host_loss = ROWS[name]
    host = Config.fromfile(osp.normpath(osp.join(MGKD, host_path))).to_dict()
    mgkd = _load(name).to_dict()
    # same CE and logit weights, connectors, hooks, schedule, data, models
    assert _without_mgkd(mgkd, host, host_loss) == host
    distiller = mgkd['model']['distiller']
    assert {k
            for k in distiller['distill_losses']
            if 'mgkd' in k} == ({'loss_mgkd_granularity'} if host_loss else
                                {'loss_mgkd_granularity', 'loss_mgkd_kd'})


def _analyser_ckpt(tmp_path, name):
    """A stage-2-like checkpoint with every branch stage 2 trains."""
    fm = 'fashion-mnist' in name
    analyser = _load(FM_ANALYSER if fm else C100_ANALYSER).model.analyser
    channels, classes = (128, 10) if fm else (2048, 100)
    torch.manual_seed(0)
    branches = MGKDAnalyser(channels, classes, analyser.branches)
    path = str(tmp_path / 'analyser.pth')
    torch.save({
        f'analyser.{k}': v
        for k, v in branches.state_dict().items()
    }, path)
    return path


@pytest.mark.parametrize('name', ROWS)
def test_stage3_config_trains(name, tmp_path):
    cfg = _load(name)
    cfg.model.teacher_ckpt = None
    cfg.model.distiller.connectors.mgkd_analyser.checkpoint = _analyser_ckpt(
        tmp_path, name)
    model = MODELS.build(cfg.model)
    for hook in cfg.get('custom_hooks', []):
        HOOKS.build(hook)

    shape = (2, 1, 28, 28) if 'fashion-mnist' in name else (2, 3, 32, 32)
    samples = [DataSample().set_gt_label(i) for i in range(shape[0])]
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    for _ in range(2):
        losses = model.train_step(
            dict(
                inputs=torch.randint(0, 255, shape).float(),
                data_samples=samples), optim)
    host = set(cfg.model.distiller.distill_losses)
    # UniKD's diagnostics are logged too (not summed)
    stats = {
        f'stats.unikd.{k}'
        for k in ('feature', 'consistency_s', 'consistency_t', 's_log_var',
                  't_log_var')
    } if 'loss_unikd' in host else set()
    assert set(losses) == {'loss', 'student.loss'
                           } | {f'distill.{k}'
                                for k in host} | stats
    assert all(torch.isfinite(v) for v in losses.values())


def test_fashion_mnist_analyser_config(tmp_path):
    cfg = _load(FM_ANALYSER)
    assert cfg.model.cache_teacher_outputs
    # the flip is the training pipeline's only random transform
    assert [t.type for t in cfg.train_dataloader.dataset.pipeline
            ] == ['RandomFlip', 'PackInputs']
    assert cfg.train_dataloader.dataset.pipeline[0].direction == 'horizontal'
    # students train on images [0, 10000); held out: [50000, 60000)
    assert cfg.train_dataloader.dataset.index_range == (0, 50000)
    assert not cfg.val_dataloader.dataset.test_mode
    assert cfg.val_dataloader.dataset.index_range == (50000, 60000)
    assert cfg.test_dataloader.dataset.test_mode
    # lr decay and stop on the held-out agreement; keep the best checkpoint
    assert cfg.param_scheduler.monitor == 'agreement'
    assert cfg.custom_hooks[0].monitor == 'agreement'
    assert cfg.default_hooks.checkpoint.save_best == 'agreement'
    assert cfg.optim_wrapper.optimizer == dict(
        type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4)
    teacher = get_model(cfg.model.architecture.cfg_path)
    cfg.model.teacher_ckpt = str(tmp_path / 'teacher.pth')
    torch.save(teacher.state_dict(), cfg.model.teacher_ckpt)
    model = MODELS.build(cfg.model)
    assert model.teacher_cache is not None
    # the default branches first (stage-3 configs use them), then the
    # protocol's others
    assert model.analyser.branches[:2] == list(
        _load(f'mgkd_kd_{FM}').mgkd_branches)
    assert model.analyser.in_channels == teacher.head.in_channels == 128


def test_cifar100_analyser_config_trains_on_images(tmp_path):
    cfg = _load(C100_ANALYSER)
    assert cfg.model.architecture.cfg_path == (
        'mmrazor_unified::cifar100/resnet50_8xb16_cifar100.py')
    # the reference recipe
    assert cfg.train_dataloader.batch_size == 64
    assert cfg.train_cfg.max_epochs == 60
    assert cfg.param_scheduler.milestones == [30, 45]
    assert cfg.param_scheduler.gamma == 0.1
    teacher = get_model(cfg.model.architecture.cfg_path)
    ckpt = str(tmp_path / 'teacher.pth')
    torch.save(teacher.state_dict(), ckpt)
    cfg.model.teacher_ckpt = ckpt
    model = MODELS.build(cfg.model)
    assert model.analyser.code_dims.tolist() == [64, 256]
    assert model.analyser.in_channels == teacher.head.in_channels == 2048


@pytest.mark.parametrize('name, depth', [('resnet18', 18), ('resnet50', 50)])
def test_cifar100_models_build_through_cfg_path(name, depth):
    model = get_model(f'mmrazor_unified::cifar100/{name}_8xb16_cifar100.py')
    assert model.backbone.depth == depth
    assert model.head.num_classes == 100
