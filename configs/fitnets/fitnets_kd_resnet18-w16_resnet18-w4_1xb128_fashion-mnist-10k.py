# FitNets (MMRazor's L2Loss on a connector-mapped stage feature) + KD.
# Student layer3 (16 channels, 7x7) is mapped to the teacher's layer3
# (64 channels, 7x7) by MMRazor's ConvModuleConnector.
_base_ = ['../kd/kd_logits_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py']

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
