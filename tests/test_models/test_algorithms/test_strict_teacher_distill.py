import pytest
import torch
from helpers import tiny_classifier
from mmrazor.registry import MODELS


def algorithm(teacher_ckpt) -> dict:
    return dict(
        _scope_='mmrazor',
        type='StrictTeacherDistill',
        architecture=tiny_classifier(4),
        teacher=tiny_classifier(8),
        teacher_ckpt=teacher_ckpt,
        distiller=dict(
            type='ConfigurableDistiller',
            student_recorders=dict(
                fc=dict(type='ModuleOutputs', source='head.fc')),
            teacher_recorders=dict(
                fc=dict(type='ModuleOutputs', source='head.fc')),
            distill_losses=dict(loss_kl=dict(type='KLDivergence')),
            loss_forward_mappings=dict(
                loss_kl=dict(
                    preds_S=dict(from_student=True, recorder='fc'),
                    preds_T=dict(from_student=False, recorder='fc')))))


def save(model_cfg: dict, path) -> dict:
    state = MODELS.build(model_cfg).state_dict()
    torch.save({'state_dict': state}, path)
    return state


def test_matching_checkpoint_is_loaded_and_frozen(tmp_path):
    state = save(tiny_classifier(8), tmp_path / 't.pth')
    model = MODELS.build(algorithm(str(tmp_path / 't.pth')))
    for key, value in model.teacher.state_dict().items():
        assert torch.equal(value, state[key]), key
    assert not any(p.requires_grad for p in model.teacher.parameters())
    assert model.teacher._is_init


def test_missing_checkpoint_names_the_key(tmp_path):
    with pytest.raises(FileNotFoundError,
                       match='`model.teacher_ckpt` not found'):
        MODELS.build(algorithm(str(tmp_path / 'nope.pth')))


def test_checkpoint_of_another_architecture_is_an_error(tmp_path):
    save(tiny_classifier(4), tmp_path / 'student.pth')  # not the teacher
    with pytest.raises(ValueError) as err:
        MODELS.build(algorithm(str(tmp_path / 'student.pth')))
    assert '`model.teacher_ckpt`' in str(err.value)
    assert 'size mismatch for backbone.conv1.weight' in str(err.value)
