# MGKD on the FitNets host: CE + MMRazor's L2Loss between the student's
# stage-3 feature (16 channels, mapped by a ConvModuleConnector) and the
# teacher's (64 channels) + KD(tau=4) against the stable excitation target +
# granularity losses (feature hosts: ce 1, div 1).
_base_ = ['./_base_/mgkd_resnet18-w16_resnet18-w4_fashion-mnist-10k.py']

model = dict(
    distiller=dict(
        student_recorders=dict(
            bb_s3=dict(type='ModuleOutputs', source='backbone.layer3')),
        teacher_recorders=dict(
            bb_s3=dict(type='ModuleOutputs', source='backbone.layer3')),
        connectors=dict(
            loss_s3_sfeat=dict(
                type='ConvModuleConnector',
                in_channel=16,
                out_channel=64,
                norm_cfg=dict(type='BN'))),
        distill_losses=dict(loss_s3=dict(type='L2Loss', loss_weight=10)),
        loss_forward_mappings=dict(
            loss_s3=dict(
                s_feature=dict(
                    from_student=True,
                    recorder='bb_s3',
                    connector='loss_s3_sfeat'),
                t_feature=dict(from_student=False, recorder='bb_s3')))))
