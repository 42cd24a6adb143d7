"""Granularity losses of MGKD: distil the analyser's codes into the student."""
from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmrazor.registry import MODELS

from ..heads.mgkd_analyser import DEFAULT_MGKD_BRANCHES, parse_mgkd_branches


@MODELS.register_module()
class MGKDGranularityLoss(nn.Module):
    """Sum over branches of temperature-scaled KL between codes.

    .. math::
        L = \\lambda \\sum_k w_k \\tau_k^2 \\,
            KL\\big(softmax(t_k / \\tau_k) \\,\\|\\,
                softmax(s_k / \\tau_k)\\big)

    with t_k the teacher analyser's code of branch k (detached), s_k the
    student encoder's code, and the KL averaged over the batch.

    Args:
        branches (Sequence[dict]): ``dict(code_dim, tau, weight)`` per
            branch: the code widths of the analyser connector's and the
            student encoders' branches, in their order; ``tau`` and
            ``weight`` are this loss's (the reference uses the stage-2
            temperatures; a different ``tau`` here needs no new analyser).
        loss_weight (float): lambda; a plain attribute, so
            ``DistillLossWarmupHook`` can ramp it. Defaults to 1.0.
    """

    def __init__(self,
                 branches: Sequence[dict] = DEFAULT_MGKD_BRANCHES,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        self.branches = parse_mgkd_branches(branches)
        self.loss_weight = loss_weight

    def forward(self, student_codes: Sequence[torch.Tensor],
                teacher_codes: Sequence[torch.Tensor]) -> torch.Tensor:
        """Compute the loss.

        Args:
            student_codes (Sequence[torch.Tensor]): The student's code per
                branch, (B, d_k) each (``MGKDStudentEncoders``' output).
            teacher_codes (Sequence[torch.Tensor]): The teacher analyser's
                code per branch, (B, d_k) each (field ``codes``,
                ``connector_idx=1``, of ``MGKDAnalyserConnector``'s output).

        Returns:
            torch.Tensor: The weighted sum, a scalar.
        """
        expected = len(self.branches)
        given = dict(student_codes=student_codes, teacher_codes=teacher_codes)
        for name, codes in given.items():
            if len(codes) != expected:
                raise ValueError(
                    f'MGKDGranularityLoss: `branches` has {expected} '
                    f'branches but {name} has {len(codes)} entries.')
        loss = 0.
        for k, (branch, s, t) in enumerate(
                zip(self.branches, student_codes, teacher_codes)):
            width = branch['code_dim']
            if s.dim() != 2 or t.dim() != 2 or s.shape != t.shape \
                    or s.size(1) != width:
                raise ValueError(
                    f'MGKDGranularityLoss: branch {k} expects codes of shape '
                    f'(B, {width}) from student and teacher, got student '
                    f'{tuple(s.shape)} and teacher {tuple(t.shape)}.')
            tau = branch['tau']
            kl = F.kl_div(
                F.log_softmax(s / tau, dim=1),
                F.softmax(t.detach() / tau, dim=1),
                reduction='batchmean')
            loss = loss + branch['weight'] * tau**2 * kl
        return self.loss_weight * loss
