"""Adaptive feature fusion (AFF), the feature connector of UniKD."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import constant_init
from mmrazor.models.architectures.connectors.base_connector import \
    BaseConnector
from mmrazor.registry import MODELS

from ...utils.connector_keys import where


def check_positive_int(value: int, key: str) -> None:
    """Raise a ``ValueError`` naming ``key`` if ``value`` is not an int > 0."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f'`{key}` must be a positive int, got {value!r}.')


@MODELS.register_module()
class UniKDFusionConnector(BaseConnector):
    """Fuse the stage features of a student into one map (UniKD's AFF).

    The levels are fused from the deepest to the shallowest with the
    attention-based fusion pattern of ReviewKD ("ABF"), as in the authors'
    code:

    1. the levels are the given stages, shallow to deep, plus (with
       ``fuse_pooled=True``) the globally average-pooled deepest stage as a
       deepest ``1x1`` level;
    2. every level ``i`` goes through a lateral ``1x1`` conv (no bias)
       ``C_i -> mid_channels``, then ReLU (or BN with ``norm=True``);
    3. the deepest lateral map starts the running fused map ``y``;
    4. at each shallower level, ``y`` is resized (nearest) to that level's
       run-time spatial size, a 2-channel attention
       ``a = sigmoid(conv1x1(concat[x, y]))`` is computed and the running
       map becomes ``y = x * a[:, 0] + y * a[:, 1]`` (per pixel) -- at every
       level (the authors' later code stopped updating it; we do not);
    5. a ``3x3`` conv (no bias) maps the final ``y`` to ``out_channels``,
       followed by ReLU (``out_relu=True``).

    Spatial sizes are read from the inputs at run time, so one config serves
    any input resolution. A 2-D entry ``(B, C)`` (e.g. a globally pooled
    vector) is treated as a ``1x1`` map.

    Weights are initialised in ``__init__`` because MMRazor's distiller never
    calls ``init_weights`` on connectors, as in the authors' code: lateral
    and output convs Kaiming-uniform with ``a=1``, attention convs PyTorch's
    default; BN layers (``norm=True``) weight 1 and bias 0.

    Args:
        in_channels (Sequence[int]): Channels of the student stages, ordered
            from shallow to deep.
        out_channels (int): Channels of the output map, usually the teacher's
            channel count at the shallowest fused stage.
        mid_channels (int, optional): Channels of the fused maps. Defaults to
            ``min(512, in_channels[-1])``, as the authors'.
        fuse_pooled (bool): Whether to add the globally average-pooled
            deepest stage as the deepest level. Defaults to True (the
            authors' code fuses the pooled vector).
        norm (bool): Whether the lateral conv is followed by BN (True) or
            ReLU (False). Defaults to False (the authors tried BN and dropped
            it).
        out_relu (bool): Whether the output conv is followed by ReLU.
            Defaults to True, as in the authors' code.
        init_cfg (dict, optional): Kept for the ``BaseConnector`` interface;
            note that MMRazor does not apply it to connectors.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 out_channels: int,
                 mid_channels: Optional[int] = None,
                 fuse_pooled: bool = True,
                 norm: bool = False,
                 out_relu: bool = True,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg)
        min_stages = 1 if fuse_pooled else 2
        if (not isinstance(in_channels, Sequence)
                or isinstance(in_channels, str)
                or len(in_channels) < min_stages):
            raise ValueError(
                f'`in_channels` must list the channels of at least '
                f'{min_stages} stage(s) (shallow to deep) with '
                f'fuse_pooled={fuse_pooled}, got {in_channels!r}.')
        for i, channels in enumerate(in_channels):
            check_positive_int(channels, f'in_channels[{i}]')
        check_positive_int(out_channels, 'out_channels')
        if mid_channels is None:
            mid_channels = min(512, in_channels[-1])
        check_positive_int(mid_channels, 'mid_channels')

        self.in_channels = tuple(in_channels)
        self.out_channels = out_channels
        self.mid_channels = mid_channels
        self.fuse_pooled = fuse_pooled
        # channels of every level, shallow to deep (the pooled level last)
        levels = self.in_channels + self.in_channels[-1:] * fuse_pooled

        # laterals[i] maps level i (shallow -> deep) to mid_channels.
        self.laterals = nn.ModuleList([
            nn.Sequential(
                nn.Conv2d(c, mid_channels, kernel_size=1, bias=False),
                nn.BatchNorm2d(mid_channels) if norm else nn.ReLU())
            for c in levels
        ])
        # attentions[i] fuses level i with the running map from level i + 1;
        # the deepest level has nothing to fuse with, hence one fewer.
        self.attentions = nn.ModuleList([
            nn.Conv2d(2 * mid_channels, 2, kernel_size=1) for _ in levels[:-1]
        ])
        self.out_conv = nn.Sequential(
            nn.Conv2d(
                mid_channels,
                out_channels,
                kernel_size=3,
                padding=1,
                bias=False),
            nn.ReLU() if out_relu else nn.Identity())
        self._init_weights_now()

    def _init_weights_now(self) -> None:
        """Initialise all weights (see the class docstring)."""
        for conv in [lateral[0]
                     for lateral in self.laterals] + [self.out_conv[0]]:
            nn.init.kaiming_uniform_(conv.weight, a=1)
        for lateral in self.laterals:
            if isinstance(lateral[1], nn.BatchNorm2d):
                constant_init(lateral[1], 1)

    def _check_inputs(
        self, feature: Union[List[torch.Tensor], Tuple[torch.Tensor, ...]]
    ) -> List[torch.Tensor]:
        """Validate the stage features and view 2-D entries as 1x1 maps.

        Args:
            feature (list | tuple): The stage features, shallow to deep.

        Returns:
            list[torch.Tensor]: The features, each of shape (B, C_i, H_i, W_i).
        """
        if not isinstance(feature, (list, tuple)):
            raise ValueError(
                f'{where(self)}expects a list/tuple of '
                f'{len(self.in_channels)} stage features (one per entry of '
                '`in_channels`), e.g. from a `MultiModuleOutputs` recorder or '
                f'a backbone with several `out_indices`, but got a '
                f'{type(feature).__name__}.')
        if len(feature) != len(self.in_channels):
            raise ValueError(
                f'{where(self)}`in_channels` has {len(self.in_channels)} '
                f'entries but {len(feature)} stage features were given; '
                f'expected one entry per stage feature.')
        maps = []
        for i, (x, expected) in enumerate(zip(feature, self.in_channels)):
            if x.dim() == 2:
                x = x[:, :, None, None]  # pooled (B, C) -> (B, C, 1, 1)
            if x.dim() != 4:
                raise ValueError(
                    f'{where(self)}stage feature {i} must be (B, C, H, W) or '
                    f'(B, C), got shape {tuple(x.shape)}.')
            if x.size(1) != expected:
                raise ValueError(
                    f'{where(self)}`in_channels[{i}]` is {expected} but stage '
                    f'feature {i} has {x.size(1)} channels (shape '
                    f'{tuple(x.shape)}); expected `in_channels[{i}]='
                    f'{x.size(1)}`.')
            maps.append(x)
        return maps

    def forward_train(
        self, feature: Union[List[torch.Tensor], Tuple[torch.Tensor, ...]]
    ) -> torch.Tensor:
        """Fuse the stage features.

        Args:
            feature (list | tuple): The stage features ordered shallow to
                deep; entry ``i`` is (B, in_channels[i], H_i, W_i) or
                (B, in_channels[i]). The pooled level (``fuse_pooled``) is
                computed here, not given.

        Returns:
            torch.Tensor: The fused map, (B, out_channels, H_0, W_0).
        """
        maps = self._check_inputs(feature)
        if self.fuse_pooled:  # the pooled level: (B, C_L, 1, 1)
            maps.append(maps[-1].mean(dim=(2, 3), keepdim=True))
        fused = self.laterals[-1](maps[-1])  # (B, mid, H_L, W_L)
        for i in range(len(maps) - 2, -1, -1):
            x = self.laterals[i](maps[i])  # (B, mid, H_i, W_i)
            y = F.interpolate(fused, size=x.shape[-2:], mode='nearest')
            att = torch.sigmoid(self.attentions[i](torch.cat([x, y], dim=1)))
            # att: (B, 2, H_i, W_i), one weight per source and pixel.
            fused = x * att[:, 0:1] + y * att[:, 1:2]
        return self.out_conv(fused)
