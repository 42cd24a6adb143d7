# UniKD's unified distribution loss and its input mapping, as plain variables,
# so that any distiller config can add them with `{{_base_.unikd_loss}}` and
# `{{_base_.unikd_loss_mapping}}` (MMEngine forbids two bases that both define
# `model`: `unikd_distiller.py` and the MGKD host configs both use these).
# The mapping reads the recorders `stages` (student stages), `stage` (teacher
# stage) and `fc` (each model's logits) through the connectors `s_unikd`
# (fusion + distribution head) and `t_unikd` (teacher distribution head).

# tau 1, as the authors ran it next to DKD (they used 4 next to their logit
# KD; on our tiny Fashion-MNIST student tau 4 diverged).
# The student's logits are detached in its self-consistency term (the authors'
# code lets gradients through): there they are the *target* of a KL, whose
# gradient grows with how far the head's sampled logits stray (linearly in
# their scale), while the gradient on the sampled side stays bounded. In the
# Fashion-MNIST benchmark, UniKD runs without the detach had early loss spikes
# at lr 0.1 that collapsed or diverged some seeds.
unikd_loss = dict(
    type='UniKDDistributionLoss',
    tau=1.0,
    loss_weight=1.0,
    consistency_weight=1.0,
    mode='sample',
    detach_student_logits=True)
unikd_loss_mapping = dict(
    s_dist=dict(from_student=True, recorder='stages', connector='s_unikd'),
    t_dist=dict(from_student=False, recorder='stage', connector='t_unikd'),
    s_logits=dict(from_student=True, recorder='fc'),
    t_logits=dict(from_student=False, recorder='fc'))
