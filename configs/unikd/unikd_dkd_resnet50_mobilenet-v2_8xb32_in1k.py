# UniKD + DKD across architectures on ImageNet: ResNet-50 -> MMPretrain's
# MobileNetV2 (ImageNet settings otherwise as
# ./unikd_dkd_resnet34_resnet18_8xb32_in1k.py). Not the authors' pair: the
# network their code calls "MobileNetV2" is a MobileNetV1-style body
# (depthwise-separable convs, 128/256/512/1024 channels at 56, 28, 14, 7),
# and their only config for it, configs/UniLogits/imagenet/mlkd/r50_mv2.yaml,
# runs their multi-level UniMLKD distiller (beta 2, CE 0.5 / KD 0.5, fused
# channels at most 256). DKD beta 2 is taken from that config. The levels
# are ours, by their CIFAR rule: MobileNetV2's stage ends at 56, 28, 14, 7
# (MMPretrain's layer2, layer3, layer5, layer7: 24, 32, 96, 320 channels)
# plus the pooled layer7, fused into a 56x56 map with the channels of
# ResNet-50's layer1 (256), matched with that stage before its residual
# ReLU (last Bottleneck: `layer1.2`).
_base_ = ['./unikd_dkd_resnet34_resnet18_8xb32_in1k.py']

teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth'  # noqa: E501

model = dict(
    architecture=dict(
        cfg_path='mmpretrain::mobilenet_v2/mobilenet-v2_8xb32_in1k.py'),
    teacher=dict(cfg_path='mmpretrain::resnet/resnet50_8xb32_in1k.py'),
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        student_recorders=dict(
            stages=dict(sources=[
                'backbone.layer2', 'backbone.layer3', 'backbone.layer5',
                'backbone.layer7'
            ])),
        teacher_recorders=dict(stage=dict(source='backbone.layer1.2')),
        connectors=dict(
            s_unikd=[
                dict(
                    type='UniKDFusionConnector',
                    in_channels=[24, 32, 96, 320],
                    out_channels=256),
                dict(
                    type='UniKDDistributionHead',
                    in_channels=256,
                    num_classes=1000)
            ],
            t_unikd=[
                dict(
                    type='UniKDDistributionHead',
                    in_channels=256,
                    num_classes=1000)
            ]),
        distill_losses=dict(loss_dkd=dict(beta=2.0))))
