"""UniKD's distribution head for detectors: Gaussians from RoI features."""
from typing import Any, Dict, NamedTuple, Optional, Tuple

import torch
from mmrazor.models.architectures.connectors.base_connector import \
    BaseConnector
from mmrazor.registry import MODELS
from torch import nn

from ...utils.connector_keys import where
from ..connectors.unikd_fusion_connector import check_positive_int
from .unikd_distribution_head import GaussianLogits, UniKDDistributionHead


class RoIGaussians(NamedTuple):
    """UniKD-Det's two distributions for a batch of R RoIs.

    Being a tuple, it can be indexed with ``connector_idx`` in a distiller's
    loss mapping (0: ``cls``, 1: ``box``).

    Attributes:
        cls (GaussianLogits): Over the box head's class logits, each of its
            tensors (R, num_classes + 1) (the last logit is background).
        box (GaussianLogits): Over the box head's deltas, each of its tensors
            (R, box_code_size * num_classes), or (R, box_code_size) for
            class-agnostic regression.
    """
    cls: GaussianLogits
    box: GaussianLogits


# the sizes, and where a detector's box head (mmdet ``BBoxHead``) keeps them
SIZES = ('in_channels', 'num_classes', 'reg_class_agnostic', 'box_code_size')


def box_head_sizes(bbox_head: nn.Module) -> Dict[str, Tuple[Any, str]]:
    """The sizes of an MMDetection box head, with their config keys.

    Args:
        bbox_head (nn.Module): ``roi_head.bbox_head`` of a two-stage
            detector (an mmdet ``BBoxHead``).

    Returns:
        dict: ``{size: (value, key relative to the detector)}`` for each of
        :data:`SIZES`.
    """
    key = 'roi_head.bbox_head'
    return dict(
        in_channels=(bbox_head.in_channels, f'{key}.in_channels'),
        num_classes=(bbox_head.num_classes, f'{key}.num_classes'),
        reg_class_agnostic=(bbox_head.reg_class_agnostic,
                            f'{key}.reg_class_agnostic'),
        # 4 for mmdet's DeltaXYWHBBoxCoder
        box_code_size=(bbox_head.bbox_coder.encode_size,
                       f'{key}.bbox_coder (its encode_size)'))


