"""UniKD end to end in MMRazor's SingleTeacherDistill with tiny models."""
import copy
import re

import pytest
import torch
from helpers import tiny_classifier

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmpretrain.structures import DataSample
from mmrazor.registry import MODELS


def _algorithm_cfg(teacher_classes=10):
    logits_s = dict(recorder='logits', from_student=True)
    logits_t = dict(recorder='logits', from_student=False)
    return dict(
        _scope_='mmrazor',
        type='SingleTeacherDistill',
        architecture=tiny_classifier(width=4),
        teacher=tiny_classifier(width=8, num_classes=teacher_classes),
        distiller=dict(
            type='ConfigurableDistiller',
            student_recorders=dict(
                stages=dict(
                    type='MultiModuleOutputs',
                    sources=[f'backbone.layer{i}' for i in range(1, 5)]),
                logits=dict(type='ModuleOutputs', source='head.fc'),
                gt_labels=dict(type='ModuleInputs',
                               source='head.loss_module')),
            teacher_recorders=dict(
                # stage 1 before its residual ReLU, as the authors
                feat=dict(
                    type='PreActivationOutputs', source='backbone.layer1.1'),
                logits=dict(type='ModuleOutputs', source='head.fc')),
            connectors=dict(
                s_unikd=[
                    dict(
                        type='UniKDFusionConnector',
                        in_channels=[4, 8, 16, 32],
                        out_channels=8),
                    dict(
                        type='UniKDDistributionHead',
                        in_channels=8,
                        num_classes=10),
                ],
                t_unikd=[
                    dict(
                        type='UniKDDistributionHead',
                        in_channels=8,
                        num_classes=10),
                ]),
            distill_losses=dict(
                loss_unikd=dict(type='UniKDDistributionLoss', tau=4.0),
                loss_dkd=dict(type='DKDLoss', tau=1.0, beta=2.0)),
            loss_forward_mappings=dict(
                loss_unikd=dict(
                    s_dist=dict(
                        recorder='stages',
                        from_student=True,
                        connector='s_unikd'),
                    t_dist=dict(
                        recorder='feat',
                        from_student=False,
                        connector='t_unikd'),
                    s_logits=logits_s,
                    t_logits=logits_t),
                loss_dkd=dict(
                    preds_S=logits_s,
                    preds_T=logits_t,
                    gt_labels=dict(
                        recorder='gt_labels', from_student=True,
                        data_idx=1)))))


def _batch(size=4):
    inputs = torch.randn(size, 1, 28, 28)
    samples = [DataSample().set_gt_label(i % 10) for i in range(size)]
    return inputs, samples


def test_gradients_reach_student_connector_and_both_heads_only():
    torch.manual_seed(0)
    algorithm = MODELS.build(_algorithm_cfg())
    algorithm.train()
    teacher_before = copy.deepcopy(algorithm.teacher.state_dict())

    losses = algorithm.loss(*_batch())
    assert {'distill.loss_unikd', 'distill.loss_dkd',
            'student.loss'} <= set(losses)
    total, _ = algorithm.parse_losses(losses)
    assert torch.isfinite(total)
    total.backward()

    def has_grad(module):
        return any(p.grad is not None and p.grad.abs().sum() > 0
                   for p in module.parameters())

    connectors = algorithm.distiller.connectors
    fusion, s_head = connectors['s_unikd']
    assert has_grad(algorithm.student.backbone.layer1)
    assert has_grad(algorithm.student.head)
    assert has_grad(fusion)
    assert has_grad(s_head)
    assert has_grad(connectors['t_unikd'])
    for name, param in algorithm.teacher.named_parameters():
        assert not param.requires_grad and param.grad is None, name

    optimizer = torch.optim.SGD(
        algorithm.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    optimizer.step()
    for name, value in algorithm.teacher.state_dict().items():
        assert torch.equal(value, teacher_before[name]), name


def test_class_count_mismatch_fails_on_first_iteration():
    algorithm = MODELS.build(_algorithm_cfg(teacher_classes=100))
    algorithm.train()
    with pytest.raises(
            ValueError,
            match='teacher logits have 100 classes '
            'but student logits 10'):
        algorithm.loss(*_batch())


def test_unikd_diagnostics_are_logged_but_not_added_to_the_total():
    torch.manual_seed(0)
    cfg = _algorithm_cfg()
    cfg['type'] = 'StrictTeacherDistill'
    algorithm = MODELS.build(cfg)
    algorithm.train()
    losses = algorithm.loss(*_batch())
    stats = {k for k in losses if k.startswith('stats.')}
    assert stats == {
        f'stats.unikd.{k}'
        for k in ('feature', 'consistency_s', 'consistency_t', 's_log_var',
                  't_log_var')
    }
    total, log_vars = algorithm.parse_losses(losses)
    assert stats <= set(log_vars)
    summed = sum(v for k, v in losses.items() if not k.startswith('stats.'))
    assert torch.allclose(total, summed)
    # the diagnostics carry no graph
    assert all(not losses[k].requires_grad for k in stats)
    loss = algorithm.distiller.distill_losses['loss_unikd']
    weighted = (
        loss.loss_weight * losses['stats.unikd.feature'] +
        loss.consistency_weight * (losses['stats.unikd.consistency_s'] +
                                   losses['stats.unikd.consistency_t']))
    assert torch.allclose(weighted, losses['distill.loss_unikd'].detach())


@pytest.mark.parametrize('connector, key, feeder, got', [
    ('t_unikd', 'model.distiller.connectors.t_unikd[0]',
     'teacher recorder `feat` (source `backbone.layer1.1`)', 8),
    ('s_unikd', 'model.distiller.connectors.s_unikd[1]',
     'connector `model.distiller.connectors.s_unikd[0]` '
     '(UniKDFusionConnector)', 8),
])
def test_channel_errors_name_the_connector_its_feeder_and_the_value(
        connector, key, feeder, got):
    cfg = _algorithm_cfg()
    cfg['type'] = 'StrictTeacherDistill'
    cfg['distiller']['connectors'][connector][-1]['in_channels'] = 64
    algorithm = MODELS.build(cfg)
    algorithm.train()
    with pytest.raises(ValueError) as err:
        algorithm.loss(*_batch())
    assert str(err.value) == (
        f'`{key}` (UniKDDistributionHead, fed by {feeder}): `in_channels` is '
        f'64 but the input feature has {got} channels (shape (4, {got})); '
        f'expected `in_channels={got}`.')


def test_fusion_errors_name_the_connector_and_its_recorder():
    cfg = _algorithm_cfg()
    cfg['type'] = 'StrictTeacherDistill'
    cfg['distiller']['connectors']['s_unikd'][0]['in_channels'] = [4, 8, 16]
    algorithm = MODELS.build(cfg)
    algorithm.train()
    sources = ', '.join(f'`backbone.layer{i}`' for i in range(1, 5))
    with pytest.raises(ValueError, match=re.escape(
            '`model.distiller.connectors.s_unikd[0]` (UniKDFusionConnector, '
            f'fed by student recorder `stages` (source {sources})): '
            '`in_channels` has 3 entries but 4 stage features were given')):
        algorithm.loss(*_batch())
