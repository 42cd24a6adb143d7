"""``architecture.cfg_path`` / ``teacher.cfg_path`` given as config files."""
import pytest
import torch
from helpers import tiny_classifier
from mmengine.config import Config
from mmrazor.registry import MODELS

from mmrazor_unified.models.algorithms.model_cfg_path import resolve_cfg_path


def write_model_config(path, width: int) -> None:
    """A plain MMPretrain-style config: default scope, model without scope."""
    model = tiny_classifier(width)
    model.pop('_scope_')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("default_scope = 'mmpretrain'\n"
                    f'model = {model!r}\n'
                    "data_preprocessor = dict(type='ClsDataPreprocessor', "
                    'mean=[1.0], std=[2.0])\n')


def distill_config(path, student: str, teacher: str) -> None:
    path.write_text(f'''
model = dict(
    _scope_='mmrazor',
    type='StrictTeacherDistill',
    architecture=dict(cfg_path={student!r}, pretrained=False),
    teacher=dict(cfg_path={teacher!r}, pretrained=False),
    distiller=dict(type='ConfigurableDistiller'))
''')


def test_file_paths_relative_to_the_config_and_absolute(tmp_path):
    write_model_config(tmp_path / 'models' / 'student.py', width=4)
    write_model_config(tmp_path / 'teacher.py', width=8)
    config = tmp_path / 'configs' / 'distill.py'
    config.parent.mkdir()
    distill_config(config, '{{ fileDirname }}/../models/student.py',
                   str(tmp_path / 'teacher.py'))
    model = MODELS.build(Config.fromfile(str(config)).model)
    assert model.architecture.backbone.base_channels == 4
    assert model.teacher.backbone.base_channels == 8
    # the file's data_preprocessor, as for pkg:: paths
    assert model.architecture.data_preprocessor.std.flatten().tolist() == [2.0]


def test_relative_path_fails_at_build_naming_the_key_and_the_fix(tmp_path):
    write_model_config(tmp_path / 'teacher.py', width=8)
    config = tmp_path / 'distill.py'
    distill_config(config, '../models/student.py',
                   str(tmp_path / 'teacher.py'))
    cfg = Config.fromfile(str(config))
    with pytest.raises(ValueError) as err:
        MODELS.build(cfg.model)
    message = str(err.value)
    assert '`model.architecture.cfg_path` is a relative path' in message
    assert "cfg_path='{{ fileDirname }}/../models/student.py'" in message


def test_missing_file_fails_naming_the_key(tmp_path):
    missing = str(tmp_path / 'nope.py')
    with pytest.raises(
            FileNotFoundError, match='`model.teacher.cfg_path` not found'):
        resolve_cfg_path(dict(cfg_path=missing), 'model.teacher')


def test_pretrained_file_path_is_an_error(tmp_path):
    write_model_config(tmp_path / 'teacher.py', width=8)
    cfg = dict(cfg_path=str(tmp_path / 'teacher.py'), pretrained=True)
    with pytest.raises(ValueError, match='`model.teacher.pretrained=True`'):
        resolve_cfg_path(cfg, 'model.teacher')


def test_extra_keys_fill_missing_model_keys(tmp_path):
    write_model_config(tmp_path / 'student.py', width=4)
    cfg = dict(cfg_path=str(tmp_path / 'student.py'), train_cfg=dict(x=1))
    model = resolve_cfg_path(cfg, 'model.architecture')
    assert model['type'] == 'ImageClassifier'
    assert model['train_cfg'] == dict(x=1)
    assert model['_scope_'] == 'mmpretrain'


def test_package_paths_and_built_models_are_left_to_mmrazor():
    pkg = dict(cfg_path='mmpretrain::resnet/resnet18_8xb16_cifar10.py')
    assert resolve_cfg_path(pkg, 'model.teacher') is pkg
    typed = tiny_classifier(4)
    assert resolve_cfg_path(typed, 'model.teacher') is typed


def test_mgkd_analyser_teacher_from_a_config_file(tmp_path):
    write_model_config(tmp_path / 'teacher.py', width=8)
    teacher = MODELS.build(
        resolve_cfg_path(
            dict(cfg_path=str(tmp_path / 'teacher.py')), 'model.teacher'))
    torch.save({'state_dict': teacher.state_dict()}, tmp_path / 't.pth')
    model = MODELS.build(
        dict(
            _scope_='mmrazor',
            type='MGKDAnalyserTraining',
            architecture=dict(cfg_path=str(tmp_path / 'teacher.py')),
            teacher_ckpt=str(tmp_path / 't.pth'),
            analyser=dict(type='MGKDAnalyser')))
    assert model.architecture.backbone.base_channels == 8
    with pytest.raises(ValueError, match='`model.architecture.cfg_path`'):
        MODELS.build(
            dict(
                _scope_='mmrazor',
                type='MGKDAnalyserTraining',
                architecture=dict(cfg_path='teacher.py'),
                teacher_ckpt=str(tmp_path / 't.pth'),
                analyser=dict(type='MGKDAnalyser')))


def test_extra_keys_override_like_a_child_config(tmp_path):
    write_model_config(tmp_path / 'student.py', width=4)
    cfg = dict(
        cfg_path=str(tmp_path / 'student.py'),
        backbone=dict(base_channels=8),  # merged key by key
        neck=dict(_delete_=True, type='GlobalAveragePooling', dim=2),
        init_cfg=None)
    model = resolve_cfg_path(cfg, 'model.architecture')
    assert model['backbone']['base_channels'] == 8
    assert model['backbone']['depth'] == 18  # the file's other keys stay
    assert model['neck'] == dict(type='GlobalAveragePooling', dim=2)
    assert model['init_cfg'] is None
    # read by attribute, as Config.fromfile gives it (MMDetection does)
    assert model.backbone.stem_channels == 4
    assert cfg['backbone'] == dict(base_channels=8)  # the input is kept


PKG = 'mmpretrain::resnet/resnet18_8xb16_cifar10.py'


def test_package_path_keys_override_the_package_model():
    """MMEngine's get_model would silently keep the config's 10 classes and
    its backbone; MMRazor's registry applies the keys."""
    model = MODELS.build(
        dict(
            cfg_path=PKG,
            pretrained=False,
            backbone=dict(depth=34),
            head=dict(num_classes=7)))
    assert type(model).__name__ == 'ImageClassifier'
    assert model.head.fc.out_features == 7
    assert model.head.fc.in_features == 512
    assert len(model.backbone.layer1) == 3  # ResNet-34's first stage
    # the package config's data_preprocessor, as get_model sets it
    assert type(model.data_preprocessor).__name__ == 'ClsDataPreprocessor'


def test_package_path_without_keys_is_built_by_mmrazor_as_before():
    assert hasattr(MODELS.build_func, '__wrapped__')
    model = MODELS.build(dict(cfg_path=PKG, pretrained=False))
    assert model.head.fc.out_features == 10


def test_distiller_with_overridden_package_models():
    model = MODELS.build(
        dict(
            _scope_='mmrazor',
            type='SingleTeacherDistill',
            architecture=dict(cfg_path=PKG, head=dict(num_classes=3)),
            teacher=dict(
                cfg_path=PKG,
                backbone=dict(depth=34),
                head=dict(num_classes=3)),
            distiller=dict(type='ConfigurableDistiller')))
    assert model.architecture.head.fc.out_features == 3
    assert model.teacher.head.fc.out_features == 3
    assert len(model.teacher.backbone.layer1) == 3
