"""Distil two-stage detectors with both box heads on the student's RoIs."""
from typing import Dict, List, Optional, Union

import torch
from mmengine.model import BaseModel
from mmrazor.models.task_modules import ModuleInputsRecorder
from mmrazor.models.utils import add_prefix
from mmrazor.registry import MODELS
from torch import nn

from ..teacher_checkpoint import check_teacher_ckpt
from .model_cfg_path import resolve_cfg_path
from .strict_teacher_distill import StrictTeacherDistill

# the config keys of the two detectors
DETECTOR_KEYS = {True: 'model.architecture', False: 'model.teacher'}


@MODELS.register_module()
class StudentRoIsDistill(StrictTeacherDistill):
    """Run the teacher's box head on the RoIs the student sampled.

    MMRazor's ``SingleTeacherDistill`` runs the teacher's whole loss
    forward, with the teacher's own proposals and sampling, so its box head
    predicts for other boxes than the student's. Distilling what two RoI
    heads predict (DKD on the class logits, UniKD-Det's distributions) needs
    both on the same boxes: the student's sampled proposals, as in the UniKD
    authors' detection code. One training step here:

    1. the student's loss forward, inside the student recorders. The
       recorder named ``rois_recorder``, a ``ModuleInputs`` recorder on the
       student's ``roi_head.bbox_roi_extractor``, keeps that call's inputs
       ``(feature maps, rois)``: the sampled RoIs, (R, 5) as
       (image index, x1, y1, x2, y2);
    2. under ``no_grad``, inside the teacher recorders: the teacher's
       backbone and neck (``extract_feat``) on the same batch, then its RoI
       head's box branch (``StandardRoIHead._bbox_forward``: RoI extractor,
       shared head if any, box head) on those RoIs. The teacher's RPN,
       sampler and losses do not run;
    3. the distillation losses from the records (``distill.*``), plus the
       losses' diagnostics (``stats.*``, see :class:`StrictTeacherDistill`).

    When the algorithm is built, every connector module with a
    ``bind_roi_head`` method (e.g. :class:`UniKDRoIDistributionHead`) gets
    the RoI head of the detector whose records feed it (the loss mappings'
    ``from_student`` tells which), to read its sizes from. Both detectors
    must be two-stage detectors with an mmdet ``StandardRoIHead`` box branch
    and the same box head classes and regression layout.

    The teacher is frozen: ``teacher_trainable=True`` is refused, and so are
    deliveries and ``cache_teacher_outputs`` (the teacher's records depend on
    the student's RoIs of the step).

    Args:
        rois_recorder (str): The student recorder that holds the sampled
            RoIs (a ``ModuleInputs`` recorder on
            ``roi_head.bbox_roi_extractor``). Defaults to ``'rois'``.
        **kwargs: The arguments of :class:`StrictTeacherDistill`.
    """

    def __init__(self,
                 architecture: Union[BaseModel, Dict],
                 teacher: Union[BaseModel, Dict],
                 rois_recorder: str = 'rois',
                 **kwargs) -> None:
        for key in ('teacher_trainable', 'cache_teacher_outputs'):
            if kwargs.get(key):
                raise ValueError(
                    f'`model.{key}=True` is not supported by '
                    'StudentRoIsDistill: the teacher is frozen and runs its '
                    'box head on the RoIs the student samples in each step.')
        if kwargs.get('teacher_ckpt') is not None:
            check_teacher_ckpt(kwargs['teacher_ckpt'])  # before building
        # built and checked here, before any recorder looks for its source
        student = build_two_stage(architecture, 'model.architecture')
        teacher = build_two_stage(teacher, 'model.teacher')
        check_same_box_heads(student, teacher)
        super().__init__(architecture=student, teacher=teacher, **kwargs)
        if self.distiller.deliveries.deliveries:
            raise ValueError(
                'StudentRoIsDistill does not support '
                '`model.distiller.distill_deliveries` (got '
                f'{list(self.distiller.deliveries.deliveries)}): the teacher '
                'runs after the student.')
        self.rois_recorder = rois_recorder
        recorder = self.distiller.student_recorders.recorders.get(
            rois_recorder)
        if not isinstance(recorder, ModuleInputsRecorder):
            found = (f'a {type(recorder).__name__}'
                     if recorder is not None else 'no such recorder')
            raise ValueError(
                f'`model.rois_recorder` is {rois_recorder!r}: it must name a '
                "ModuleInputs recorder of `model.distiller.student_recorders` "
                "on 'roi_head.bbox_roi_extractor', got "
                f'{found} (student recorders: '
                f'{list(self.distiller.student_recorders.recorders)}).')
        self._bind_connectors()

    def _bind_connectors(self) -> None:
        """Give each connector with ``bind_roi_head`` the RoI head of the
        detector whose records feed it."""
        sides: Dict[str, set] = {}
        for mapping in self.distiller.loss_forward_mappings.values():
            for spec in mapping.values():
                if isinstance(spec, dict) and spec.get('connector'):
                    sides.setdefault(spec['connector'], set()).add(
                        bool(spec['from_student']))
        for name, connector in self.distiller.connectors.items():
            bindable = [
                m for m in connector.modules() if hasattr(m, 'bind_roi_head')
            ]
            if not bindable:
                continue
            if len(sides.get(name, ())) != 1:
                raise ValueError(
                    f'`model.distiller.connectors.{name}` reads the sizes of '
                    'the detector whose records it receives, so '
                    '`model.distiller.loss_forward_mappings` must feed it '
                    'from exactly one side (from_student True or False); '
                    f'found {sorted(sides.get(name, ()))}.')
            from_student = sides[name].pop()
            model = self.student if from_student else self.teacher
            for module in bindable:
                module.bind_roi_head(model.roi_head,
                                     DETECTOR_KEYS[from_student])

    def student_rois(self) -> torch.Tensor:
        """The RoIs the student sampled in its last loss forward.

        Returns:
            torch.Tensor: (R, 5), (image index, x1, y1, x2, y2) per RoI.
        """
        recorder = self.distiller.student_recorders.get_recorder(
            self.rois_recorder)
        if not recorder.data_buffer:
            raise RuntimeError(
                f'`model.rois_recorder` ({self.rois_recorder!r}, source '
                f'{recorder.source!r}) recorded nothing in the student\'s '
                'loss forward: its source must be the student\'s '
                "'roi_head.bbox_roi_extractor'.")
        record = recorder.get_record_data(0)  # the box branch's call
        rois = record[1] if len(record) > 1 else None
        is_tensor = isinstance(rois, torch.Tensor)
        if not is_tensor or rois.dim() != 2 or rois.size(1) != 5:
            raise ValueError(
                f'`model.rois_recorder` ({self.rois_recorder!r}, source '
                f'{recorder.source!r}) must record the inputs (feature maps, '
                'rois) of the student\'s roi_head.bbox_roi_extractor, with '
                'rois (R, 5); its second input is '
                f'{getattr(rois, "shape", rois)!r}.')
        return rois

    def loss(self, batch_inputs: torch.Tensor,
             data_samples: Optional[List] = None) -> Dict[str, torch.Tensor]:
        """The student's losses and the distillation losses on its RoIs.

        Args:
            batch_inputs (torch.Tensor): The batch, (N, C, H, W).
            data_samples (list, optional): Its ``DetDataSample`` s.

        Returns:
            dict: ``student.*``, ``distill.*`` and ``stats.*``.
        """
        losses = dict()
        # as SingleTeacherDistill: no student gradient only when the student
        # is neither trained nor scored
        grad = self.calculate_student_loss or self.student_trainable
        with self.distiller.student_recorders, torch.set_grad_enabled(
                grad and torch.is_grad_enabled()):
            student_losses = self.student(
                batch_inputs, data_samples, mode='loss')
        if self.calculate_student_loss:
            losses.update(add_prefix(student_losses, 'student'))
        if self.distillation_stopped:
            return losses
        rois = self.student_rois()
        with self.distiller.teacher_recorders, torch.no_grad():
            features = self.teacher.extract_feat(batch_inputs)
            self.teacher.roi_head._bbox_forward(features, rois)
        losses.update(
            add_prefix(self.distiller.compute_distill_losses(), 'distill'))
        losses.update(self.loss_stats())
        return losses


