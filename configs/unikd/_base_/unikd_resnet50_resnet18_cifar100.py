# UniKD's pair-specific parts for ResNet_CIFAR-50 -> ResNet_CIFAR-18
# (CIFAR-100), as plain variables for `{{_base_.x}}`; used by the UniKD and
# the MGKD-on-UniKD configs of this pair.
# As in the authors' code: the student's four stages (64, 128, 256, 512
# channels at 32, 16, 8, 4) plus the pooled vector are fused into a 32x32 map
# with the channels of the teacher's layer1 (256), matched with the teacher's
# layer1 output before its residual ReLU (last Bottleneck: `layer1.2`). The
# fused maps have min(512, 512) = 512 channels, the authors' rule; at 32x32
# the connector's 3x3 output conv then costs about twice the student's own
# forward pass (`mid_channels` is the knob).
# Typed dicts carry `_scope_='mmrazor'` (our modules live in MMRazor's
# registries): MMEngine would otherwise stamp `mmrazor_unified` on them when a
# config inherits this file by package path.
unikd_student_recorders = dict(
    stages=dict(
        _scope_='mmrazor',
        type='MultiModuleOutputs',
        sources=[
            'backbone.layer1', 'backbone.layer2', 'backbone.layer3',
            'backbone.layer4'
        ]))
unikd_teacher_recorders = dict(
    stage=dict(
        _scope_='mmrazor',
        type='PreActivationOutputs',
        source='backbone.layer1.2'))
unikd_connectors = dict(
    s_unikd=[
        dict(
            _scope_='mmrazor',
            type='UniKDFusionConnector',
            in_channels=[64, 128, 256, 512],
            out_channels=256,
            fuse_pooled=True),
        dict(
            _scope_='mmrazor',
            type='UniKDDistributionHead',
            in_channels=256,
            num_classes=100)
    ],
    t_unikd=[
        dict(
            _scope_='mmrazor',
            type='UniKDDistributionHead',
            in_channels=256,
            num_classes=100)
    ])
