# MGKD on the UniKD + KD host, stacked instead of replaced (an option; the
# shipped configs replace): ./mgkd_unikd_<pair>.py with the host's `loss_kl`
# back on the teacher's logits and a second KD (`loss_mgkd_kd`,
# KLDivergence tau 4, weight 1) on the stable excitation target.
_base_ = ['./mgkd_unikd_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py']

model = dict(distiller={{_base_.mgkd_stacked_kd}})
