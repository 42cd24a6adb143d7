# UniKD's pair-specific parts for ResNet_CIFAR-18 width 16 -> width 4
# (Fashion-MNIST), as plain variables for `{{_base_.x}}`; used by the UniKD
# and the MGKD-on-UniKD configs of this pair.
# Stage channels: teacher (16, 32, 64, 128), student (4, 8, 16, 32); spatial
# sizes 28, 14, 7, 4. As in the authors' code, all four student stages plus
# the globally pooled vector (a 1x1 level the connector adds:
# `fuse_pooled=True`) are fused into a 28x28 map with the channels of the
# teacher's layer1 (16), matched with the teacher's layer1 output *before* its
# residual ReLU (recorded at the stage's last block, `backbone.layer1.1`).
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
        source='backbone.layer1.1'))
# the fusion connector alone, also used by the MSE ablation (../ablation/)
unikd_fusion = dict(
    _scope_='mmrazor',
    type='UniKDFusionConnector',
    in_channels=[4, 8, 16, 32],
    # the fused maps' channels: min(512, deepest stage's) as in the
    # authors' code; the cost knob of the ablation (benchmarks/)
    mid_channels=32,
    out_channels=16,
    fuse_pooled=True)
unikd_connectors = dict(
    s_unikd=[
        unikd_fusion,
        dict(
            _scope_='mmrazor',
            type='UniKDDistributionHead',
            in_channels=16,
            num_classes=10)
    ],
    t_unikd=[
        dict(
            _scope_='mmrazor',
            type='UniKDDistributionHead',
            in_channels=16,
            num_classes=10)
    ])
