# UniKD + DKD across architectures on ImageNet: ResNet-50 -> MobileNetV2.
# MobileNetV2 stages layer5 (96 channels, 14x14) and layer7 (320, 7x7) are
# fused into a 14x14 map with the channels of ResNet-50's layer3 (1024).
_base_ = ['./unikd_dkd_resnet34_resnet18_8xb32_in1k.py']

teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth'  # noqa: E501

model = dict(
    architecture=dict(
        cfg_path='mmpretrain::mobilenet_v2/mobilenet-v2_8xb32_in1k.py'),
    teacher=dict(cfg_path='mmpretrain::resnet/resnet50_8xb32_in1k.py'),
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        student_recorders=dict(
            stages=dict(sources=['backbone.layer5', 'backbone.layer7'])),
        teacher_recorders=dict(stage=dict(source='backbone.layer3')),
        connectors=dict(
            s_unikd=[
                dict(
                    type='UniKDFusionConnector',
                    in_channels=[96, 320],
                    out_channels=1024,
                    mid_channels=128),
                dict(
                    type='UniKDDistributionHead',
                    in_channels=1024,
                    num_classes=1000)
            ],
            t_unikd=[
                dict(
                    type='UniKDDistributionHead',
                    in_channels=1024,
                    num_classes=1000)
            ])))
