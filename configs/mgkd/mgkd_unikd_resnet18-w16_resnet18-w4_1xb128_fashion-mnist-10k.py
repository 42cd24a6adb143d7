# MGKD on the UniKD host (UniKD + KD): CE + UniKD's unified distribution loss
# + KD(tau=4) against MGKD's stable excitation target, which takes the place
# of the host's plain KD term, + granularity losses.
# The UniKD parts are shared with the UniKD configs of this pair.
_base_ = [
    './_base_/mgkd_resnet18-w16_resnet18-w4_fashion-mnist-10k.py',
    '../unikd/_base_/unikd_resnet18-w16_resnet18-w4.py',
    '../unikd/_base_/unikd_loss.py'
]

model = dict(
    distiller=dict(
        student_recorders={{_base_.unikd_student_recorders}},
        teacher_recorders={{_base_.unikd_teacher_recorders}},
        connectors={{_base_.unikd_connectors}},
        distill_losses=dict(loss_unikd={{_base_.unikd_loss}}),
        loss_forward_mappings=dict(
            loss_unikd={{_base_.unikd_loss_mapping}})))
