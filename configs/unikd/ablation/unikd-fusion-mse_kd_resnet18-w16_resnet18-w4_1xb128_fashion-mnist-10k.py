# Ablation of UniKD's thesis on Fashion-MNIST (benchmarks/fashion_mnist/
# protocol.py): the *same* fusion connector, student stages and teacher
# target (a stage before its residual ReLU) as UniKD + KD, but an MSE feature
# loss between the fused map and the teacher stage -- the "incoherent"
# feature + logit combination the authors compare against -- instead of the
# distribution heads and the unified distribution loss. The logit term is
# the KD row's. The feature loss is MMRazor's L2Loss as the FitNets + KD row
# uses it (squared distance of per-sample L2-normalised maps, weight 10).
# The connector keeps its output ReLU, as in UniKD, so the fused map cannot
# reach the negative part of the pre-ReLU target.
_base_ = [
    '../../kd/kd_logits_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py',
    '../_base_/unikd_resnet18-w16_resnet18-w4.py'
]

model = dict(
    distiller=dict(
        student_recorders={{_base_.unikd_student_recorders}},
        teacher_recorders={{_base_.unikd_teacher_recorders}},
        connectors=dict(s_unikd=[{{_base_.unikd_fusion}}]),
        distill_losses=dict(loss_feat=dict(type='L2Loss', loss_weight=10)),
        loss_forward_mappings=dict(
            loss_feat=dict(
                s_feature=dict(
                    from_student=True, recorder='stages',
                    connector='s_unikd'),
                t_feature=dict(from_student=False, recorder='stage')))))
