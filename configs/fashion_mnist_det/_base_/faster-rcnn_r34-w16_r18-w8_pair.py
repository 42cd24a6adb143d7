# The Fashion-MNIST detection pair as a distiller's models, under the key
# `pair_model` (a base that sets `model` could not sit next to a distiller
# base): student Faster R-CNN R-18 of width 8, teacher R-34 of width 16, both
# under a 32-channel FPN (../faster-rcnn_*_fashion-mnist-det.py), and the
# committed teacher checkpoint (trained by tools/benchmark.py with the
# detection protocol, benchmarks/fashion_mnist_det/protocol.py). A
# distillation config that inherits this next to its distiller base takes it
# with `model = _base_.pair_model`.
pair_model = dict(
    architecture=dict(
        cfg_path='mmrazor_unified::fashion_mnist_det/'
        'faster-rcnn_r18-w8_fpn_1xb8-3e_fashion-mnist-det.py',
        pretrained=False),
    teacher=dict(
        cfg_path='mmrazor_unified::fashion_mnist_det/'
        'faster-rcnn_r34-w16_fpn_1xb8-12e_fashion-mnist-det.py',
        pretrained=False),
    teacher_ckpt='benchmarks/fashion_mnist_det/'
    'teacher_faster-rcnn_r34-w16_fpn.pth')
