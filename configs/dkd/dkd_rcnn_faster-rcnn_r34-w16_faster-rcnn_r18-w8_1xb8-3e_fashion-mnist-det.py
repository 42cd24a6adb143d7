# DKD on the RoI class logits (./_base_/dkd_rcnn_distiller.py: the teacher's
# box head on the student's sampled RoIs, UniKD's authors' detection logit
# term) on the Fashion-MNIST detection pair, 3 epochs: the host row of
# UniKD-Det.
_base_ = [
    './_base_/dkd_rcnn_distiller.py',
    '../_base_/datasets/fashion_mnist_det_128.py',
    '../_base_/schedules/sgd_det_step.py',
    '../_base_/default_runtime_det.py',
    '../fashion_mnist_det/_base_/faster-rcnn_r34-w16_r18-w8_pair.py'
]
model = _base_.pair_model
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
