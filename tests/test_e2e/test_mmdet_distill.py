"""MMRazor's own detection distillation configs on the Fashion-MNIST
detection set, the way a user runs them.

A user's config in its own folder inherits each MMRazor config by
``mmrazor::`` path next to
``mmrazor_unified::_base_/datasets/fashion_mnist_det_128_swap.py`` (which
swaps MMRazor's COCO loaders and metrics for the detection set), and changes
the models, which come through ``cfg_path='mmdet::...'``, by keys of
``model.architecture`` and ``model.teacher`` only: 10 classes,
``backbone.init_cfg=None`` and ``pretrained=False`` (no ImageNet or COCO
weights to download), ``teacher_ckpt=None`` (a random teacher: these runs
check the mechanics, not the accuracy). CWD (RetinaNet R-101 -> R-50), PKD
and FBKD (Faster R-CNN R-101 -> R-50) each train two iterations and validate
through our tools/train.py; CWD also trains and tests through MMRazor's own
tools. The CWD student is exported by
tools/model_converters/export_student.py and evaluated with MMDetection's
own RetinaNet config (same overrides) by our tools/test.py and by
MMDetection's own tools/test.py, with the predictions of the distillation
checkpoint.
"""
import glob
import os
import os.path as osp
import pickle
import re
import shlex
import sys

import mmdet
import mmrazor
import pytest
import torch
from config_runs import job, run_batch, tiny_data_options
from helpers import ROOT
from mmengine.config import Config

from mmrazor_unified.datasets.fashion_mnist_det import CLASSES

pytestmark = pytest.mark.minutes

MMRAZOR_TOOLS = osp.join(osp.dirname(mmrazor.__file__), '.mim', 'tools')
MMDET_TEST = osp.join(osp.dirname(mmdet.__file__), '.mim', 'tools', 'test.py')
TOOLS = osp.join(ROOT, 'tools')
SWAP = '_base_/datasets/fashion_mnist_det_128_swap.py'
SWAP_LINES = ''.join(f'{key} = _base_.fashion_mnist_det.{key}\n'
                     for key in ('train_dataloader', 'val_dataloader',
                                 'test_dataloader', 'val_evaluator',
                                 'test_evaluator'))
# score_thr=0: a detector trained for two iterations scores below the
# default threshold, and the comparisons below need predictions
RETINA = dict(
    backbone=dict(init_cfg=None),
    bbox_head=dict(num_classes=10),
    test_cfg=dict(score_thr=0.0))
FASTER_RCNN = dict(
    backbone=dict(init_cfg=None),
    roi_head=dict(bbox_head=dict(num_classes=10)),
    test_cfg=dict(rcnn=dict(score_thr=0.0)))
# name: (MMRazor config, model overrides, a distillation loss it logs)
CONFIGS = {
    'CWD': ('distill/mmdet/cwd/cwd_fpn_retina_r101_retina_r50_1x_coco.py',
            RETINA, 'distill.loss_cwd_fpn0'),
    'PKD': ('distill/mmdet/pkd/pkd_fpn_faster-rcnn_r101_faster-rcnn_r50_2x_'
            'coco.py', FASTER_RCNN, 'distill.loss_pkd_fpn0'),
    'FBKD': ('distill/mmdet/fbkd/fbkd_fpn_faster-rcnn_r101_faster-rcnn_r50_'
             '1x_coco.py', FASTER_RCNN, 'distill.loss_s0'),
}
STUDENT = 'mmdet::retinanet/retinanet_r50_fpn_1x_coco.py'


def distill_config(name: str, folder: str) -> str:
    """The user's config of one MMRazor detection config."""
    config, overrides, _ = CONFIGS[name]
    path = osp.join(folder, f'{name.lower()}_fashion-mnist-det.py')
    with open(path, 'w') as f:
        f.write(f"_base_ = ['mmrazor::{config}',\n"
                f"          'mmrazor_unified::{SWAP}']\n{SWAP_LINES}"
                f'overrides = {overrides!r}\n'
                'model = dict(\n'
                '    architecture=dict(pretrained=False, **overrides),\n'
                '    teacher=dict(pretrained=False, **overrides),\n'
                '    teacher_ckpt=None)\n')
    return path


