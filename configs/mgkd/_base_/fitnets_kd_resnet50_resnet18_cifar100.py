# FitNets + KD on CIFAR-100, ResNet_CIFAR-50 -> ResNet_CIFAR-18: the KD host
# (./kd_resnet50_resnet18_cifar100.py) plus MMRazor's L2Loss `loss_s3`
# (weight 10) between the student's layer3 (256 channels, 8x8), mapped by a
# ConvModuleConnector with BN and no activation, and the teacher's layer3
# (1024 channels), as in ../../fitnets/ for Fashion-MNIST. The host of the
# CIFAR-100 MGKD + FitNets config.
_base_ = ['./kd_resnet50_resnet18_cifar100.py']

model = dict(
    distiller=dict(
        student_recorders=dict(
            bb_s3=dict(type='ModuleOutputs', source='backbone.layer3')),
        teacher_recorders=dict(
            bb_s3=dict(type='ModuleOutputs', source='backbone.layer3')),
        connectors=dict(
            loss_s3_sfeat=dict(
                type='ConvModuleConnector',
                in_channel=256,
                out_channel=1024,
                norm_cfg=dict(type='BN'),
                act_cfg=None)),
        distill_losses=dict(loss_s3=dict(type='L2Loss', loss_weight=10)),
        loss_forward_mappings=dict(
            loss_s3=dict(
                s_feature=dict(
                    from_student=True,
                    recorder='bb_s3',
                    connector='loss_s3_sfeat'),
                t_feature=dict(from_student=False, recorder='bb_s3')))))
