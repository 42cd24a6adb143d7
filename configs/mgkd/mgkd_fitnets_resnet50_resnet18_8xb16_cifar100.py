# MGKD on the FitNets host, CIFAR-100: CE + MMRazor's L2Loss between the
# student's stage-3 feature (256 channels, mapped by a ConvModuleConnector)
# and the teacher's (1024 channels) + KD(tau=4) against the stable
# excitation target + granularity losses.
_base_ = ['./_base_/mgkd_resnet50_resnet18_cifar100.py']

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
                norm_cfg=dict(type='BN'))),
        distill_losses=dict(loss_s3=dict(type='L2Loss', loss_weight=10)),
        loss_forward_mappings=dict(
            loss_s3=dict(
                s_feature=dict(
                    from_student=True,
                    recorder='bb_s3',
                    connector='loss_s3_sfeat'),
                t_feature=dict(from_student=False, recorder='bb_s3')))))