def student_config(folder: str) -> str:
    """MMDetection's config of the CWD student with the same overrides.

    The data base is inherited by file path: MMDetection's tools/test.py
    parses the config before anything imports our package, which is what
    makes ``mmrazor_unified::`` paths resolvable.
    """
    path = osp.join(folder, 'retinanet_r50_fashion-mnist-det.py')
    with open(path, 'w') as f:
        f.write(f"_base_ = ['{STUDENT}',\n"
                f"          {osp.join(ROOT, 'configs', SWAP)!r}]\n"
                f'{SWAP_LINES}model = {RETINA!r}\n')
    return path


def logs(work_dir: str) -> str:
    return ''.join(
        open(p).read()
        for p in sorted(glob.glob(osp.join(work_dir, '*', '*.log'))))


def copypaste(work_dir: str) -> list:
    """The ``bbox_mAP_copypaste`` values MMDetection's CocoMetric logged."""
    return re.findall(r'bbox_mAP_copypaste: ([-\d. ]+)', logs(work_dir))


@pytest.fixture(scope='module')
def runs(tmp_path_factory) -> tuple:
    folder = str(tmp_path_factory.mktemp('mmdet_distill'))
    paths = {name: distill_config(name, folder) for name in CONFIGS}
    paths['student'] = student_config(folder)
    options = {
        name: tiny_data_options(Config.fromfile(path))
        for name, path in paths.items()
    }
    wd = {
        name: osp.join(folder, 'work_dirs', name)
        for name in [
            *CONFIGS, 'CWD-mmrazor', 'distill-test', 'student-ours',
            'student-mmdet'
        ]
    }
    out = {
        name: osp.join(folder, f'{name}.pkl')
        for name in ('distill', 'student-ours', 'student-mmdet')
    }
    cwd_ckpt = osp.join(wd['CWD'], 'epoch_1.pth')
    student = osp.join(folder, 'student.pth')
    train = ['--cfg-options', 'train_cfg.max_epochs=1']
    mmdet_test = ' '.join(
        shlex.quote(w) for w in [
            sys.executable, MMDET_TEST, paths['student'], student,
            '--work-dir', wd['student-mmdet'], '--out', out['student-mmdet'],
            '--cfg-options', *options['student']
        ])
    jobs = [
        # the CWD chain: distill, test, export, test the student twice
        job('CWD train', osp.join(TOOLS, 'train.py'),
            [paths['CWD'], '--work-dir', wd['CWD'], *train, *options['CWD']],
            folder, 'CWD'),
        job('CWD test', osp.join(TOOLS, 'test.py'), [
            paths['CWD'], cwd_ckpt, '--work-dir', wd['distill-test'], '--out',
            out['distill'], '--cfg-options', *options['CWD']
        ], folder, 'CWD'),
        job('CWD export',
            osp.join(TOOLS, 'model_converters', 'export_student.py'),
            [cwd_ckpt, student], folder, 'CWD'),
        job('student test', osp.join(TOOLS, 'test.py'), [
            paths['student'], student, '--work-dir', wd['student-ours'],
            '--out', out['student-ours'], '--cfg-options', *options['student']
        ], folder, 'CWD'),
        # MMDetection's own tool in a process of its own
        dict(
            name='student mmdet test',
            shell=mmdet_test,
            cwd=folder,
            group='CWD'),
        # MMRazor's own tools, first in their process
        job('CWD mmrazor train', osp.join(MMRAZOR_TOOLS, 'train.py'), [
            paths['CWD'], '--work-dir', wd['CWD-mmrazor'], *train,
            *options['CWD']
        ], folder, 'CWD-mmrazor'),
        job('CWD mmrazor test', osp.join(MMRAZOR_TOOLS, 'test.py'), [
            paths['CWD'],
            osp.join(wd['CWD-mmrazor'], 'epoch_1.pth'), '--work-dir',
            osp.join(wd['CWD-mmrazor'], 'test'), '--cfg-options',
            *options['CWD']
        ], folder, 'CWD-mmrazor'),
    ] + [
        job(f'{name} train', osp.join(TOOLS, 'train.py'),
            [paths[name], '--work-dir', wd[name], *train, *options[name]],
            folder, name) for name in ('PKD', 'FBKD')
    ]
    results = run_batch(jobs, folder)
    # half a gigabyte each (teacher, student and momentum): note and remove
    checkpoints = {}
    for name in (*CONFIGS, 'CWD-mmrazor'):
        path = osp.join(wd[name], 'epoch_1.pth')
        checkpoints[name] = osp.isfile(path)
        if checkpoints[name]:
            os.remove(path)
    return dict(
        paths=paths, wd=wd, out=out, student=student,
        checkpoints=checkpoints), results