@MODELS.register_module()
class UniKDRoIDistributionHead(BaseConnector):
    """Map pooled RoI features to Gaussians over class logits and deltas.

    The detection form of :class:`UniKDDistributionHead` (UniKD's FDP), as
    in the authors' detection code: the box head's input feature of each RoI
    (e.g. (R, 256, 7, 7) after RoIAlign) is average pooled, and two
    independent distribution heads predict a diagonal Gaussian over the box
    head's class logits (``num_classes + 1``, background included) and one
    over its box deltas (``box_code_size * num_classes``, or
    ``box_code_size`` with class-agnostic regression). Each samples in
    training (``sample=True``) and returns its mean otherwise; float32 under
    autocast, log-variance clamped to ``log_var_range``.

    **Sizes are read from the detector.** Every size left as None is filled
    in by :meth:`bind_roi_head` from the box head of the detector whose
    features feed this connector; :class:`StudentRoIsDistill` does that when
    it is built, before the optimizer exists. A size that is set must equal
    the detector's, or binding fails naming both config keys. A head whose
    sizes are all set works on its own too.

    Args:
        in_channels (int, optional): Channels C of the RoI feature (the box
            head's ``in_channels``). None: read from the detector.
        num_classes (int, optional): Foreground classes K of the box head;
            the class Gaussian has K + 1 dimensions. None: read from the
            detector.
        reg_class_agnostic (bool, optional): Whether the box head regresses
            one box per RoI (else one per class). None: read from the
            detector.
        box_code_size (int, optional): Deltas per box (the box coder's
            ``encode_size``, 4 for ``DeltaXYWHBBoxCoder``). None: read from
            the detector.
        sample (bool): Whether to sample in training mode. Defaults to True.
        log_var_range (tuple[float, float], optional): Clamp of the
            log-variance (None: no clamp, as the authors). Defaults to
            (-10., 10.).
        init_cfg (dict, optional): Kept for the ``BaseConnector`` interface;
            MMRazor does not apply it to connectors (the layers keep
            PyTorch's default initialisation, as in the authors' code).
    """

    def __init__(self,
                 in_channels: Optional[int] = None,
                 num_classes: Optional[int] = None,
                 reg_class_agnostic: Optional[bool] = None,
                 box_code_size: Optional[int] = None,
                 sample: bool = True,
                 log_var_range: Optional[Tuple[float, float]] = (-10., 10.),
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg)
        for name, value in (('in_channels', in_channels),
                            ('num_classes', num_classes),
                            ('box_code_size', box_code_size)):
            if value is not None:
                check_positive_int(value, name)
        if reg_class_agnostic is not None and not isinstance(
                reg_class_agnostic, bool):
            raise ValueError('`reg_class_agnostic` must be None or a bool, '
                             f'got {reg_class_agnostic!r}.')
        self.in_channels = in_channels
        self.num_classes = num_classes
        self.reg_class_agnostic = reg_class_agnostic
        self.box_code_size = box_code_size
        self.sample = sample
        self.log_var_range = log_var_range
        self.cls_dist: Optional[UniKDDistributionHead] = None
        self.box_dist: Optional[UniKDDistributionHead] = None
        if not self.unset_sizes:
            self._build()

    @property
    def unset_sizes(self) -> Tuple[str, ...]:
        """The sizes still to be read from a detector."""
        return tuple(name for name in SIZES if getattr(self, name) is None)

    @property
    def cls_dims(self) -> int:
        """Dimensions of the class Gaussian: K + 1 (background last)."""
        return self.num_classes + 1

    @property
    def box_dims(self) -> int:
        """Dimensions of the box Gaussian: the box head's deltas per RoI."""
        boxes = 1 if self.reg_class_agnostic else self.num_classes
        return self.box_code_size * boxes

    def _build(self) -> None:
        """Create the two distribution heads (all sizes known)."""
        kwargs = dict(
            in_channels=self.in_channels,
            sample=self.sample,
            log_var_range=self.log_var_range)
        self.cls_dist = UniKDDistributionHead(
            num_classes=self.cls_dims, **kwargs)
        self.box_dist = UniKDDistributionHead(
            num_classes=self.box_dims, **kwargs)

    def bind_roi_head(self, roi_head: nn.Module, detector_key: str) -> None:
        """Fill the unset sizes from a detector's box head; check the others.

        Args:
            roi_head (nn.Module): The detector's ``roi_head`` (an mmdet
                ``StandardRoIHead``), whose ``bbox_head`` input this
                connector receives.
            detector_key (str): The detector's config key, e.g.
                ``'model.architecture'``, for error messages.
        """
        for name, (value, key) in box_head_sizes(roi_head.bbox_head).items():
            mine = getattr(self, name)
            if mine is None:
                setattr(self, name, value)
            elif mine != value:
                raise ValueError(
                    f'{where(self)}`{name}` is {mine!r} but the detector it '
                    f'reads has {value!r} (`{detector_key}.{key}`); set '
                    f'{name}={value!r}, or leave it unset (None) to read it '
                    'from the detector.')
        if self.cls_dist is None:
            self._build()

    def forward_train(self, feature: torch.Tensor) -> RoIGaussians:
        """Predict the two distributions of each RoI.

        Args:
            feature (torch.Tensor): The box head's input, (R, C, H, W)
                (e.g. RoIAlign's 7 x 7 bins) or already pooled (R, C).

        Returns:
            RoIGaussians: ``cls`` with (R, num_classes + 1) tensors and
            ``box`` with (R, box_dims) tensors, float32.
        """
        if self.cls_dist is None:
            raise RuntimeError(
                f'{where(self)}sizes {list(self.unset_sizes)} are unset: set '
                'them, or use the head in StudentRoIsDistill, which reads '
                'them from the detector it is fed by.')
        is_tensor = isinstance(feature, torch.Tensor)
        if not is_tensor or feature.dim() not in (2, 4):
            shape = tuple(feature.shape) if is_tensor else type(
                feature).__name__
            raise ValueError(
                f'{where(self)}expects the RoI features as one (R, C, H, W) '
                f'or (R, C) tensor, got {shape} (a `ModuleInputs` record of '
                '`roi_head.bbox_head` is a tuple: map it with data_idx=0).')
        if feature.size(1) != self.in_channels:
            raise ValueError(
                f'{where(self)}`in_channels` is {self.in_channels} but the '
                f'RoI features have {feature.size(1)} channels (shape '
                f'{tuple(feature.shape)}).')
        with torch.autocast(device_type=feature.device.type, enabled=False):
            pooled = feature.float()
            if pooled.dim() == 4:
                pooled = pooled.mean(dim=(2, 3))  # (R, C)
            return RoIGaussians(self.cls_dist(pooled), self.box_dist(pooled))
