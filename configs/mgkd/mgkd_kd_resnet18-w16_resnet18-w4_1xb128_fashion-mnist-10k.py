# MGKD on the KD host (stage 3): the KD row's config (configs/kd/: CE 1 +
# MMRazor's KLDivergence `loss_kl`, tau 4, weight 1) plus MGKD's parts only:
# the stable excitation target replaces the teacher's logits as `loss_kl`'s
# input, and the granularity loss is added. Needs the teacher and the stage-2
# analyser checkpoints.
_base_ = [
    '../kd/kd_logits_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py',
    './_base_/mgkd_resnet18-w16_resnet18-w4.py'
]

model = dict(
    distiller=dict(
        student_recorders={{_base_.mgkd_student_recorders}},
        teacher_recorders={{_base_.mgkd_teacher_recorders}},
        connectors={{_base_.mgkd_connectors}},
        distill_losses={{_base_.mgkd_losses}},
        loss_forward_mappings=dict(
            loss_mgkd_granularity={{_base_.mgkd_granularity_mapping}},
            loss_kl=dict(preds_T={{_base_.mgkd_stable_target}}))))
