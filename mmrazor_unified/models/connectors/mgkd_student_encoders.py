"""Student-side MGKD connector: one trainable encoder per granularity."""
from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmrazor.models.architectures.connectors.base_connector import \
    BaseConnector
from mmrazor.registry import MODELS

from ..heads.mgkd_analyser import (DEFAULT_MGKD_BRANCHES, Feature,
                                   check_positive_int, mgkd_encoder,
                                   parse_mgkd_branches, pooled_feature)


@MODELS.register_module()
class MGKDStudentEncoders(BaseConnector):
    """The student's encoders E_k^S of MGKD (stage 3).

    Branch k: Linear(C_s, C_s) -> ReLU -> Linear(C_s, d_k) on the student's
    pooled feature; its code is matched to the teacher analyser's code of
    the same branch by :class:`MGKDGranularityLoss`. Trained with the
    student, dropped at inference (the exported student has no MGKD part).

    The layers get PyTorch's default ``nn.Linear`` initialisation when they
    are built in ``__init__``; that is the whole initialisation, since
    MMRazor never calls ``init_weights`` on connectors.

    Args:
        in_channels (int): Channels C_s of the student's pooled feature.
        branches (Sequence[dict]): ``dict(code_dim, tau, weight)`` per
            branch, the same list as the analyser's.
        init_cfg (dict, optional): Unused by MMRazor; kept for the interface.
    """

    def __init__(self,
                 in_channels: int,
                 branches: Sequence[dict] = DEFAULT_MGKD_BRANCHES,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg)
        self.in_channels = check_positive_int('in_channels', in_channels)
        self.branches = parse_mgkd_branches(branches)
        self.encoders = nn.ModuleList(
            mgkd_encoder(in_channels, b['code_dim']) for b in self.branches)

    def forward_train(self, feature: Feature) -> Tuple[torch.Tensor, ...]:
        """Codes E_k^S(f_S) of every branch, each (B, d_k).

        Args:
            feature (torch.Tensor | Sequence[torch.Tensor]): (B, C_s),
                (B, C_s, H, W) (pooled here) or a list/tuple whose last entry
                is one of them.
        """
        f = pooled_feature(feature, self.in_channels, type(self).__name__)
        return tuple(encoder(f) for encoder in self.encoders)
