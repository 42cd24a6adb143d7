"""The Fashion-MNIST detection pair and the distillers configured on it.

The pair's configs train by package path in
test_package_path_fashion_mnist.py; here: the pair is what the benchmark
assumes (same strides, canvas and FPN width on both sides, sizes read from
the detectors), MMRazor's distillers arrive as shipped with the pair's
models, data, schedule and hooks swapped in, and UniKD-Det differs from its
host row (DKD on the RoI logits) by UniKD's parts only."""
import os.path as osp

import pytest
from helpers import ROOT
from mmengine.config import Config
from mmengine.registry import MODELS, DefaultScope

import mmrazor

CONFIGS = osp.join(ROOT, 'configs')
MMRAZOR = osp.join(osp.dirname(mmrazor.__file__), '.mim', 'configs',
                   'distill', 'mmdet')
PAIR = 'faster-rcnn_r34-w16_faster-rcnn_r18-w8_1xb8-3e_fashion-mnist-det.py'
STUDENT = ('fashion_mnist_det/'
           'faster-rcnn_r18-w8_fpn_1xb8-3e_fashion-mnist-det.py')
TEACHER = ('fashion_mnist_det/'
           'faster-rcnn_r34-w16_fpn_1xb8-12e_fashion-mnist-det.py')
# ours -> MMRazor's config it inherits the distiller from
MMRAZOR_DISTILLERS = {
    f'cwd/cwd_fpn_{PAIR}': 'cwd/cwd_fpn_frcnn_r101_frcnn_r50_1x_coco.py',
    f'pkd/pkd_fpn_{PAIR}':
    'pkd/pkd_fpn_faster-rcnn_r101_faster-rcnn_r50_2x_coco.py',
    f'fbkd/fbkd_fpn_{PAIR}':
    'fbkd/fbkd_fpn_faster-rcnn_r101_faster-rcnn_r50_1x_coco.py',
}
SWAPPED = ('train_dataloader', 'val_dataloader', 'test_dataloader',
           'val_evaluator', 'test_evaluator', 'train_cfg', 'param_scheduler',
           'optim_wrapper', 'default_hooks')


def load(config: str) -> Config:
    return Config.fromfile(osp.join(CONFIGS, config))


def test_teacher_and_student_share_strides_canvas_and_fpn():
    student, teacher = load(STUDENT), load(TEACHER)
    for key in ('neck.out_channels', 'neck.num_outs',
                'rpn_head.anchor_generator.strides',
                'roi_head.bbox_roi_extractor.featmap_strides',
                'roi_head.bbox_head.num_classes', 'data_preprocessor'):
        a, b = student.model, teacher.model
        for part in key.split('.'):
            a, b = a[part], b[part]
        assert a == b, key
    assert student.train_pipeline == teacher.train_pipeline
    # from scratch, every layer trained, batch statistics updated
    for cfg in (student, teacher):
        backbone = cfg.model.backbone
        assert backbone.init_cfg is None and backbone.frozen_stages == -1
        assert backbone.norm_eval is False
    assert (student.model.backbone.depth, student.model.backbone.base_channels,
            teacher.model.backbone.depth,
            teacher.model.backbone.base_channels) == (18, 8, 34, 16)
    assert student.model.neck.in_channels == [8, 16, 32, 64]
    assert teacher.model.neck.in_channels == [16, 32, 64, 128]


@pytest.mark.parametrize('config', sorted(MMRAZOR_DISTILLERS))
def test_mmrazor_distiller_with_the_pair_swapped_in(config):
    cfg = load(config)
    shipped = Config.fromfile(osp.join(MMRAZOR, MMRAZOR_DISTILLERS[config]))
    student = load(STUDENT)
    assert cfg.model.type == shipped.model.type
    distiller = cfg.model.distiller.to_dict()
    expected = shipped.model.distiller.to_dict()
    if config.startswith('fbkd/'):
        # the pair's FPN has 32 channels, MMRazor's 256
        for conn in expected['connectors'].values():
            conn['in_channels'] = 32
    assert distiller == expected
    for key in SWAPPED:
        assert cfg[key] == student[key], key
    assert cfg.model.architecture.cfg_path.endswith(STUDENT)
    assert cfg.model.teacher.cfg_path.endswith(TEACHER)
    assert cfg.model.teacher_ckpt.startswith('benchmarks/fashion_mnist_det/')
    assert cfg.randomness == student.randomness
    # MMRazor's validation loop: the student and the teacher
    assert cfg.val_cfg.type == 'mmrazor.SingleTeacherDistillValLoop'
    # no swap mark is left in what the runner reads
    for key in ('model', *SWAPPED):
        assert '_delete_' not in str(cfg[key]), key


def test_unikd_det_is_its_host_plus_unikd_parts():
    unikd = load(f'unikd/unikd_rcnn_{PAIR}').to_dict()
    host = load(f'dkd/dkd_rcnn_{PAIR}').to_dict()
    distiller = unikd['model']['distiller']
    for key in ('student_recorders', 'teacher_recorders'):
        distiller[key].pop('roi_feats')
    distiller.pop('connectors')
    distiller['distill_losses'].pop('loss_unikd')
    distiller['loss_forward_mappings'].pop('loss_unikd')
    assert unikd['model'] == host['model']
    for key in SWAPPED:
        assert unikd[key] == host[key] == load(STUDENT)[key], key


def test_unikd_det_reads_its_sizes_from_the_pair():
    cfg = load(f'unikd/unikd_rcnn_{PAIR}')
    cfg.model.teacher_ckpt = None
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        model = MODELS.build(cfg.model)
    for name in ('s_roi_dist', 't_roi_dist'):
        head = model.distiller.connectors[name]
        # 32 RoI channels, 10 classes + background, 4 x 10 deltas
        assert (head.in_channels, head.cls_dims, head.box_dims) == (32, 11,
                                                                     40)
