# MGKD pair on Fashion-MNIST: teacher ResNet_CIFAR-18 width 16 (pooled
# feature 128), student width 4 (pooled feature 32), the 10k training subset
# and the schedule of every Fashion-MNIST distiller. Host configs inherit it.
_base_ = [
    '../../_base_/datasets/fashion_mnist-10k_bs128.py',
    '../../_base_/schedules/sgd_cosine_8e.py',
    '../../_base_/default_runtime.py', './mgkd_distiller.py'
]

teacher_ckpt = 'checkpoints/resnet18-w16_1xb128_fashion-mnist.pth'
# the last checkpoint of stage 2 (mgkd_analyser_resnet18-w16_1xb128_
# fashion-mnist.py), copied here
analyser_ckpt = 'checkpoints/mgkd_analyser_resnet18-w16_fashion-mnist.pth'

model = dict(
    data_preprocessor=dict(
        type='ImgDataPreprocessor', mean=[72.94], std=[90.02]),
    architecture=dict(
        cfg_path='mmrazor_unified::fashion_mnist/'
        'resnet18-w4_1xb128_fashion-mnist-10k.py',
        pretrained=False),
    teacher=dict(
        cfg_path='mmrazor_unified::fashion_mnist/'
        'resnet18-w16_1xb128_fashion-mnist.py',
        pretrained=False),
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        connectors=dict(
            mgkd_analyser=dict(
                in_channels=128, num_classes=10, checkpoint=analyser_ckpt),
            mgkd_student_encoders=dict(in_channels=32))))

val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
