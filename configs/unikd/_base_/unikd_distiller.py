# UniKD distiller (ECCV 2024): fusion connector + distribution heads +
# unified distribution loss, with MMRazor's DKDLoss as the logit term
# (`loss_logits`; swap it for KLDivergence for UniKD + KD).
#
# A concrete config inherits this file plus dataset / schedule / runtime bases
# and only names the pair:
#   model.architecture / model.teacher / model.teacher_ckpt,
#   distiller.student_recorders.stages.sources (student stage modules),
#   distiller.teacher_recorders.stage.source (teacher stage module),
#   distiller.connectors.s_unikd (fusion in/out channels, head channels and
#   classes) and distiller.connectors.t_unikd (teacher head).
# Pair configs usually take these parts from a `_base_/unikd_<pair>.py` of
# plain variables (`{{_base_.unikd_connectors}}` etc.), shared with the MGKD
# configs of the same pair.
# The fused map comes out at the shallowest fused student stage's resolution
# with the channels of the teacher stage at that level, which the teacher
# recorder picks. The placeholders below fit ResNet-style students
# (layer1..layer4) on 10 classes.
# Concrete configs also set `val_cfg` to MMRazor's
# SingleTeacherDistillValLoop (schedule bases define `val_cfg` too, and
# MMEngine forbids the same key in two bases).
_base_ = ['./unikd_loss.py']
custom_imports = dict(imports=['mmrazor_unified'], allow_failed_imports=False)

model = dict(
    _scope_='mmrazor',
    type='StrictTeacherDistill',
    architecture=dict(cfg_path=None, pretrained=False),
    teacher=dict(cfg_path=None, pretrained=False),
    teacher_ckpt=None,
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
            stage=dict(type='ModuleOutputs', source='backbone.layer4'),
            fc=dict(type='ModuleOutputs', source='head.fc')),
        connectors=dict(
            # student: fused stages -> Gaussian over the class logits
            s_unikd=[
                dict(
                    type='UniKDFusionConnector',
                    in_channels=[64, 128, 256, 512],
                    out_channels=512),
                dict(
                    type='UniKDDistributionHead',
                    in_channels=512,
                    num_classes=10)
            ],
            # teacher: its stage feature -> Gaussian (trainable head, the
            # teacher backbone stays frozen)
            t_unikd=[
                dict(
                    type='UniKDDistributionHead',
                    in_channels=512,
                    num_classes=10)
            ]),
        distill_losses=dict(
            loss_unikd={{_base_.unikd_loss}},
            loss_logits=dict(
                type='DKDLoss',
                tau=4.0,
                alpha=1.0,
                beta=8.0,
                loss_weight=1.0,
                reduction='batchmean')),
        loss_forward_mappings=dict(
            loss_unikd={{_base_.unikd_loss_mapping}},
            loss_logits=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc'),
                gt_labels=dict(
                    recorder='gt_labels', from_student=True, data_idx=1)))))

# The authors ramp the DKD term in linearly (20 of 240 epochs on CIFAR).
custom_hooks = [
    dict(
        type='mmrazor.DistillLossWarmupHook',
        loss_names=['loss_logits'],
        warmup_epochs=1)
]

find_unused_parameters = True
