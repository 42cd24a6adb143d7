# UniKD + plain KD (MMRazor's KLDivergence as the logit term). The unified
# loss keeps tau 1: with tau 4 this tiny student diverged (NaN) at lr 0.1.
_base_ = ['./unikd_dkd_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py']

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_logits=dict(
                _delete_=True, type='KLDivergence', tau=4, loss_weight=1)),
        loss_forward_mappings=dict(
            loss_logits=dict(
                _delete_=True,
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc')))))