def build_two_stage(model: Union[BaseModel, Dict], key: str) -> BaseModel:
    """Build ``model`` (config at ``key``, which may use ``cfg_path``) and
    fail, naming ``key``, unless it is a two-stage detector with a
    ``StandardRoIHead`` box branch."""
    from mmdet.models.roi_heads import StandardRoIHead
    if isinstance(model, dict):
        model = MODELS.build(resolve_cfg_path(model, key))
    roi_head = getattr(model, 'roi_head', None)
    if (not isinstance(roi_head, StandardRoIHead) or not roi_head.with_bbox
            or not hasattr(model, 'extract_feat')):
        found = (f'a roi_head of type {type(roi_head).__name__}'
                 if roi_head is not None else 'no roi_head')
        raise ValueError(
            f'`{key}` ({type(model).__name__}) has {found}: StudentRoIsDistill'
            ' needs two-stage detectors (e.g. Faster R-CNN) whose '
            f'`{key}.roi_head` is an mmdet StandardRoIHead with a box branch '
            '(bbox_roi_extractor and bbox_head).')
    return model


def check_same_box_heads(student: nn.Module, teacher: nn.Module) -> None:
    """Fail unless both box heads predict the same classes and deltas."""
    s_head, t_head = student.roi_head.bbox_head, teacher.roi_head.bbox_head
    for name in ('num_classes', 'reg_class_agnostic'):
        s_value, t_value = getattr(s_head, name), getattr(t_head, name)
        if s_value != t_value:
            raise ValueError(
                f'`model.teacher.roi_head.bbox_head.{name}` is {t_value!r} '
                f'but `model.architecture.roi_head.bbox_head.{name}` is '
                f'{s_value!r}: the two box heads must predict the same '
                f'classes and deltas; expected {name}={s_value!r} for the '
                'teacher.')
    s_size, t_size = (s_head.bbox_coder.encode_size,
                      t_head.bbox_coder.encode_size)
    if s_size != t_size:
        raise ValueError(
            'the box coders of `model.architecture.roi_head.bbox_head` and '
            f'`model.teacher.roi_head.bbox_head` encode {s_size} and '
            f'{t_size} deltas per box; they must match.')
