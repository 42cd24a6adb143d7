# UniKD's pair-specific parts for ResNet_CIFAR-50 -> ResNet_CIFAR-18
# (CIFAR-100), as plain variables for `{{_base_.x}}`; used by the UniKD and
# the MGKD-on-UniKD configs of this pair.
# Student stages layer2..layer4 (128, 256, 512 channels at 16, 8, 4) are
# fused into a 16x16 map with the channels of the teacher's layer2 (512).
unikd_student_recorders = dict(
    stages=dict(
        type='MultiModuleOutputs',
        sources=['backbone.layer2', 'backbone.layer3', 'backbone.layer4']))
unikd_teacher_recorders = dict(
    stage=dict(type='ModuleOutputs', source='backbone.layer2'))
unikd_connectors = dict(
    s_unikd=[
        dict(
            type='UniKDFusionConnector',
            in_channels=[128, 256, 512],
            out_channels=512,
            mid_channels=128),
        dict(type='UniKDDistributionHead', in_channels=512, num_classes=100)
    ],
    t_unikd=[
        dict(type='UniKDDistributionHead', in_channels=512, num_classes=100)
    ])