def ok(results: dict, name: str) -> None:
    result = results.get(name)
    assert result is not None, f'{name} did not run'
    assert result['ok'], f'{name}:\n{(result["error"] or "")[-3000:]}'


@pytest.mark.parametrize('name', list(CONFIGS))
def test_mmrazor_config_trains_and_validates_with_our_tools(name, runs):
    run, results = runs
    ok(results, f'{name} train')
    assert run['checkpoints'][name]
    text = logs(run['wd'][name])
    assert 'Epoch(train) [1][2/2]' in text  # 4 canvases, 2 per batch
    assert CONFIGS[name][2] in text
    # SingleTeacherDistillValLoop: student and teacher, scored by CocoMetric
    val = [line for line in text.splitlines() if 'Epoch(val) [1]' in line]
    assert val and 'coco/bbox_mAP:' in val[-1]
    assert 'teacher.coco/bbox_mAP:' in val[-1]


def test_mmrazor_own_tools_train_and_test(runs):
    run, results = runs
    first = results['CWD mmrazor train']
    assert not first['package_imported_before']  # the start-up hook did
    ok(results, 'CWD mmrazor train')
    ok(results, 'CWD mmrazor test')
    text = logs(run['wd']['CWD-mmrazor']) + logs(
        osp.join(run['wd']['CWD-mmrazor'], 'test'))
    assert 'Epoch(val) [1]' in text
    assert re.search(r'Epoch\(test\) \[2/2\].*coco/bbox_mAP:', text)


def test_exported_student_is_a_plain_mmdet_checkpoint(runs):
    run, results = runs
    ok(results, 'CWD export')
    ckpt = torch.load(run['student'], map_location='cpu', weights_only=False)
    assert set(ckpt) == {'state_dict', 'meta'}
    # MMDetection's init_detector (its inferencers, demos) reads the class
    # names from the meta; without them it names COCO's classes
    assert tuple(ckpt['meta']['dataset_meta']['classes']) == CLASSES
    from mmdet.apis import init_detector
    from mmengine.registry import DefaultScope

    # init_detector makes `mmdet` the default scope of the whole process;
    # later tests must not build in it
    with DefaultScope.overwrite_default_scope('mmdet'):
        model = init_detector(
            run['paths']['student'], run['student'], device='cpu')
    assert tuple(model.dataset_meta['classes']) == CLASSES
    assert list(ckpt['state_dict']) == list(model.state_dict())
    for key, value in model.state_dict().items():
        assert torch.equal(value, ckpt['state_dict'][key]), key


def predictions(path: str) -> list:
    with open(path, 'rb') as f:
        return pickle.load(f)


def test_student_tests_like_the_distillation_checkpoint(runs):
    """Our tools/test.py and MMDetection's evaluate the exported student
    with MMDetection's config: the same boxes, scores, labels and mAP as
    the distillation checkpoint with the distillation config."""
    run, results = runs
    for name in ('CWD test', 'student test', 'student mmdet test'):
        ok(results, name)
    reference = predictions(run['out']['distill'])
    assert len(reference) == 4
    assert sum(len(p['pred_instances']['labels']) for p in reference) > 0
    for name in ('student-ours', 'student-mmdet'):
        found = predictions(run['out'][name])
        assert [p['img_id'] for p in found] == [p['img_id'] for p in reference]
        for a, b in zip(found, reference):
            for key in ('bboxes', 'scores', 'labels'):
                assert torch.equal(a['pred_instances'][key],
                                   b['pred_instances'][key]), (name, key)
    metrics = [
        copypaste(run['wd'][name])
        for name in ('distill-test', 'student-ours', 'student-mmdet')
    ]
    assert len(metrics[0]) == 1 and metrics[0] == metrics[1] == metrics[2]
