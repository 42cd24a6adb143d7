# MGKD on the UniKD host (UniKD + KD): CE + UniKD's unified distribution loss
# + KD(tau=4) against MGKD's stable excitation target, which takes the place
# of the host's plain KD term, + granularity losses. The UniKD parts are
# those of configs/unikd/unikd_kd_resnet18-w16_resnet18-w4_1xb128_fashion-
# mnist-10k.py (MMEngine cannot merge two bases that both define `model`).
_base_ = ['./_base_/mgkd_resnet18-w16_resnet18-w4_fashion-mnist-10k.py']

model = dict(
    distiller=dict(
        student_recorders=dict(
            stages=dict(
                type='MultiModuleOutputs',
                sources=['backbone.layer3', 'backbone.layer4'])),
        teacher_recorders=dict(
            stage=dict(type='ModuleOutputs', source='backbone.layer3')),
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
            ]),
        distill_losses=dict(
            loss_unikd=dict(type='UniKDDistributionLoss', tau=1.0)),
        loss_forward_mappings=dict(
            loss_unikd=dict(
                s_dist=dict(
                    from_student=True, recorder='stages',
                    connector='s_unikd'),
                t_dist=dict(
                    from_student=False, recorder='stage',
                    connector='t_unikd'),
                s_logits=dict(from_student=True, recorder='fc'),
                t_logits=dict(from_student=False, recorder='fc')))))
