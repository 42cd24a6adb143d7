# UniKD + KD on Fashion-MNIST: ResNet_CIFAR-18 width 16 -> width 4. The KD
# row's config (configs/kd/: MMRazor's KLDivergence as `loss_kl`, same values,
# no warm-up) plus UniKD's parts only -- recorders, connectors and the
# unified loss `loss_unikd` -- so that the two rows differ by UniKD alone and
# the KD row's options (e.g. `model.distiller.distill_losses.loss_kl.tau`)
# apply unchanged. The UniKD parts of the pair are in
# ./_base_/unikd_resnet18-w16_resnet18-w4.py, the loss in
# ./_base_/unikd_loss.py.
_base_ = [
    '../kd/kd_logits_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py',
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
