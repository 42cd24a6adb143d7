"""Unified distribution loss of UniKD."""
from typing import Dict, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmrazor.registry import MODELS

from ..heads.unikd_distribution_head import GaussianLogits

Distribution = Union[GaussianLogits, torch.Tensor]


def _kd(pred: torch.Tensor, target: torch.Tensor, tau: float) -> torch.Tensor:
    """``tau**2 * KL(softmax(target / tau) || softmax(pred / tau))``.

    Args:
        pred (torch.Tensor): Logits pulled towards the target, (B, K).
        target (torch.Tensor): Target logits, (B, K).
        tau (float): Temperature.

    Returns:
        torch.Tensor: The batch-mean KL divergence (scalar, float32).
    """
    log_p = F.log_softmax(pred.float() / tau, dim=1)
    log_q = F.log_softmax(target.float() / tau, dim=1)
    return tau**2 * F.kl_div(
        log_p, log_q, reduction='batchmean', log_target=True)


def _gaussian_kl(target: GaussianLogits, pred: GaussianLogits) -> torch.Tensor:
    """Closed-form ``KL(N_target || N_pred)`` of diagonal Gaussians.

    Args:
        target (GaussianLogits): The reference distribution, (B, K) each.
        pred (GaussianLogits): The approximating distribution, (B, K) each.

    Returns:
        torch.Tensor: The KL summed over K and averaged over the batch.
    """
    mu_t, lv_t = target.mean.float(), target.log_var.float()
    mu_p, lv_p = pred.mean.float(), pred.log_var.float()
    ratio = (lv_t.exp() + (mu_t - mu_p).pow(2)) * torch.exp(-lv_p)
    kl = 0.5 * (lv_p - lv_t + ratio - 1)  # (B, K)
    return kl.sum(dim=1).mean()


