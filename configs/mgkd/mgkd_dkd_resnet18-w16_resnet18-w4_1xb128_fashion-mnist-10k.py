# MGKD on the DKD host (stage 3): the DKD row's config (configs/dkd/: CE 1 +
# MMRazor's DKDLoss `loss_dkd`, tau 4, alpha 1, beta 2, one warm-up epoch)
# plus MGKD's parts only: the stable excitation target replaces the
# teacher's logits as `loss_dkd`'s input (its target and non-target parts are
# decoupled from the stable target), and the granularity loss is added.
_base_ = [
    '../dkd/dkd_logits_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py',
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
            loss_dkd=dict(preds_T={{_base_.mgkd_stable_target}}))))
