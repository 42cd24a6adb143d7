# UniKD for two-stage detectors (UniKD-Det), the authors' detection variant
# (`detection/model/rcnn.py`, branch `UniKD`, of their mdistiller fork):
# both box heads predict for the RoIs the student sampled; on those RoIs,
# DKD on the class logits (background included; the host,
# ../../dkd/_base_/dkd_rcnn_distiller.py, this file's base) plus UniKD's
# distribution terms: a Gaussian over the class logits and one over the box deltas from
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
_base_ = '../../dkd/_base_/dkd_rcnn_distiller.py'

model = dict(
    distiller=dict(
        student_recorders=dict(
            # (pooled RoI features (R, C, 7, 7),): the box head's input
            roi_feats=dict(type='ModuleInputs', source='roi_head.bbox_head')),
        teacher_recorders=dict(
            roi_feats=dict(type='ModuleInputs', source='roi_head.bbox_head')),
        connectors=dict(
            # sizes left unset: read from the student's / teacher's box head
            s_roi_dist=dict(type='UniKDRoIDistributionHead'),
            # the teacher's head is trained with the student (the teacher's
            # detector stays frozen)
            t_roi_dist=dict(type='UniKDRoIDistributionHead')),
        distill_losses=dict(
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
