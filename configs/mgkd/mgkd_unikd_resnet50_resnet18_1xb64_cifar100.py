# MGKD on the UniKD + DKD host, CIFAR-100 (stage 3): ../unikd/unikd_dkd_
# resnet50_resnet18_1xb64_cifar100.py (the authors' recipe: CE + UniKD's loss
# + DKD `loss_dkd`, 240 epochs, batch 64) plus MGKD's parts only: the stable
# excitation target replaces the teacher's logits as `loss_dkd`'s input, and
# the granularity loss is added. UniKD's own loss keeps reading the
# teacher's logits.
_base_ = [
    '../unikd/unikd_dkd_resnet50_resnet18_1xb64_cifar100.py',
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
            loss_dkd=dict(preds_T={{_base_.mgkd_stable_target}}))))
