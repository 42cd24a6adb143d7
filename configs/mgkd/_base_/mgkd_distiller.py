# The MGKD add-on of a ConfigurableDistiller (stage 3), independent of the
# models: recorders of both classifiers' `head.fc` (its inputs are the pooled
# features, its outputs the logits), the frozen stage-2 analyser on the
# teacher side, the student's encoders, the granularity loss and the logit KD
# against the stable excitation target.
#
# A pair config (`mgkd_<teacher>_<student>_<data>.py`) inherits this and sets
# the models, `connectors.mgkd_analyser.{in_channels,num_classes,checkpoint}`
# and `connectors.mgkd_student_encoders.in_channels`; a host config inherits
# the pair config and adds the host distiller's own losses.
_base_ = ['./mgkd_branches.py']

custom_imports = dict(imports=['mmrazor_unified'], allow_failed_imports=False)

model = dict(
    _scope_='mmrazor',
    type='StrictTeacherDistill',
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc'),
            pooled=dict(type='ModuleInputs', source='head.fc')),
        teacher_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc'),
            pooled=dict(type='ModuleInputs', source='head.fc')),
        connectors=dict(
            # frozen, loaded from the stage-2 checkpoint when built
            mgkd_analyser=dict(
                type='MGKDAnalyserConnector',
                branches={{_base_.mgkd_branches}},
                prefix='analyser.'),
            # trained with the student, dropped at export
            mgkd_student_encoders=dict(
                type='MGKDStudentEncoders',
                branches={{_base_.mgkd_branches}})),
        distill_losses=dict(
            loss_mgkd_granularity=dict(
                type='MGKDGranularityLoss',
                branches={{_base_.mgkd_branches}},
                loss_weight=1.0),
            # stable=False: plain teacher logits as the target ("MAG")
            loss_mgkd_kd=dict(
                type='MGKDStableKDLoss', tau=4.0, loss_weight=1.0,
                stable=True)),
        loss_forward_mappings=dict(
            loss_mgkd_granularity=dict(
                student_codes=dict(
                    from_student=True,
                    recorder='pooled',
                    data_idx=0,
                    connector='mgkd_student_encoders'),
                teacher_analysis=dict(
                    from_student=False,
                    recorder='pooled',
                    data_idx=0,
                    connector='mgkd_analyser')),
            loss_mgkd_kd=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc'),
                teacher_analysis=dict(
                    from_student=False,
                    recorder='pooled',
                    data_idx=0,
                    connector='mgkd_analyser')))))

find_unused_parameters = True
