import torch
from mmengine.config import Config

import mmrazor_unified  # noqa: F401


def test_every_mmrazor_distillation_module_is_registered():
    from mmrazor.models import algorithms, distillers, losses
    from mmrazor.models.architectures import connectors
    from mmrazor.registry import MODELS
    base_classes = {'BaseConnector', 'BaseDistiller'}  # abstract
    names = [*connectors.__all__, *losses.__all__, *distillers.__all__,
             'SingleTeacherDistill', 'DataFreeDistillation',
             'DAFLDataFreeDistillation', 'FpnTeacherDistill',
             'OverhaulFeatureDistillation', 'SelfDistill']
    assert len(names) > 40
    missing = [
        n for n in names
        if n not in MODELS.module_dict and n not in base_classes
    ]
    assert not missing
    assert all(hasattr(algorithms, n) for n in names[-6:])


def test_single_teacher_distill_from_mmpretrain_configs_trains():
    from mmpretrain.structures import DataSample
    from mmrazor.registry import MODELS
    cfg = Config(dict(model=dict(
        _scope_='mmrazor',
        type='SingleTeacherDistill',
        architecture=dict(
            cfg_path='mmpretrain::resnet/resnet18_8xb16_cifar10.py',
            pretrained=False),
        teacher=dict(
            cfg_path='mmpretrain::resnet/resnet18_8xb16_cifar10.py',
            pretrained=False),
        distiller=dict(
            type='ConfigurableDistiller',
            student_recorders=dict(
                fc=dict(type='ModuleOutputs', source='head.fc')),
            teacher_recorders=dict(
                fc=dict(type='ModuleOutputs', source='head.fc')),
            distill_losses=dict(loss_kl=dict(type='KLDivergence', tau=4)),
            loss_forward_mappings=dict(
                loss_kl=dict(
                    preds_S=dict(from_student=True, recorder='fc'),
                    preds_T=dict(from_student=False, recorder='fc')))))))
    model = MODELS.build(cfg.model)
    inputs = torch.randn(2, 3, 32, 32)
    samples = [DataSample().set_gt_label(i) for i in (1, 7)]
    losses = model(inputs, samples, mode='loss')
    assert set(losses) == {'student.loss', 'distill.loss_kl'}
    total = sum(losses.values())
    total.backward()
    assert model.student.head.fc.weight.grad is not None
    assert all(p.grad is None for p in model.teacher.parameters())
