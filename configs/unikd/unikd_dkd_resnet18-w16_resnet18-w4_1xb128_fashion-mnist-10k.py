# UniKD + DKD on Fashion-MNIST: ResNet_CIFAR-18 width 16 -> width 4.
# Stage channels: teacher (16, 32, 64, 128), student (4, 8, 16, 32); spatial
# sizes 28, 14, 7, 4. The two deepest student stages are fused into a 7x7,
# 64-channel map matched with the teacher's layer3 (64 channels, 7x7); this
# keeps the connector's cost small next to the teacher's forward pass.
_base_ = [
    './_base_/unikd_distiller.py',
    '../_base_/datasets/fashion_mnist-10k_bs128.py',
    '../_base_/schedules/sgd_cosine_8e.py', '../_base_/default_runtime.py'
]

model = dict(
    data_preprocessor=dict(
        type='ImgDataPreprocessor', mean=[72.94], std=[90.02]),
    architecture=dict(
        cfg_path='mmrazor_unified::fashion_mnist/'
        'resnet18-w4_1xb128_fashion-mnist-10k.py'),
    teacher=dict(
        cfg_path='mmrazor_unified::fashion_mnist/'
        'resnet18-w16_1xb128_fashion-mnist.py'),
    teacher_ckpt='checkpoints/resnet18-w16_1xb128_fashion-mnist.pth',
    distiller=dict(
        student_recorders=dict(
            stages=dict(sources=['backbone.layer3', 'backbone.layer4'])),
        teacher_recorders=dict(stage=dict(source='backbone.layer3')),
        connectors=dict(
            s_unikd=[
                dict(
                    type='UniKDFusionConnector',
                    in_channels=[16, 32],
                    out_channels=64),
                dict(
                    type='UniKDDistributionHead',
                    in_channels=64,
                    num_classes=10)
            ],
            t_unikd=[
                dict(
                    type='UniKDDistributionHead',
                    in_channels=64,
                    num_classes=10)
            ])))

# report the teacher's accuracy next to the student's
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
