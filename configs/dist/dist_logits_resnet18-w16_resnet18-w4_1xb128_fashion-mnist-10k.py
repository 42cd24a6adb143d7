# MMRazor's DISTLoss (inter- and intra-class relations) on the Fashion-MNIST
# pair, with the weights of MMRazor's own DIST config.
_base_ = ['../kd/kd_logits_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py']

model = dict(
    distiller=dict(
        distill_losses=dict(
            _delete_=True,
            loss_dist=dict(
                type='DISTLoss',
                inter_loss_weight=1.0,
                intra_loss_weight=1.0,
                tau=1,
                loss_weight=2)),
        loss_forward_mappings=dict(
            _delete_=True,
            loss_dist=dict(
                logits_S=dict(from_student=True, recorder='fc'),
                logits_T=dict(from_student=False, recorder='fc')))))
