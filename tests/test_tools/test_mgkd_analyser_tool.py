"""tools/analysis_tools/mgkd_analyser.py on real Fashion-MNIST images.

The teacher here is a width-4 ResNet_CIFAR-18 trained for a few seconds on
2048 training images (about 70 % top-1; it predicts all classes, so its
majority-class rate is low): a barely trained teacher that predicts one class
would let any branch "agree" with it.
"""
import importlib.util
import json
import os.path as osp

import pytest
import torch
from helpers import DATA_ROOT, ROOT
from mmengine.dataset import pseudo_collate
from mmengine.hub import get_model
from mmengine.registry import DefaultScope
from torch.utils.data import DataLoader

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmrazor.registry import DATASETS, MODELS

CONFIG = osp.join(ROOT, 'configs', 'mgkd',
                  'mgkd_analyser_resnet18-w16_1xb128_fashion-mnist.py')
TEACHER = ('mmrazor_unified::fashion_mnist/'
           'resnet18-w4_1xb128_fashion-mnist-10k.py')
TEACHER_IMAGES = 2048  # the teacher trains on training images [0, 2048)


def _tool():
    path = osp.join(ROOT, 'tools', 'analysis_tools', 'mgkd_analyser.py')
    spec = importlib.util.spec_from_file_location('mgkd_analyser_tool', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _images(test_mode, count):
    return DATASETS.build(
        dict(
            type='mmrazor.LocalFashionMNIST',
            data_root=DATA_ROOT,
            test_mode=test_mode,
            indices=count,
            pipeline=[dict(type='PackInputs')]))


@pytest.fixture(scope='module')
def teacher_ckpt(tmp_path_factory, small_data):
    """A width-4 teacher, 3 epochs of SGD on 2048 real training images."""
    torch.manual_seed(0)
    teacher = get_model(TEACHER)
    optim = torch.optim.SGD(
        teacher.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    teacher.train()
    for _ in range(3):
        for batch in DataLoader(
                _images(False, TEACHER_IMAGES),
                batch_size=128,
                shuffle=True,
                collate_fn=pseudo_collate):
            losses = teacher(
                **teacher.data_preprocessor(batch, True), mode='loss')
            optim.zero_grad()
            sum(losses.values()).backward()
            optim.step()
    path = tmp_path_factory.mktemp('teacher') / 'teacher.pth'
    torch.save(dict(state_dict=teacher.state_dict()), path)
    return str(path)


def _options(teacher_ckpt):
    """The width-4 teacher; the analyser trains on its 2048 images,
    validates on the next 1024 and tests on 1024 test images."""
    return {
        'model.teacher_ckpt': teacher_ckpt,
        'model.architecture.cfg_path': TEACHER,
        'model.analyser.in_channels': 32,  # the width-4 teacher's feature
        'train_dataloader.dataset.index_range': (0, TEACHER_IMAGES),
        'val_dataloader.dataset.index_range': (TEACHER_IMAGES, 3072),
        'test_dataloader.dataset.indices': 1024,
        **{
            f'{split}_dataloader.dataset.data_root': DATA_ROOT
            for split in ('train', 'val', 'test')
        },
        'train_cfg.max_epochs': 8,
        'default_hooks.logger.interval': 16,
    }


def test_branches_agree_with_the_teacher_far_above_its_majority_class(
        tmp_path, teacher_ckpt):
    scope = DefaultScope.get_current_instance()
    report = _tool().run(CONFIG, str(tmp_path / 'work'),
                         _options(teacher_ckpt))
    # the runner's default scope does not leak into later tests
    assert DefaultScope.get_current_instance() is scope
    with open(tmp_path / 'work' / 'branch_accuracy.json') as f:
        assert json.load(f) == report
    assert osp.isfile(report['analyser_ckpt'])
    assert 1 <= report['best_epoch'] <= report['epochs'] <= 8
    for split, images in (('heldout', 1024), ('test', 1024)):
        part = report[split]
        assert part['images'] == images
        # the teacher is a real one: accurate and not one class
        assert part['teacher_top1'] > 50 and part['teacher_majority'] < 35
        assert len(part['branches']) == 6
        for k, branch in enumerate(part['branches']):
            # the default two (those stage 3 uses) far above, the narrow
            # codes clearly above the teacher's majority-class rate
            margin = 40 if k < 2 else 20
            assert branch['agreement'] > part['teacher_majority'] + margin, (
                split, branch)
            assert branch['top1'] > 40, (split, branch)
    # stage 3 builds its connector from it (width-4 teacher: 32 channels)
    connector = MODELS.build(
        dict(
            type='mmrazor.MGKDAnalyserConnector',
            in_channels=32,
            num_classes=10,
            checkpoint=report['analyser_ckpt']))
    assert connector.analyser.code_dims.tolist() == [64, 256]


def test_config_without_best_checkpoint_is_refused(tmp_path):
    with pytest.raises(ValueError, match='save_best` is not set'):
        _tool().run(
            osp.join(ROOT, 'configs',
                     'mgkd', 'mgkd_analyser_resnet50_1xb64_cifar100.py'),
            str(tmp_path))
