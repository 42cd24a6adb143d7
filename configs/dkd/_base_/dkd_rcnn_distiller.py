# DKD on the RoI class logits of two-stage detectors, as UniKD's authors
# distil Faster R-CNN (`detection/model/rcnn.py` of their mdistiller fork,
# the logit term of their UniKD branch; also the host of UniKD-Det,
# ../../unikd/_base_/unikd_det_distiller.py): the teacher's box head runs on
# the RoIs the student sampled, and MMRazor's DKDLoss (alpha 1, beta 0.25,
# temperature 1) matches the two networks' class logits (K classes +
# background) on those RoIs, each RoI's target class being its sampled label
# (background = K), as the authors pass them.
#
# A config for a pair inherits this file plus dataset / schedule / runtime
# bases and sets model.architecture and model.teacher (Faster R-CNN-like
# detectors: an mmdet StandardRoIHead box branch, softmax classifier with
# background), model.teacher_ckpt (without one the teacher stays random),
# and val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
# where a schedule base defines `val_cfg` too.
custom_imports = dict(imports=['mmrazor_unified'], allow_failed_imports=False)

model = dict(
    _scope_='mmrazor',
    # the student's loss forward, then the teacher's backbone, neck and box
    # head on the student's sampled RoIs (no gradient into the teacher)
    type='StudentRoIsDistill',
    rois_recorder='rois',
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            # (FPN maps, sampled RoIs (R, 5)): the RoIs the teacher runs on
            rois=dict(
                type='ModuleInputs', source='roi_head.bbox_roi_extractor'),
            # (class logits (R, K + 1), box deltas (R, 4K) or (R, 4))
            roi_preds=dict(type='ModuleOutputs', source='roi_head.bbox_head'),
            # (cls_score, labels (R,), ...): the sampled RoIs' labels,
            # background = K
            roi_labels=dict(
                type='ModuleInputs', source='roi_head.bbox_head.loss_cls')),
        teacher_recorders=dict(
            roi_preds=dict(type='ModuleOutputs', source='roi_head.bbox_head')),
        distill_losses=dict(
            loss_dkd=dict(
                type='DKDLoss',
                tau=1.0,
                alpha=1.0,
                beta=0.25,
                loss_weight=1.0,
                reduction='batchmean')),
        loss_forward_mappings=dict(
            loss_dkd=dict(
                preds_S=dict(
                    from_student=True, recorder='roi_preds', data_idx=0),
                preds_T=dict(
                    from_student=False, recorder='roi_preds', data_idx=0),
                gt_labels=dict(
                    from_student=True, recorder='roi_labels', data_idx=1)))))

find_unused_parameters = True
