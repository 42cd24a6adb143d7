# UniKD-Det (./_base_/unikd_det_distiller.py: DKD on the RoI class logits
# plus UniKD's distribution terms on the pooled RoI features, the authors'
# detection recipe) on the Fashion-MNIST detection pair, 3 epochs. Its host
# row is ../dkd/dkd_rcnn_faster-rcnn_r34-w16_faster-rcnn_r18-w8_*.py: the
# same config without the UniKD terms.
_base_ = [
    './_base_/unikd_det_distiller.py',
    '../_base_/datasets/fashion_mnist_det_128.py',
    '../_base_/schedules/sgd_det_step.py',
    '../_base_/default_runtime_det.py',
    '../fashion_mnist_det/_base_/faster-rcnn_r34-w16_r18-w8_pair.py'
]
model = _base_.pair_model
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
