# UniKD method base (ECCV 2024): fusion connector + distribution heads +
# unified distribution loss, with MMRazor's DKDLoss as the logit term
# (`loss_dkd`, ramped in by DistillLossWarmupHook as the authors do).
#
# A config for a new pair inherits this file plus dataset / schedule /
# runtime bases and sets
#   model.architecture and model.teacher (`cfg_path=...` or an inline model
#     dict) and model.teacher_ckpt (without one the teacher stays random),
#   val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
#     (schedule bases define `val_cfg` too, and MMEngine forbids the same key
#     in two bases),
# and, where the pair differs from the placeholders below, the UniKD parts:
#   distiller.student_recorders.stages.sources (student stages, shallow to
#     deep; the connector adds the pooled deepest stage as a 1x1 level),
#   distiller.teacher_recorders.stage.source (the teacher's last block at the
#     resolution of the shallowest fused student stage, recorded before its
#     residual ReLU),
#   distiller.connectors: s_unikd.0.in_channels (student stage channels),
#     s_unikd.0.out_channels = s_unikd.1.in_channels = t_unikd.0.in_channels
#     (the teacher stage's channels) and both heads' num_classes,
#   the DKD values (`loss_dkd`) and the warm-up length (`custom_hooks`).
# The placeholders fit, as the authors' code does, a ResNet-18-like student
# (layer1..layer4, 64..512 channels) whose four stages and pooled vector are
# fused at layer1's resolution, and a ResNet-18-like teacher whose layer1
# (64 channels, last block `layer1.1`) is the target, on 10 classes.
_base_ = ['./unikd_loss.py']
custom_imports = dict(imports=['mmrazor_unified'], allow_failed_imports=False)

model = dict(
    _scope_='mmrazor',
    type='StrictTeacherDistill',
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            # all stages at once, without touching the backbone's out_indices
            stages=dict(
                type='MultiModuleOutputs',
                sources=[
                    'backbone.layer1', 'backbone.layer2', 'backbone.layer3',
                    'backbone.layer4'
                ]),
            fc=dict(type='ModuleOutputs', source='head.fc'),
            gt_labels=dict(type='ModuleInputs', source='head.loss_module')),
        teacher_recorders=dict(
            # layer1's output before the residual ReLU of its last block
            stage=dict(
                type='PreActivationOutputs', source='backbone.layer1.1'),
            fc=dict(type='ModuleOutputs', source='head.fc')),
        connectors=dict(
            # student: fused stages -> Gaussian over the class logits
            s_unikd=[
                dict(
                    type='UniKDFusionConnector',
                    in_channels=[64, 128, 256, 512],
                    out_channels=64,
                    fuse_pooled=True),
                dict(
                    type='UniKDDistributionHead',
                    in_channels=64,
                    num_classes=10)
            ],
            # teacher: its stage feature -> Gaussian (trainable head, the
            # teacher backbone stays frozen)
            t_unikd=[
                dict(
                    type='UniKDDistributionHead',
                    in_channels=64,
                    num_classes=10)
            ]),
        distill_losses=dict(
            loss_unikd={{_base_.unikd_loss}},
            loss_dkd=dict(
                type='DKDLoss',
                tau=4.0,
                alpha=1.0,
                beta=8.0,
                loss_weight=1.0,
                reduction='batchmean')),
        loss_forward_mappings=dict(
            loss_unikd={{_base_.unikd_loss_mapping}},
            loss_dkd=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc'),
                gt_labels=dict(
                    recorder='gt_labels', from_student=True, data_idx=1)))))

# The authors ramp the DKD term in linearly (20 of 240 epochs on CIFAR, 1 on
# ImageNet).
custom_hooks = [
    dict(
        type='mmrazor.DistillLossWarmupHook',
        loss_names=['loss_dkd'],
        warmup_epochs=1)
]

find_unused_parameters = True
