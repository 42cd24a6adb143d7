# MGKD on the UniKD + KD host (stage 3): the UniKD + KD row's config
# (configs/unikd/: the KD row plus UniKD's parts; KD is `loss_kl`) plus
# MGKD's parts only: the stable excitation target replaces the teacher's
# logits as `loss_kl`'s input, and the granularity loss is added. UniKD's own
# loss keeps reading the teacher's logits.
_base_ = [
    '../unikd/unikd_kd_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py',
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
