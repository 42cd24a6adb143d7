# MGKD on the UniKD host (UniKD + KD) on CIFAR-100: CE + UniKD's unified
# distribution loss + KD(tau=4) against MGKD's stable excitation target (in
# place of the host's plain KD term) + granularity losses. The UniKD parts
# are those of configs/unikd/unikd_dkd_resnet50_resnet18_8xb16_cifar100.py
# (MMEngine cannot merge two bases that both define `model`).
_base_ = ['./_base_/mgkd_resnet50_resnet18_cifar100.py']

model = dict(
    distiller=dict(
        student_recorders=dict(
            stages=dict(
                type='MultiModuleOutputs',
                sources=[
                    'backbone.layer2', 'backbone.layer3', 'backbone.layer4'
                ])),
        teacher_recorders=dict(
            stage=dict(type='ModuleOutputs', source='backbone.layer2')),
        connectors=dict(
            s_unikd=[
                dict(
                    type='UniKDFusionConnector',
                    in_channels=[128, 256, 512],
                    out_channels=512,
                    mid_channels=128),
                dict(
                    type='UniKDDistributionHead',
                    in_channels=512,
                    num_classes=100)
            ],
            t_unikd=[
                dict(
                    type='UniKDDistributionHead',
                    in_channels=512,
                    num_classes=100)
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
