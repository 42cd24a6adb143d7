"""MGKD stage 3 in MMRazor's SingleTeacherDistill, with tiny models.

The algorithm is the shipped MGKD + KD config with tiny models in place of
the Fashion-MNIST pair, so its recorders, connectors and loss mappings pass
MMRazor's own checks here.
"""
import copy
import os.path as osp
from types import SimpleNamespace

import pytest
import torch
from helpers import ROOT, tiny_classifier
from mmengine.config import Config
from mmengine.optim import OptimWrapper

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmpretrain.structures import DataSample
from mmrazor.models.losses import KLDivergence
from mmrazor.registry import HOOKS, MODELS
from mmrazor_unified.models.connectors import stable_excitation_target
from mmrazor_unified.models.heads import MGKDAnalyser
from mmrazor_unified.utils.export import student_state_dict

CONFIG = osp.join(
    ROOT, 'configs', 'mgkd',
    'mgkd_kd_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py')


@pytest.fixture
def analyser_ckpt(tmp_path):
    """A stage-2-like checkpoint of an analyser on the 64-d teacher."""
    torch.manual_seed(0)
    analyser = MGKDAnalyser(64, 10, Config.fromfile(CONFIG).mgkd_branches)
    path = str(tmp_path / 'analyser.pth')
    torch.save(
        dict(state_dict={
            f'analyser.{k}': v
            for k, v in analyser.state_dict().items()
        }), path)
    return path


def _algorithm(analyser_ckpt, **connector):
    cfg = Config.fromfile(CONFIG).model
    cfg.architecture = tiny_classifier(4)
    cfg.teacher = tiny_classifier(8)
    cfg.teacher_ckpt = None
    connectors = cfg.distiller.connectors
    connectors.mgkd_analyser.update(
        in_channels=64, num_classes=10, checkpoint=analyser_ckpt, **connector)
    connectors.mgkd_student_encoders.in_channels = 32
    return MODELS.build(cfg.to_dict())


def _batch(size=4):
    inputs = torch.randn(size, 1, 16, 16)
    samples = [DataSample().set_gt_label(i % 10) for i in range(size)]
    return dict(inputs=inputs, data_samples=samples)


def test_train_step_trains_student_and_encoders_only(analyser_ckpt):
    torch.manual_seed(0)
    algorithm = _algorithm(analyser_ckpt)
    algorithm.train()
    connectors = algorithm.distiller.connectors
    assert not connectors.mgkd_analyser.analyser.training
    frozen_before = copy.deepcopy(connectors.mgkd_analyser.state_dict())
    encoders_before = copy.deepcopy(
        connectors.mgkd_student_encoders.state_dict())
    teacher_before = copy.deepcopy(algorithm.teacher.state_dict())

    optim = OptimWrapper(
        torch.optim.SGD(
            algorithm.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4))
    losses = algorithm.train_step(_batch(), optim)
    assert {
        'student.loss', 'distill.loss_mgkd_granularity', 'distill.loss_kl'
    } <= set(losses)
    assert losses['distill.loss_mgkd_granularity'] > 0
    assert losses['distill.loss_kl'] > 0

    for key, value in connectors.mgkd_analyser.state_dict().items():
        assert torch.equal(value, frozen_before[key]), key
    assert all(p.grad is None for p in connectors.mgkd_analyser.parameters())
    for key, value in algorithm.teacher.state_dict().items():
        assert torch.equal(value, teacher_before[key]), key
    changed = [
        k for k, v in connectors.mgkd_student_encoders.state_dict().items()
        if not torch.equal(v, encoders_before[k])
    ]
    assert len(changed) == 2 * 4  # two Linear layers per branch, 2 branches


@pytest.mark.parametrize('stable', [True, False])
def test_host_kd_gets_the_stable_target(analyser_ckpt, stable):
    torch.manual_seed(0)
    algorithm = _algorithm(analyser_ckpt, stable=stable)
    algorithm.eval()  # fixed BN statistics: forwards agree
    batch = algorithm.data_preprocessor(_batch(), True)
    losses = algorithm(**batch, mode='loss')

    x = batch['inputs']
    teacher, student = algorithm.teacher, algorithm.student
    z_s = student.head(student.extract_feat(x))
    feats = teacher.extract_feat(x)
    z_t = teacher.head(feats)
    analyser = algorithm.distiller.connectors.mgkd_analyser.analyser
    target = stable_excitation_target(
        z_t,
        analyser(teacher.head.pre_logits(feats)).logits) if stable else z_t
    expected = KLDivergence(tau=4)(z_s, target)
    torch.testing.assert_close(losses['distill.loss_kl'], expected)
    if stable:  # and not the teacher's logits
        assert not torch.allclose(expected, KLDivergence(tau=4)(z_s, z_t))


def test_warmup_hook_ramps_mgkd_and_host_losses(analyser_ckpt):
    algorithm = _algorithm(analyser_ckpt)
    algorithm.eval()
    batch = algorithm.data_preprocessor(_batch(), True)
    full = algorithm(**batch, mode='loss')
    hook = HOOKS.build(
        dict(
            type='mmrazor.DistillLossWarmupHook',
            loss_names=['loss_mgkd_granularity', 'loss_kl'],
            warmup_iters=4))
    runner = SimpleNamespace(iter=0, model=algorithm, train_dataloader=[])
    hook.before_train(runner)
    hook.before_train_iter(runner, batch_idx=0)
    ramped = algorithm(**batch, mode='loss')
    for name in ('distill.loss_mgkd_granularity', 'distill.loss_kl'):
        torch.testing.assert_close(ramped[name], full[name] / 4)


def test_connector_weights_are_the_checkpoints(analyser_ckpt):
    algorithm = _algorithm(analyser_ckpt)
    saved = torch.load(analyser_ckpt)['state_dict']
    state = algorithm.state_dict()
    prefix = 'distiller.connectors.mgkd_analyser.analyser.'
    for key, value in saved.items():
        assert torch.equal(state[prefix + key[len('analyser.'):]], value)


def test_exported_student_has_no_mgkd_parts(analyser_ckpt):
    algorithm = _algorithm(analyser_ckpt)
    student = student_state_dict(algorithm.state_dict())
    assert not [
        k for k in student if 'mgkd' in k or 'analyser' in k or 'encoders' in k
        or 'connectors' in k or k.startswith('teacher')
    ]
    plain = MODELS.build(tiny_classifier(4))
    plain.load_state_dict(student, strict=True)
    # ... and it is the distilled student
    algorithm.eval()
    plain.eval()
    x = torch.randn(2, 1, 16, 16)
    torch.testing.assert_close(
        plain(x, mode='tensor'), algorithm.student(x, mode='tensor'))


def test_missing_analyser_checkpoint_fails_at_build(tmp_path):
    path = str(tmp_path / 'missing.pth')
    with pytest.raises(
            FileNotFoundError, match='MGKD analyser `checkpoint` not found'):
        _algorithm(path)
