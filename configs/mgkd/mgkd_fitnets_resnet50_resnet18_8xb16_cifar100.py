# MGKD on the FitNets + KD host, CIFAR-100 (stage 3): ./_base_/fitnets_kd_
# resnet50_resnet18_cifar100.py (CE 1 + L2 `loss_s3` on layer3 + KD
# `loss_kl`) plus MGKD's parts only: the stable excitation target replaces
# the teacher's logits as `loss_kl`'s input, and the granularity loss is
# added.
_base_ = [
    './_base_/fitnets_kd_resnet50_resnet18_cifar100.py',
    './_base_/mgkd_resnet50_resnet18_cifar100.py'
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
