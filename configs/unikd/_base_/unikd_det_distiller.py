# UniKD for two-stage detectors (UniKD-Det), the authors' detection variant
# (`detection/model/rcnn.py`, branch `UniKD`, of their mdistiller fork):
# both box heads predict for the RoIs the student sampled; on those RoIs,
# DKD on the class logits (background included) plus UniKD's distribution
# terms: a Gaussian over the class logits and one over the box deltas from
# each network's pooled RoI feature, matched between the networks (feature
# term, weight 1) and tied to each network's own outputs (self-consistency,
# weight 0.1), temperature 1.
#
# A config for a pair inherits this file plus dataset / schedule / runtime
# bases and sets
#   model.architecture and model.teacher: Faster R-CNN-like detectors (an
#     mmdet StandardRoIHead box branch, softmax classifier with background),
#     e.g. dict(cfg_path='mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py',
#     pretrained=False) with overrides such as
#     roi_head=dict(bbox_head=dict(num_classes=10)),
#   model.teacher_ckpt (without one the teacher stays random),
#   val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
#     where a schedule base defines `val_cfg` too.
# Nothing else: the distribution heads read their sizes (RoI feature
# channels, num_classes, reg_class_agnostic, box code size) from the detector
# whose features they receive, when the model is built.
#
# The two behaviours of the authors' code that look like slips are kept as
# defaults, each behind a switch of `loss_unikd` (see ../README.md):
#   student_box_target='teacher' (the student's box samples are tied to the
#     teacher's deltas; 'student': to its own),
#   box_divergence='softmax_kl' (a softmax KL over box deltas; 'mse': mean
#     squared error).
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
            # (pooled RoI features (R, C, 7, 7),): the box head's input
            roi_feats=dict(type='ModuleInputs', source='roi_head.bbox_head'),
            # (class logits (R, K + 1), box deltas (R, 4K) or (R, 4))
            roi_preds=dict(type='ModuleOutputs', source='roi_head.bbox_head'),
            # (cls_score, labels (R,), ...): the sampled RoIs' labels,
            # background = K, as the authors pass them to DKD
            roi_labels=dict(
                type='ModuleInputs', source='roi_head.bbox_head.loss_cls')),
        teacher_recorders=dict(
            roi_feats=dict(type='ModuleInputs', source='roi_head.bbox_head'),
            roi_preds=dict(type='ModuleOutputs', source='roi_head.bbox_head')),
        connectors=dict(
            # sizes left unset: read from the student's / teacher's box head
            s_roi_dist=dict(type='UniKDRoIDistributionHead'),
            # the teacher's head is trained with the student (the teacher's
            # detector stays frozen)
            t_roi_dist=dict(type='UniKDRoIDistributionHead')),
        distill_losses=dict(
            loss_dkd=dict(
                type='DKDLoss',
                tau=1.0,
                alpha=1.0,
                beta=0.25,
                loss_weight=1.0,
                reduction='batchmean'),
            loss_unikd=dict(
                type='UniKDRoIDistributionLoss',
                tau=1.0,
                loss_weight=1.0,
                consistency_weight=0.1,
                student_box_target='teacher',
                box_divergence='softmax_kl',
                detach_student_outputs=False,
                detach_teacher_dist=False)),
        loss_forward_mappings=dict(
            loss_dkd=dict(
                preds_S=dict(
                    from_student=True, recorder='roi_preds', data_idx=0),
                preds_T=dict(
                    from_student=False, recorder='roi_preds', data_idx=0),
                gt_labels=dict(
                    from_student=True, recorder='roi_labels', data_idx=1)),
            loss_unikd=dict(
                s_dist=dict(
                    from_student=True,
                    recorder='roi_feats',
                    data_idx=0,
                    connector='s_roi_dist'),
                t_dist=dict(
                    from_student=False,
                    recorder='roi_feats',
                    data_idx=0,
                    connector='t_roi_dist'),
                s_cls_score=dict(
                    from_student=True, recorder='roi_preds', data_idx=0),
                s_bbox_pred=dict(
                    from_student=True, recorder='roi_preds', data_idx=1),
                t_cls_score=dict(
                    from_student=False, recorder='roi_preds', data_idx=0),
                t_bbox_pred=dict(
                    from_student=False, recorder='roi_preds', data_idx=1)))))

find_unused_parameters = True
