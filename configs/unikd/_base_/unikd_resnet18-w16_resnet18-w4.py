# UniKD's pair-specific parts for ResNet_CIFAR-18 width 16 -> width 4
# (Fashion-MNIST), as plain variables for `{{_base_.x}}`; used by the UniKD
# and the MGKD-on-UniKD configs of this pair.
# Stage channels: teacher (16, 32, 64, 128), student (4, 8, 16, 32); spatial
# sizes 28, 14, 7, 4. The two deepest student stages are fused into a 7x7,
# 64-channel map matched with the teacher's layer3 (64 channels, 7x7); this
# keeps the connector's cost small next to the teacher's forward pass.
unikd_student_recorders = dict(
    stages=dict(
        type='MultiModuleOutputs',
        sources=['backbone.layer3', 'backbone.layer4']))
unikd_teacher_recorders = dict(
    stage=dict(type='ModuleOutputs', source='backbone.layer3'))
unikd_connectors = dict(
    s_unikd=[
        dict(
            type='UniKDFusionConnector', in_channels=[16, 32],
            out_channels=64),
        dict(type='UniKDDistributionHead', in_channels=64, num_classes=10)
    ],
    t_unikd=[
        dict(type='UniKDDistributionHead', in_channels=64, num_classes=10)
    ])