@MODELS.register_module()
class UniKDDistributionLoss(nn.Module):
    """Unified distribution loss of UniKD (ECCV 2024).

    With ``KD_T(s, t) = T**2 * KL(softmax(t/T) || softmax(s/T))`` (batch
    mean) and ``z_s``, ``z_t`` the student's and teacher's feature
    distributions (outputs of :class:`UniKDDistributionHead`)::

        loss = loss_weight * feature_term
             + consistency_weight * (KD_T(z_s, logits_s) + KD_T(z_t, logits_t))

    where ``feature_term`` is ``KD_T(z_s, z_t)`` on the samples
    (``mode='sample'``, as in the authors' code) or the closed-form
    ``KL(N_t || N_s)`` between the diagonal Gaussians (``mode='gaussian'``;
    the temperature does not enter it and the consistency terms then use the
    means). All computations run in float32, also under autocast.

    Gradient flow follows the authors' code by default: the teacher's
    distribution is *not* detached in the feature term, so the teacher's
    (trainable) distribution head learns from the feature KL as well as from
    its own consistency term, and the student's logits are not detached in
    the student's consistency term. Both are switches
    (``detach_teacher_dist``, ``detach_student_logits``).

    After each forward, :attr:`stats` holds detached diagnostics of that
    batch: the unweighted ``feature`` and consistency terms
    (``consistency_s``, ``consistency_t``) and the mean log-variance of
    both distributions (``s_log_var``, ``t_log_var``; Gaussians only).
    :class:`StrictTeacherDistill` logs them next to the losses.

    Args:
        tau (float): Temperature T of the KL terms. Defaults to 4.0.
        loss_weight (float): Weight of the feature term. Defaults to 1.0.
        consistency_weight (float): Weight of the two self-consistency terms.
            Defaults to 1.0.
        mode (str): ``'sample'`` or ``'gaussian'``. Defaults to ``'sample'``.
        detach_student_logits (bool): Whether the student's logits are
            detached in its consistency term. Defaults to False (the authors'
            code lets gradients reach them).
        detach_teacher_dist (bool): Whether the teacher distribution is
            detached in the feature term, so that the teacher's head learns
            from its consistency term only. Defaults to False (the authors'
            code lets gradients reach it).
    """

    modes = ('sample', 'gaussian')

    def __init__(self,
                 tau: float = 4.0,
                 loss_weight: float = 1.0,
                 consistency_weight: float = 1.0,
                 mode: str = 'sample',
                 detach_student_logits: bool = False,
                 detach_teacher_dist: bool = False) -> None:
        super().__init__()
        if mode not in self.modes:
            raise ValueError(
                f'`mode` must be one of {self.modes}, got {mode!r}.')
        if tau <= 0:
            raise ValueError(f'`tau` must be positive, got {tau!r}.')
        self.tau = tau
        self.loss_weight = loss_weight
        self.consistency_weight = consistency_weight
        self.mode = mode
        self.detach_student_logits = detach_student_logits
        self.detach_teacher_dist = detach_teacher_dist
        self.stats: Dict[str, torch.Tensor] = {}

    def _check_inputs(self, s_dist: Distribution, t_dist: Distribution,
                      s_logits: torch.Tensor, t_logits: torch.Tensor) -> None:
        """Check the input types and that all four are (B, K), same K."""
        gaussians = all(
            isinstance(d, GaussianLogits) for d in (s_dist, t_dist))
        if self.mode == 'gaussian' and not gaussians:
            raise ValueError(
                "`mode='gaussian'` needs GaussianLogits for s_dist and t_dist "
                '(the output of UniKDDistributionHead), got '
                f'{type(s_dist).__name__} and {type(t_dist).__name__}.')
        named = (
            ('student logits have', s_logits),
            ('teacher logits have', t_logits),
            ('the student distribution (s_dist) has', self._sample(s_dist)),
            ('the teacher distribution (t_dist) has', self._sample(t_dist)),
        )
        for name, tensor in named:
            if tensor.dim() != 2:
                raise ValueError(f'{name} shape {tuple(tensor.shape)}, '
                                 'expected (B, num_classes).')
        num_classes = s_logits.size(1)
        for name, tensor in named[1:]:
            if tensor.size(1) == num_classes:
                continue
            hint = ('teacher and student must be built with the same '
                    'num_classes' if name.startswith('teacher logits') else
                    'the num_classes of the UniKDDistributionHead connectors '
                    "must equal the models' num_classes")
            raise ValueError(f'{name} {tensor.size(1)} classes but student '
                             f'logits {num_classes}; {hint}.')

    @staticmethod
    def _sample(dist: Distribution) -> torch.Tensor:
        """The sample of a distribution; a plain tensor is one already."""
        return dist.sample if isinstance(dist, GaussianLogits) else dist

    def forward(self, s_dist: Distribution, t_dist: Distribution,
                s_logits: torch.Tensor,
                t_logits: torch.Tensor) -> torch.Tensor:
        """Compute the loss.

        Args:
            s_dist (GaussianLogits | torch.Tensor): Student feature
                distribution; a tensor is taken as a sample (``'sample'``
                mode only). (B, K).
            t_dist (GaussianLogits | torch.Tensor): Teacher feature
                distribution, like ``s_dist``.
            s_logits (torch.Tensor): Student logits, (B, K).
            t_logits (torch.Tensor): Teacher logits, (B, K).

        Returns:
            torch.Tensor: The scalar float32 loss.
        """
        self._check_inputs(s_dist, t_dist, s_logits, t_logits)
        if self.detach_student_logits:
            s_logits = s_logits.detach()
        with torch.autocast(device_type=s_logits.device.type, enabled=False):
            if self.mode == 'gaussian':
                t_target = t_dist
                if self.detach_teacher_dist:
                    t_target = GaussianLogits(*(t.detach() for t in t_dist))
                feature_term = _gaussian_kl(t_target, s_dist)
                z_s, z_t = s_dist.mean, t_dist.mean
            else:
                z_s, z_t = self._sample(s_dist), self._sample(t_dist)
                t_target = z_t.detach() if self.detach_teacher_dist else z_t
                feature_term = _kd(z_s, t_target, self.tau)
            consistency_s = _kd(z_s, s_logits, self.tau)
            consistency_t = _kd(z_t, t_logits, self.tau)
        self.stats = self._stats(s_dist, t_dist, feature=feature_term,
                                 consistency_s=consistency_s,
                                 consistency_t=consistency_t)
        return (self.loss_weight * feature_term + self.consistency_weight *
                (consistency_s + consistency_t))

    @staticmethod
    def _stats(s_dist: Distribution, t_dist: Distribution,
               **terms: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Detached terms, plus each Gaussian's mean log-variance."""
        stats = {k: v.detach() for k, v in terms.items()}
        for name, dist in (('s_log_var', s_dist), ('t_log_var', t_dist)):
            if isinstance(dist, GaussianLogits):
                stats[name] = dist.log_var.detach().float().mean()
        return stats
