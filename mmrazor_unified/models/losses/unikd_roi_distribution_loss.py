"""UniKD's unified distribution loss for detectors (RoI class and box)."""
from typing import Dict

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmrazor.registry import MODELS

from ..heads.unikd_roi_distribution_head import RoIGaussians
from .unikd_distribution_loss import _kd


@MODELS.register_module()
class UniKDRoIDistributionLoss(nn.Module):
    """UniKD-Det's feature and self-consistency terms on sampled RoIs.

    The inputs describe the same R RoIs (the student's sampled proposals,
    which :class:`StudentRoIsDistill` also runs the teacher's box head on):
    each network's :class:`RoIGaussians` (from a
    :class:`UniKDRoIDistributionHead`) and its box head's class logits
    (R, K + 1) and box deltas (R, D). With
    ``KD_T(s, t) = T**2 * KL(softmax(t/T) || softmax(s/T))`` (mean over the
    RoIs), ``z`` a network's samples and ``div`` the box divergence::

        feature     = KD_T(z_s.cls, z_t.cls) + div(z_s.box, z_t.box)
        consistency = KD_T(z_s.cls, cls_s) + div(z_s.box, target_s)
                    + KD_T(z_t.cls, cls_t) + div(z_t.box, deltas_t)
        loss = loss_weight * feature + consistency_weight * consistency

    By default this is the authors' code (``detection/model/rcnn.py``,
    branch ``UniKD``): temperature 1, weights 1 and 0.1, ``div = KD_T``
    (a softmax over the box deltas), and the student's box samples tied to
    the **teacher's** deltas (``target_s = deltas_t``). The two odd choices
    are switches, so that a benchmark can test the alternatives:

    - ``student_box_target='student'`` ties the student's box samples to
      its own deltas, as its class samples are tied to its own logits;
    - ``box_divergence='mse'`` measures the box terms as the mean squared
      error over RoIs and deltas (regression values, not categories; the
      temperature does not enter it).

    Gradients flow as in the authors' code: the teacher's samples are not
    detached in the feature term (the teacher's distribution head learns
    from it) and the student's outputs are not detached in its consistency
    term; ``detach_teacher_dist`` and ``detach_student_outputs`` change
    that. The teacher's box head outputs carry no gradient anyway (it runs
    under ``no_grad``). All terms are computed in float32.

    After each forward, :attr:`stats` holds detached diagnostics (the four
    unweighted terms and the mean log-variances), which
    :class:`StrictTeacherDistill` logs beside the losses.

    Args:
        tau (float): Temperature T of the KL terms. Defaults to 1.0 (the
            authors' detection value).
        loss_weight (float): Weight of the feature term. Defaults to 1.0.
        consistency_weight (float): Weight of the self-consistency terms.
            Defaults to 0.1.
        student_box_target (str): ``'teacher'`` (the authors' code) or
            ``'student'``: whose deltas the student's box samples are tied to
            in its consistency term. Defaults to ``'teacher'``.
        box_divergence (str): ``'softmax_kl'`` (``KD_T`` over the deltas, the
            authors' code) or ``'mse'``. Defaults to ``'softmax_kl'``.
        detach_student_outputs (bool): Detach the student's logits and
            deltas in its consistency term. Defaults to False.
        detach_teacher_dist (bool): Detach the teacher's samples in the
            feature term. Defaults to False.
    """

    box_targets = ('teacher', 'student')
    box_divergences = ('softmax_kl', 'mse')

    def __init__(self,
                 tau: float = 1.0,
                 loss_weight: float = 1.0,
                 consistency_weight: float = 0.1,
                 student_box_target: str = 'teacher',
                 box_divergence: str = 'softmax_kl',
                 detach_student_outputs: bool = False,
                 detach_teacher_dist: bool = False) -> None:
        super().__init__()
        if tau <= 0:
            raise ValueError(f'`tau` must be positive, got {tau!r}.')
        if student_box_target not in self.box_targets:
            raise ValueError(f'`student_box_target` must be one of '
                             f'{self.box_targets}, got '
                             f'{student_box_target!r}.')
        if box_divergence not in self.box_divergences:
            raise ValueError(f'`box_divergence` must be one of '
                             f'{self.box_divergences}, got '
                             f'{box_divergence!r}.')
        self.tau = tau
        self.loss_weight = loss_weight
        self.consistency_weight = consistency_weight
        self.student_box_target = student_box_target
        self.box_divergence = box_divergence
        self.detach_student_outputs = detach_student_outputs
        self.detach_teacher_dist = detach_teacher_dist
        self.stats: Dict[str, torch.Tensor] = {}

    def _box_div(self, pred: torch.Tensor,
                 target: torch.Tensor) -> torch.Tensor:
        """The box divergence of ``pred`` from ``target``, (R, D) each."""
        if self.box_divergence == 'mse':
            return F.mse_loss(pred.float(), target.float())
        return _kd(pred, target, self.tau)

    @staticmethod
    def _check_inputs(s_dist: RoIGaussians, t_dist: RoIGaussians,
                      **outputs: torch.Tensor) -> None:
        """Check the types and that all inputs describe the same RoIs with
        matching class and box dimensions."""
        for name, dist in (('s_dist', s_dist), ('t_dist', t_dist)):
            if not isinstance(dist, RoIGaussians):
                raise TypeError(
                    f'`{name}` must be the RoIGaussians of a '
                    'UniKDRoIDistributionHead connector, got '
                    f'{type(dist).__name__}.')
        shapes = dict(
            s_dist_cls=s_dist.cls.sample.shape,
            s_dist_box=s_dist.box.sample.shape,
            t_dist_cls=t_dist.cls.sample.shape,
            t_dist_box=t_dist.box.sample.shape)
        shapes.update((name, t.shape) for name, t in outputs.items())
        listing = ', '.join(f'{k} {tuple(v)}' for k, v in shapes.items())
        num_rois = {s[0] if len(s) == 2 else None for s in shapes.values()}
        if len(num_rois) != 1 or None in num_rois:
            raise ValueError('all inputs must be (R, dims) for the same R '
                             f'RoIs, got {listing}.')
        groups = dict(
            cls=('s_dist_cls', 't_dist_cls', 's_cls_score', 't_cls_score'),
            box=('s_dist_box', 't_dist_box', 's_bbox_pred', 't_bbox_pred'))
        for part, names in groups.items():
            if len({shapes[n][1] for n in names}) != 1:
                raise ValueError(
                    f'the {part} dimensions differ: {listing}; the two '
                    'detectors must have the same box head classes and '
                    'regression (num_classes, reg_class_agnostic), and the '
                    'distribution heads their sizes.')

    def forward(self, s_dist: RoIGaussians, t_dist: RoIGaussians,
                s_cls_score: torch.Tensor, s_bbox_pred: torch.Tensor,
                t_cls_score: torch.Tensor,
                t_bbox_pred: torch.Tensor) -> torch.Tensor:
        """Compute the loss.

        Args:
            s_dist (RoIGaussians): Student distributions, (R, K + 1) and
                (R, D).
            t_dist (RoIGaussians): Teacher distributions, same shapes.
            s_cls_score (torch.Tensor): Student class logits, (R, K + 1).
            s_bbox_pred (torch.Tensor): Student box deltas, (R, D).
            t_cls_score (torch.Tensor): Teacher class logits, (R, K + 1).
            t_bbox_pred (torch.Tensor): Teacher box deltas, (R, D).

        Returns:
            torch.Tensor: The scalar float32 loss (0 without RoIs).
        """
        self._check_inputs(
            s_dist,
            t_dist,
            s_cls_score=s_cls_score,
            s_bbox_pred=s_bbox_pred,
            t_cls_score=t_cls_score,
            t_bbox_pred=t_bbox_pred)
        if s_cls_score.size(0) == 0:  # no RoIs: a zero that keeps the graph
            self.stats = {}
            inputs = (*s_dist.cls, *s_dist.box, *t_dist.cls, *t_dist.box,
                      s_cls_score, s_bbox_pred)
            return sum(t.float().sum() for t in inputs) * 0.
        if self.detach_student_outputs:
            s_cls_score = s_cls_score.detach()
            s_bbox_pred = s_bbox_pred.detach()
        s_cls, s_box = s_dist.cls.sample, s_dist.box.sample
        t_cls, t_box = t_dist.cls.sample, t_dist.box.sample
        t_cls_target, t_box_target = t_cls, t_box
        if self.detach_teacher_dist:
            t_cls_target, t_box_target = t_cls.detach(), t_box.detach()
        # the authors' default: the student's box samples vs the teacher's
        # deltas
        s_box_target = t_bbox_pred
        if self.student_box_target == 'student':
            s_box_target = s_bbox_pred
        with torch.autocast(device_type=s_cls.device.type, enabled=False):
            feature_cls = _kd(s_cls, t_cls_target, self.tau)
            feature_box = self._box_div(s_box, t_box_target)
            consistency_s = (
                _kd(s_cls, s_cls_score, self.tau) +
                self._box_div(s_box, s_box_target))
            consistency_t = (
                _kd(t_cls, t_cls_score, self.tau) +
                self._box_div(t_box, t_bbox_pred))
        self.stats = {
            'feature_cls': feature_cls.detach(),
            'feature_box': feature_box.detach(),
            'consistency_s': consistency_s.detach(),
            'consistency_t': consistency_t.detach(),
            's_log_var': self._mean_log_var(s_dist),
            't_log_var': self._mean_log_var(t_dist),
        }
        return (self.loss_weight * (feature_cls + feature_box) +
                self.consistency_weight * (consistency_s + consistency_t))

    @staticmethod
    def _mean_log_var(dist: RoIGaussians) -> torch.Tensor:
        """Mean log-variance over both Gaussians (detached)."""
        log_vars = (dist.cls.log_var.flatten(), dist.box.log_var.flatten())
        return torch.cat(log_vars).detach().mean()
