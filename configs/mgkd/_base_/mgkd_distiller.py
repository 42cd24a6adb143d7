# MGKD's parts of a ConfigurableDistiller (stage 3), as plain variables for
# `{{_base_.x}}`: a host config (KD, DKD, FitNets + KD, UniKD, ...) plus these
# parts and nothing else is the MGKD config of that host (MMEngine forbids
# two bases that both define `model`, hence variables).
#
# - recorders: the student's pooled feature (input of `head.fc`) and the
#   teacher's pooled feature and logits together (outputs of `neck` and
#   `head.fc`; for heads whose `pre_logits` is not the identity, record the
#   module that outputs the classifier's input instead of `neck`);
# - connectors: the frozen stage-2 analyser on the teacher side, which gives
#   both the logit target (connector_idx=0) and the codes (connector_idx=1),
#   and the student's encoders (trained with the student, dropped at export);
# - the granularity loss (`mgkd_losses`) and its mapping;
# - `mgkd_stable_target`: the mapping entry that feeds the stable excitation
#   target to the host's own logit loss in place of the teacher's logits,
#   e.g. `loss_kl=dict(preds_T={{_base_.mgkd_stable_target}})`.
# A pair config (`mgkd_<teacher>_<student>.py`) inherits this file and sets
# the channel counts and the analyser checkpoint of the connectors.
_base_ = ['./mgkd_branches.py']

mgkd_student_recorders = dict(
    mgkd_pooled=dict(type='ModuleInputs', source='head.fc'))
mgkd_teacher_recorders = dict(
    mgkd_pooled_logits=dict(
        type='MultiModuleOutputs', sources=['neck', 'head.fc']))
mgkd_connectors = dict(
    # frozen, loaded from the stage-2 checkpoint when built; its branches
    # are selected there by (code_dim, tau). stable=False: the target is the
    # teacher's logits ("MAG")
    mgkd_analyser=dict(
        type='MGKDAnalyserConnector',
        branches={{_base_.mgkd_branches}},
        stable=True,
        prefix='analyser.'),
    mgkd_student_encoders=dict(
        type='MGKDStudentEncoders', branches={{_base_.mgkd_branches}}))
mgkd_losses = dict(
    loss_mgkd_granularity=dict(
        type='MGKDGranularityLoss',
        branches={{_base_.mgkd_branches}},
        loss_weight=1.0))
mgkd_granularity_mapping = dict(
    student_codes=dict(
        from_student=True,
        recorder='mgkd_pooled',
        data_idx=0,
        connector='mgkd_student_encoders'),
    teacher_codes=dict(
        from_student=False,
        recorder='mgkd_pooled_logits',
        connector='mgkd_analyser',
        connector_idx=1))
mgkd_stable_target = dict(
    from_student=False,
    recorder='mgkd_pooled_logits',
    connector='mgkd_analyser',
    connector_idx=0)

# Stacking instead of replacing (an option; the default replaces), for hosts
# whose logit loss is `loss_kl` on the `fc` recorders (KD, UniKD + KD):
# `model = dict(distiller={{_base_.mgkd_stacked_kd}})` on top of the MGKD
# config puts `loss_kl` back on the teacher's logits and adds a second KD,
# `loss_mgkd_kd`, on the stable target.
mgkd_stacked_kd = dict(
    distill_losses=dict(
        loss_mgkd_kd=dict(type='KLDivergence', tau=4, loss_weight=1.0)),
    loss_forward_mappings=dict(
        loss_kl=dict(
            preds_T=dict(_delete_=True, from_student=False, recorder='fc')),
        loss_mgkd_kd=dict(
            preds_S=dict(from_student=True, recorder='fc'),
            preds_T=mgkd_stable_target)))
