"""Logit KD of MGKD against the stable excitation target."""
from typing import Sequence

import torch
import torch.nn as nn
from mmrazor.models.losses import KLDivergence
from mmrazor.registry import MODELS

from ..heads.mgkd_analyser import MGKDAnalysis


def stable_excitation_target(
        preds_T: torch.Tensor,
        recon_logits: Sequence[torch.Tensor]) -> torch.Tensor:
    """The stable excitation target of MGKD ("MAS").

    The mean of the teacher's logits and every branch's reconstructed
    logits, taken before any softmax, detached:
    ``mean(z_T, D_1(E_1(f_T)), ..., D_n(E_n(f_T)))``.

    Args:
        preds_T (torch.Tensor): Teacher logits z_T, (B, K).
        recon_logits (Sequence[torch.Tensor]): The analyser's reconstructed
            logits, (B, K) each.

    Returns:
        torch.Tensor: (B, K), without gradient.
    """
    for k, logits in enumerate(recon_logits):
        if logits.shape != preds_T.shape:
            raise ValueError(
                f'Reconstructed logits of branch {k} have shape '
                f'{tuple(logits.shape)}, expected the teacher logits\' '
                f'{tuple(preds_T.shape)}.')
    return torch.stack([preds_T, *recon_logits]).mean(dim=0).detach()


@MODELS.register_module()
class MGKDStableKDLoss(nn.Module):
    """Logit KD of MGKD: MMRazor's ``KLDivergence`` against the stable target.

    With ``stable=True`` ("MAS") the student's logits are distilled towards
    :func:`stable_excitation_target` of the teacher's logits and the
    analyser's reconstructed logits; with ``stable=False`` ("MAG") towards
    the teacher's logits. The loss is
    ``loss_weight * tau^2 * KL(softmax(target / tau) || softmax(z_S / tau))``,
    batch mean.

    Args:
        tau (float): Temperature. Defaults to 4.0.
        loss_weight (float): Weight. Defaults to 1.0.
        stable (bool): Use the stable excitation target. Defaults to True.
    """

    def __init__(self,
                 tau: float = 4.0,
                 loss_weight: float = 1.0,
                 stable: bool = True) -> None:
        super().__init__()
        self.stable = stable
        self.kd = KLDivergence(tau=tau, loss_weight=loss_weight)

    @property
    def tau(self) -> float:
        return self.kd.tau

    @property
    def loss_weight(self) -> float:
        return self.kd.loss_weight

    def forward(self, preds_S: torch.Tensor, preds_T: torch.Tensor,
                teacher_analysis: MGKDAnalysis) -> torch.Tensor:
        """Compute the loss.

        Args:
            preds_S (torch.Tensor): Student logits, (B, K).
            preds_T (torch.Tensor): Teacher logits, (B, K).
            teacher_analysis (MGKDAnalysis): The teacher analyser's output
                (``MGKDAnalyserConnector``); its ``logits`` are used when
                ``stable`` is True.

        Returns:
            torch.Tensor: The loss, a scalar.
        """
        if self.stable:
            target = stable_excitation_target(preds_T, teacher_analysis.logits)
        else:
            target = preds_T.detach()
        return self.kd(preds_S, target)
