# UniKD's unified distribution loss and its input mapping, as plain variables,
# so that any distiller config can add them with `{{_base_.unikd_loss}}` and
# `{{_base_.unikd_loss_mapping}}` (MMEngine forbids two bases that both define
# `model`: `unikd_distiller.py`, the KD/DKD rows and the MGKD host configs all
# do).
# The mapping reads the recorders `stages` (student stages), `stage` (teacher
# stage) and `fc` (each model's logits) through the connectors `s_unikd`
# (fusion + distribution head) and `t_unikd` (teacher distribution head).
#
# As in the authors' code (`UniLogits.py`): temperature 1, all weights 1,
# feature KL on samples, and gradients through both the teacher's sample in
# the feature KL and the student's logits in its self-consistency term. The
# two `detach_*` switches are deviations to try (see ../README.md).
# Typed dicts carry `_scope_='mmrazor'` (our modules live in MMRazor's
# registries): MMEngine would otherwise stamp `mmrazor_unified` on them when a
# config inherits this file by package path.
unikd_loss = dict(
    _scope_='mmrazor',
    type='UniKDDistributionLoss',
    tau=1.0,
    loss_weight=1.0,
    consistency_weight=1.0,
    mode='sample',
    detach_student_logits=False,
    detach_teacher_dist=False)
unikd_loss_mapping = dict(
    s_dist=dict(from_student=True, recorder='stages', connector='s_unikd'),
    t_dist=dict(from_student=False, recorder='stage', connector='t_unikd'),
    s_logits=dict(from_student=True, recorder='fc'),
    t_logits=dict(from_student=False, recorder='fc'))
