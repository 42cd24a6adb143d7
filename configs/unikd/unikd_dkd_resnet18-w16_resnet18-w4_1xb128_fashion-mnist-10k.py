# UniKD + DKD on Fashion-MNIST: ResNet_CIFAR-18 width 16 -> width 4. The DKD
# row's config (configs/dkd/: MMRazor's DKDLoss as `loss_dkd` with beta 2 and
# its warm-up hook) plus UniKD's parts only, exactly as UniKD + KD adds them
# to the KD row (see ./unikd_kd_resnet18-w16_resnet18-w4_1xb128_*.py).
_base_ = [
    '../dkd/dkd_logits_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py',
    './_base_/unikd_resnet18-w16_resnet18-w4.py', './_base_/unikd_loss.py'
]

model = dict(
    distiller=dict(
        student_recorders={{_base_.unikd_student_recorders}},
        teacher_recorders={{_base_.unikd_teacher_recorders}},
        connectors={{_base_.unikd_connectors}},
        distill_losses=dict(loss_unikd={{_base_.unikd_loss}}),
        loss_forward_mappings=dict(
            loss_unikd={{_base_.unikd_loss_mapping}})))
