"""Feature distribution head (FDP) of UniKD."""
from typing import Dict, NamedTuple, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmrazor.models.architectures.connectors.base_connector import \
    BaseConnector
from mmrazor.registry import MODELS

from ...utils.connector_keys import where
from ..connectors.unikd_fusion_connector import check_positive_int


class GaussianLogits(NamedTuple):
    """A diagonal Gaussian over the K-dimensional logit space.

    Being a tuple, it can be indexed with ``connector_idx`` in a distiller's
    loss mapping (0: sample, 1: mean, 2: log-variance).

    Attributes:
        sample (torch.Tensor): A (reparameterised) sample, (B, K). Equal to
            ``mean`` when no sampling happened.
        mean (torch.Tensor): The mean, (B, K).
        log_var (torch.Tensor): The clamped log-variance, (B, K).
    """
    sample: torch.Tensor
    mean: torch.Tensor
    log_var: torch.Tensor


@MODELS.register_module()
class UniKDDistributionHead(BaseConnector):
    """Map a feature to a Gaussian distribution over the class logits.

    The feature is globally average pooled, then two ``Linear(C, K)`` layers
    give the mean and the log-variance of a diagonal Gaussian in logit space.
    In training mode (with ``sample=True``) the returned ``sample`` is
    ``mean + exp(0.5 * log_var) * eps`` with ``eps ~ N(0, I)``; otherwise it
    is the mean. Everything is computed in float32, also under autocast.

    The two layers keep PyTorch's default initialisation, as in the authors'
    code (MMRazor never calls ``init_weights`` on connectors, so nothing
    else would be applied anyway).

    Args:
        in_channels (int): Channels C of the input feature.
        num_classes (int): Number of classes K; must equal the models'.
        sample (bool): Whether to sample in training mode. Defaults to True.
        log_var_range (tuple[float, float], optional): Range the
            log-variance is clamped to, so that ``exp`` stays finite. None
            disables the clamp (the authors' code has none). Defaults to
            (-10., 10.).
        init_cfg (dict, optional): Kept for the ``BaseConnector`` interface;
            note that MMRazor does not apply it to connectors.
    """

    def __init__(self,
                 in_channels: int,
                 num_classes: int,
                 sample: bool = True,
                 log_var_range: Optional[Tuple[float, float]] = (-10., 10.),
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg)
        check_positive_int(in_channels, 'in_channels')
        check_positive_int(num_classes, 'num_classes')
        if log_var_range is not None and (len(log_var_range) != 2
                                          or log_var_range[0]
                                          >= log_var_range[1]):
            raise ValueError('`log_var_range` must be None or (low, high) '
                             f'with low < high, got {log_var_range!r}.')
        self.in_channels = in_channels
        self.num_classes = num_classes
        self.sample = sample
        self.log_var_range = None if log_var_range is None else tuple(
            float(v) for v in log_var_range)

        self.mean_fc = nn.Linear(in_channels, num_classes)
        self.log_var_fc = nn.Linear(in_channels, num_classes)

    def _pool(
            self, feature: Union[torch.Tensor,
                                 Sequence[torch.Tensor]]) -> torch.Tensor:
        """Pick, validate and pool the input into a (B, C) float32 tensor."""
        if isinstance(feature, (list, tuple)):
            feature = feature[-1]
        if feature.dim() == 4:
            feature = feature.mean(dim=(2, 3))  # global average pooling
        if feature.dim() != 2:
            raise ValueError(
                f'{where(self)}expects a (B, C, H, W) or (B, C) feature, got '
                f'shape {tuple(feature.shape)}.')
        if feature.size(1) != self.in_channels:
            raise ValueError(
                f'{where(self)}`in_channels` is {self.in_channels} but the '
                f'input feature has {feature.size(1)} channels (shape '
                f'{tuple(feature.shape)}); expected `in_channels='
                f'{feature.size(1)}`.')
        return feature.float()

    def forward_train(
        self, feature: Union[torch.Tensor,
                             Sequence[torch.Tensor]]) -> GaussianLogits:
        """Predict the logit distribution of a feature.

        Args:
            feature (torch.Tensor | Sequence[torch.Tensor]): A (B, C, H, W)
                map, a (B, C) vector, or a list/tuple of them (e.g. a
                backbone's outputs), of which the last entry is used.

        Returns:
            GaussianLogits: ``sample``, ``mean`` and ``log_var``, each
            (B, num_classes), float32.
        """
        with torch.autocast(
                device_type=self.mean_fc.weight.device.type, enabled=False):
            x = self._pool(feature)
            mean = self.mean_fc(x)
            log_var = self.log_var_fc(x)
            if self.log_var_range is not None:
                log_var = log_var.clamp(*self.log_var_range)
            if self.training and self.sample:
                std = torch.exp(0.5 * log_var)
                sample = mean + std * torch.randn_like(std)
            else:
                sample = mean
        return GaussianLogits(sample, mean, log_var)
