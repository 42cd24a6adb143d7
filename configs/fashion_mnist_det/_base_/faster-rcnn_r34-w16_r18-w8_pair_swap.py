# The detection pair for configs that inherit a distiller from another
# package: MMRazor's detection distillers (`mmrazor::distill/mmdet/...`)
# inherit COCO's data, schedule and runtime, and MMEngine forbids the same
# key in two bases, so this base defines a single key, `pair`, holding what
# a distillation on the pair changes, each entry marked to replace (not
# merge into) the distiller config's:
#
#   _base_ = [
#       'mmrazor::distill/mmdet/cwd/cwd_fpn_frcnn_r101_frcnn_r50_1x_coco.py',
#       'mmrazor_unified::fashion_mnist_det/_base_/'
#       'faster-rcnn_r34-w16_r18-w8_pair_swap.py']
#   model = _base_.pair.model
#   train_dataloader = _base_.pair.train_dataloader
#   ... (one line per key of `pair`)
#
# `pair.model` replaces the distiller's `architecture` and `teacher` with
# the pair's (faster-rcnn_r34-w16_r18-w8_pair.py); the data, schedule
# (3 epochs) and runtime hooks are the student-alone config's. Both are read
# from those files, so they cannot drift apart. A distiller base of our own
# (no data or schedule) inherits faster-rcnn_r34-w16_r18-w8_pair.py and the
# student's data, schedule and runtime bases instead.
from mmengine import Config

_student = Config.fromfile(
    '{{ fileDirname }}/../faster-rcnn_r18-w8_fpn_1xb8-3e_fashion-mnist-det.py')
_models = Config.fromfile(
    '{{ fileDirname }}/faster-rcnn_r34-w16_r18-w8_pair.py').pair_model
pair = {
    key: dict(_student[key].to_dict(), _delete_=True)
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader',
                'val_evaluator', 'test_evaluator', 'train_cfg',
                'optim_wrapper', 'auto_scale_lr', 'default_hooks')
}
# a list: replaces the distiller config's as a whole
pair['param_scheduler'] = _student.param_scheduler
pair['model'] = dict(
    architecture=dict(_models.architecture.to_dict(), _delete_=True),
    teacher=dict(_models.teacher.to_dict(), _delete_=True),
    teacher_ckpt=_models.teacher_ckpt)
# COCO's runtime has none; the student-alone config's
randomness = _student.randomness.to_dict()
del Config, _student, _models
