"""Stand-ins for ``mmcv.ops`` where mmcv has no compiled ops (mmcv-lite).

MMRazor 1.0.0 and MMDetection 3.3.0 accept only mmcv 2.1.0, whose compiled
ops exist only as a source archive (a ~20 minute CPU build). Without them
``import mmcv.ops`` fails, and with it ``mmdet.models``, ``mmdet.datasets``
and MMRazor's detection distillers. Where ``mmcv._ext`` does not import,
:class:`MMCVOpsFinder` serves ``mmcv.ops`` (and the submodules MMDetection
imports from) from this module:

* ``nms``, ``batched_nms``, ``RoIAlign`` / ``roi_align`` and
  ``sigmoid_focal_loss`` / ``SigmoidFocalLoss`` keep mmcv's signatures and
  results and run torchvision's CPU / CUDA code;
* ``RoIPool`` / ``roi_pool`` follow mmcv's bin layout in plain PyTorch
  (torchvision's ``roi_pool`` rounds the boxes, mmcv does not);
* every other name MMDetection imports from ``mmcv.ops`` is a function or
  ``nn.Module`` subclass that raises :class:`CompiledOpRequiredError` when
  called or instantiated, so importing never fails.

A compiled mmcv (an importable ``mmcv._ext``) is never shadowed.
"""
import importlib
import importlib.abc
import importlib.machinery
import sys
import types
from typing import Any, Dict, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmengine.utils import deprecated_api_warning
from torch import Tensor, nn
from torch.nn.modules.utils import _pair
from torchvision import ops as tv_ops

ALIAS = 'mmcv.ops'
INSTALL_HINT = ('install a compiled mmcv 2.1.0 with '
                '`pip install --no-build-isolation mmcv==2.1.0` (builds from '
                'source, about 20 minutes on 2 CPU cores; needs torch and '
                'setuptools<81 installed first)')
ArrayLike = Union[Tensor, np.ndarray]


class CompiledOpRequiredError(NotImplementedError):
    """Raised by an ``mmcv.ops`` name that has no stand-in here."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f'mmcv.ops.{name} needs mmcv\'s compiled ops, and only mmcv-lite '
            'is installed (mmrazor_unified provides stand-ins for nms, '
            'batched_nms, RoIAlign, RoIPool and sigmoid_focal_loss only): '
            f'{INSTALL_HINT}.')


@deprecated_api_warning({'iou_thr': 'iou_threshold'})
def nms(boxes: ArrayLike,
        scores: ArrayLike,
        iou_threshold: float,
        offset: int = 0,
        score_threshold: float = 0,
        max_num: int = -1) -> Tuple[ArrayLike, ArrayLike]:
    """Non-maximum suppression, as ``mmcv.ops.nms`` (torchvision's kernel).

    Args:
        boxes (Tensor | np.ndarray): Boxes (x1, y1, x2, y2), shape (N, 4).
        scores (Tensor | np.ndarray): Scores, shape (N, ).
        iou_threshold (float): Boxes overlapping a kept, higher-scored box
            by more than this IoU are dropped.
        offset (int): 0 or 1; a box is ``x2 - x1 + offset`` wide.
        score_threshold (float): Only boxes scoring above it take part
            (when positive).
        max_num (int): Keep at most this many boxes (when positive).

    Returns:
        tuple: ``dets`` (N', 5), the kept boxes with their score as last
        column, and their indices ``inds`` (N', ) in the input, by
        decreasing score; numpy arrays if ``boxes`` is one.
    """
    is_numpy = isinstance(boxes, np.ndarray)
    boxes = torch.as_tensor(boxes)
    scores = torch.as_tensor(scores)
    assert boxes.size(1) == 4 and boxes.size(0) == scores.size(0)
    assert offset in (0, 1)
    candidates = torch.arange(len(boxes), device=boxes.device)
    if score_threshold > 0:
        candidates = candidates[scores > score_threshold]
    boxes_for_nms = boxes[candidates]
    if offset:  # torchvision measures x2 - x1: move the far corner
        boxes_for_nms = boxes_for_nms + boxes.new_tensor([0, 0, 1, 1])
    inds = candidates[tv_ops.nms(boxes_for_nms, scores[candidates],
                                 float(iou_threshold))]
    if max_num > 0:
        inds = inds[:max_num]
    dets = torch.cat((boxes[inds], scores[inds].reshape(-1, 1)), dim=1)
    if is_numpy:
        return dets.cpu().numpy(), inds.cpu().numpy()
    return dets, inds


def batched_nms(boxes: Tensor,
                scores: Tensor,
                idxs: Tensor,
                nms_cfg: Optional[Dict],
                class_agnostic: bool = False) -> Tuple[Tensor, Tensor]:
    """NMS within each group of ``idxs``, as ``mmcv.ops.batched_nms``.

    Args:
        boxes (Tensor): Boxes (x1, y1, x2, y2), shape (N, 4).
        scores (Tensor): Scores, shape (N, ).
        idxs (Tensor): Group (class) of each box, shape (N, ).
        nms_cfg (dict, optional): None skips NMS (all boxes, sorted).
            Otherwise ``type`` ('nms' or 'soft_nms', or a callable),
            ``class_agnostic``, ``split_thr`` (from this many boxes on, each
            group is suppressed separately; default 10000), ``max_num``
            (only used then), and the keyword arguments of the NMS op, e.g.
            ``iou_threshold``.
        class_agnostic (bool): Ignore ``idxs``. Overridden by the key of
            the same name in ``nms_cfg``.

    Returns:
        tuple: ``dets`` (N', 5), the kept boxes with their score as last
        column, and their indices ``keep`` (N', ), by decreasing score.
    """
    if nms_cfg is None:
        scores, inds = scores.sort(descending=True)
        return torch.cat([boxes[inds], scores[:, None]], -1), inds
    nms_cfg_ = nms_cfg.copy()
    class_agnostic = nms_cfg_.pop('class_agnostic', class_agnostic)
    if class_agnostic or boxes.numel() == 0:
        boxes_for_nms = boxes
    else:  # shift each group far enough to not overlap any other
        offsets = idxs.to(boxes) * (boxes.max() + 1)
        boxes_for_nms = boxes + offsets[:, None]
    nms_op = nms_cfg_.pop('type', 'nms')
    if isinstance(nms_op, str):
        if nms_op not in NMS_TYPES:
            raise ValueError(f'Unknown NMS type "{nms_op}" (stand-ins for '
                             f'{sorted(NMS_TYPES)})')
        nms_op = NMS_TYPES[nms_op]
    split_thr = nms_cfg_.pop('split_thr', 10000)
    if boxes_for_nms.shape[0] < split_thr:
        dets, keep = nms_op(boxes_for_nms, scores, **nms_cfg_)
        boxes = boxes[keep]
        scores = dets[:, -1]
    else:
        max_num = nms_cfg_.pop('max_num', -1)
        total_mask = scores.new_zeros(scores.size(), dtype=torch.bool)
        scores_after_nms = scores.new_zeros(scores.size())
        for group in torch.unique(idxs):
            mask = (idxs == group).nonzero(as_tuple=False).view(-1)
            dets, keep = nms_op(boxes_for_nms[mask], scores[mask], **nms_cfg_)
            total_mask[mask[keep]] = True
            scores_after_nms[mask[keep]] = dets[:, -1]
        keep = total_mask.nonzero(as_tuple=False).view(-1)
        scores, inds = scores_after_nms[keep].sort(descending=True)
        keep = keep[inds]
        boxes = boxes[keep]
        if max_num > 0:
            keep = keep[:max_num]
            boxes = boxes[:max_num]
            scores = scores[:max_num]
    return torch.cat([boxes, scores[:, None]], -1), keep


def _check_pool_mode(pool_mode: str) -> None:
    if pool_mode == 'max':
        raise CompiledOpRequiredError("roi_align(pool_mode='max')")
    if pool_mode != 'avg':
        raise ValueError(f'pool_mode must be "avg" or "max", not {pool_mode}')


def roi_align(input: Tensor,
              rois: Tensor,
              output_size: Union[int, tuple],
              spatial_scale: float = 1.0,
              sampling_ratio: int = 0,
              pool_mode: str = 'avg',
              aligned: bool = True) -> Tensor:
    """RoI Align, as ``mmcv.ops.roi_align`` (torchvision's kernel).

    The two agree on every convention: ``aligned=True`` shifts the scaled
    box by -0.5 pixel (Detectron2's pixel model), ``aligned=False`` makes
    boxes at least 1x1, and ``sampling_ratio`` <= 0 takes
    ``ceil(roi_size / output_size)`` samples per bin and axis.

    Args:
        input (Tensor): Features, shape (N, C, H, W).
        rois (Tensor): Boxes (batch index, x1, y1, x2, y2), shape (K, 5).
        output_size (int | tuple): Output (height, width).
        spatial_scale (float): Scale from box to feature coordinates.
        sampling_ratio (int): Samples per bin and axis; 0 adapts it.
        pool_mode (str): 'avg'; 'max' needs mmcv's compiled op.
        aligned (bool): Use the pixel model of ``aligned=True`` above.

    Returns:
        Tensor: Pooled features, shape (K, C, *output_size).
    """
    _check_pool_mode(pool_mode)
    assert rois.size(1) == 5, 'RoI must be (idx, x1, y1, x2, y2)!'
    return tv_ops.roi_align(input, rois, _pair(output_size),
                            float(spatial_scale), int(sampling_ratio), aligned)


class RoIAlign(nn.Module):
    """RoI Align layer, as ``mmcv.ops.RoIAlign``; see :func:`roi_align`.

    Args:
        output_size (int | tuple): Output (height, width).
        spatial_scale (float): Scale from box to feature coordinates.
        sampling_ratio (int): Samples per bin and axis; 0 adapts it.
        pool_mode (str): 'avg'; 'max' (mmcv's compiled op) raises
            :class:`CompiledOpRequiredError` unless ``use_torchvision``.
        aligned (bool): Detectron2's pixel model (see :func:`roi_align`).
        use_torchvision (bool): As in mmcv: always average pooling.
    """

    @deprecated_api_warning(
        {
            'out_size': 'output_size',
            'sample_num': 'sampling_ratio'
        },
        cls_name='RoIAlign')
    def __init__(self,
                 output_size: Union[int, tuple],
                 spatial_scale: float = 1.0,
                 sampling_ratio: int = 0,
                 pool_mode: str = 'avg',
                 aligned: bool = True,
                 use_torchvision: bool = False) -> None:
        super().__init__()
        if not use_torchvision:
            _check_pool_mode(pool_mode)
        self.output_size = _pair(output_size)
        self.spatial_scale = float(spatial_scale)
        self.sampling_ratio = int(sampling_ratio)
        self.pool_mode = pool_mode
        self.aligned = aligned
        self.use_torchvision = use_torchvision

    def forward(self, input: Tensor, rois: Tensor) -> Tensor:
        """Pool ``rois`` (K, 5) from ``input`` (N, C, H, W)."""
        return roi_align(input, rois, self.output_size, self.spatial_scale,
                         self.sampling_ratio, 'avg', self.aligned)

    def extra_repr(self) -> str:
        return (f'output_size={self.output_size}, '
                f'spatial_scale={self.spatial_scale}, '
                f'sampling_ratio={self.sampling_ratio}, '
                f'pool_mode={self.pool_mode}, aligned={self.aligned}, '
                f'use_torchvision={self.use_torchvision}')


def _roi_pool_bins(start: Tensor, end: Tensor, bins: int,
                   size: int) -> Tuple[Tensor, Tensor]:
    """First and past-the-end pixel of each bin, (K, bins) each."""
    edges = (
        torch.arange(bins + 1, dtype=start.dtype, device=start.device) *
        ((end - start) / bins)[:, None] + start[:, None])
    return (edges[:, :-1].floor().long().clamp(0, size),
            edges[:, 1:].ceil().long().clamp(0, size))


def roi_pool(input: Tensor,
             rois: Tensor,
             output_size: Union[int, tuple],
             spatial_scale: float = 1.0) -> Tensor:
    """RoI max pooling with ``mmcv.ops.roi_pool``'s bins, in plain PyTorch.

    A box spans ``[x1, x2 + 1) * spatial_scale`` without rounding; bin ``i``
    of ``n`` covers pixels ``floor(x1' + i * w / n)`` to
    ``ceil(x1' + (i + 1) * w / n)`` (exclusive), clipped to the map. Empty
    bins and boxes give 0; the gradient goes to the first maximum in
    row-major order, as in mmcv. torchvision's ``roi_pool`` rounds the box
    to whole pixels first, which gives different bins. One loop step per
    box: fine for the few boxes a detector pools.

    Args:
        input (Tensor): Features, shape (N, C, H, W).
        rois (Tensor): Boxes (batch index, x1, y1, x2, y2), shape (K, 5).
        output_size (int | tuple): Output (height, width).
        spatial_scale (float): Scale from box to feature coordinates.

    Returns:
        Tensor: Pooled features, shape (K, C, *output_size).
    """
    assert rois.size(1) == 5, 'RoI must be (idx, x1, y1, x2, y2)!'
    out_h, out_w = _pair(output_size)
    height, width = input.shape[-2:]
    x1, y1 = rois[:, 1] * spatial_scale, rois[:, 2] * spatial_scale
    x2, y2 = (rois[:, 3] + 1) * spatial_scale, (rois[:, 4] + 1) * spatial_scale
    y_lo, y_hi = _roi_pool_bins(y1, y2, out_h, height)
    x_lo, x_hi = _roi_pool_bins(x1, x2, out_w, width)
    empty = ((y_hi <= y_lo)[:, :, None] | (x_hi <= x_lo)[:, None, :])[:, None]
    # bins are monotone: the box covers rows y_lo[0]:y_hi[-1] (likewise x)
    crops = torch.stack(
        [rois[:, 0].long(), y_lo[:, 0], y_hi[:, -1], x_lo[:, 0], x_hi[:, -1]],
        dim=1)
    crops[(x2 <= x1) | (y2 <= y1)] = 0  # degenerate boxes: all zeros
    outputs = []
    for k, (b, top, bottom, left, right) in enumerate(crops.tolist()):
        if bottom <= top or right <= left:
            outputs.append(input.new_zeros(input.size(1), out_h, out_w))
            continue
        rows = torch.arange(top, bottom, device=input.device)
        cols = torch.arange(left, right, device=input.device)
        out_rows = (rows < y_lo[k, :, None]) | (rows >= y_hi[k, :, None])
        out_cols = (cols < x_lo[k, :, None]) | (cols >= x_hi[k, :, None])
        crop = input[b, :, top:bottom, left:right]  # (C, h, w)
        col_max = crop[:, :, None].masked_fill(out_cols, -float('inf'))
        col_max = col_max.max(dim=-1)[0]  # (C, h, out_w)
        bin_max = col_max[:, None].masked_fill(out_rows[:, :, None],
                                               -float('inf'))
        outputs.append(bin_max.max(dim=2)[0])  # (C, out_h, out_w)
    if not outputs:
        return input.new_zeros(0, input.size(1), out_h, out_w)
    return torch.stack(outputs).masked_fill(empty, 0)


class RoIPool(nn.Module):
    """RoI max pooling layer, as ``mmcv.ops.RoIPool``; see :func:`roi_pool`.

    Args:
        output_size (int | tuple): Output (height, width).
        spatial_scale (float): Scale from box to feature coordinates.
    """

    def __init__(self,
                 output_size: Union[int, tuple],
                 spatial_scale: float = 1.0) -> None:
        super().__init__()
        self.output_size = _pair(output_size)
        self.spatial_scale = float(spatial_scale)

    def forward(self, input: Tensor, rois: Tensor) -> Tensor:
        """Pool ``rois`` (K, 5) from ``input`` (N, C, H, W)."""
        return roi_pool(input, rois, self.output_size, self.spatial_scale)

    def extra_repr(self) -> str:
        return (f'output_size={self.output_size}, '
                f'spatial_scale={self.spatial_scale}')


def sigmoid_focal_loss(input: Tensor,
                       target: Tensor,
                       gamma: float = 2.0,
                       alpha: float = 0.25,
                       weight: Optional[Tensor] = None,
                       reduction: str = 'mean') -> Tensor:
    """Sigmoid focal loss, as ``mmcv.ops.sigmoid_focal_loss`` (torchvision).

    Args:
        input (Tensor): Logits, shape (N, C).
        target (Tensor): Class labels (long), shape (N, ); a label outside
            ``[0, C)`` (MMDetection uses C for background) makes every
            class a negative.
        gamma (float): Focusing exponent.
        alpha (float): Weight of positives; negatives get ``1 - alpha``.
        weight (Tensor, optional): Per-class weights (C, ); row ``n`` of the
            loss is scaled by ``weight[target[n]]``.
        reduction (str): 'none' (N, C), 'mean' (sum / N) or 'sum'.

    Returns:
        Tensor: The loss.
    """
    assert target.dtype == torch.long
    assert input.dim() == 2 and target.dim() == 1
    assert input.size(0) == target.size(0)
    assert reduction in ('none', 'mean', 'sum')
    classes = torch.arange(input.size(1), device=input.device)
    one_hot = (target[:, None] == classes).to(input.dtype)
    loss = tv_ops.sigmoid_focal_loss(
        input, one_hot, alpha=alpha, gamma=gamma, reduction='none')
    if weight is not None:
        assert weight.dim() == 1 and weight.size(0) == input.size(1)
        loss = loss * weight[target][:, None]
    if reduction == 'mean':
        return loss.sum() / input.size(0)
    return loss.sum() if reduction == 'sum' else loss


class SigmoidFocalLoss(nn.Module):
    """Sigmoid focal loss layer; see :func:`sigmoid_focal_loss`.

    Args:
        gamma (float): Focusing exponent.
        alpha (float): Weight of positives; negatives get ``1 - alpha``.
        weight (Tensor, optional): Per-class weights (C, ).
        reduction (str): 'none', 'mean' or 'sum'.
    """

    def __init__(self,
                 gamma: float,
                 alpha: float,
                 weight: Optional[Tensor] = None,
                 reduction: str = 'mean') -> None:
        super().__init__()
        self.gamma = gamma
        self.alpha = alpha
        self.register_buffer('weight', weight)
        self.reduction = reduction

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """The loss of logits ``input`` (N, C) for labels ``target``."""
        return sigmoid_focal_loss(input, target, self.gamma, self.alpha,
                                  self.weight, self.reduction)

    def extra_repr(self) -> str:
        return (f'gamma={self.gamma}, alpha={self.alpha}, '
                f'reduction={self.reduction}')


def get_compiler_version() -> str:
    """'n/a': no compiled ops (read by ``mmcv.utils.collect_env``)."""
    return 'n/a'


def get_compiling_cuda_version() -> str:
    """'n/a': no compiled ops (read by ``mmcv.utils.collect_env``)."""
    return 'n/a'


def _unavailable_function(name: str):
    """A function ``name`` that raises :class:`CompiledOpRequiredError`."""

    def unavailable(*args, **kwargs) -> Any:
        raise CompiledOpRequiredError(name)

    unavailable.__name__ = unavailable.__qualname__ = name
    unavailable.__doc__ = f'``mmcv.ops.{name}``: needs a compiled mmcv.'
    return unavailable


def _unavailable_module(name: str) -> type:
    """An ``nn.Module`` subclass ``name`` whose instantiation raises.

    A real class, so ``isinstance`` checks against it work.
    """

    def __init__(self, *args, **kwargs) -> None:
        raise CompiledOpRequiredError(name)

    return type(
        name, (nn.Module, ), {
            '__init__': __init__,
            '__module__': __name__,
            '__doc__': f'``mmcv.ops.{name}``: needs a compiled mmcv.'
        })


CARAFEPack = _unavailable_module('CARAFEPack')
ConcatCell = _unavailable_module('ConcatCell')
CornerPool = _unavailable_module('CornerPool')
DeformConv2d = _unavailable_module('DeformConv2d')
GlobalPoolingCell = _unavailable_module('GlobalPoolingCell')
MaskedConv2d = _unavailable_module('MaskedConv2d')
ModulatedDeformConv2d = _unavailable_module('ModulatedDeformConv2d')
MultiScaleDeformableAttention = _unavailable_module(
    'MultiScaleDeformableAttention')
SumCell = _unavailable_module('SumCell')
deform_conv2d = _unavailable_function('deform_conv2d')
nms_match = _unavailable_function('nms_match')
point_sample = _unavailable_function('point_sample')
rel_roi_point_to_rel_img_point = _unavailable_function(
    'rel_roi_point_to_rel_img_point')
soft_nms = _unavailable_function('soft_nms')

NMS_TYPES = {'nms': nms, 'soft_nms': soft_nms}
# mmcv's layout: the names of each ``mmcv.ops.<submodule>`` served here
LAYOUT: Dict[str, Sequence[str]] = {
    'carafe': ('CARAFEPack', ),
    'corner_pool': ('CornerPool', ),
    'deform_conv': ('DeformConv2d', 'deform_conv2d'),
    'focal_loss': ('SigmoidFocalLoss', 'sigmoid_focal_loss'),
    'info': ('get_compiler_version', 'get_compiling_cuda_version'),
    'masked_conv': ('MaskedConv2d', ),
    'merge_cells': ('ConcatCell', 'GlobalPoolingCell', 'SumCell'),
    'modulated_deform_conv': ('ModulatedDeformConv2d', ),
    'multi_scale_deform_attn': ('MultiScaleDeformableAttention', ),
    'nms': ('batched_nms', 'nms', 'nms_match', 'soft_nms'),
    'point_sample': ('point_sample', 'rel_roi_point_to_rel_img_point'),
    'roi_align': ('RoIAlign', 'roi_align'),
    'roi_pool': ('RoIPool', 'roi_pool'),
}


def _missing_op(name: str) -> Any:
    """``mmcv.ops.__getattr__``: names without even a placeholder."""
    raise AttributeError(f'mmcv.ops has no stand-in for "{name}"; '
                         f'{INSTALL_HINT}.')


class _StandInLoader(importlib.abc.Loader):
    """Fills ``mmcv.ops`` (and its submodules) from :data:`LAYOUT`."""

    def exec_module(self, module: types.ModuleType) -> None:
        module.__doc__ = __doc__
        module.__getattr__ = _missing_op
        submodules = {}
        for submodule, names in LAYOUT.items():
            view = types.ModuleType(f'{ALIAS}.{submodule}')
            for name in names:
                setattr(view, name, globals()[name])
                setattr(module, name, globals()[name])
            # registered up front: importing a submodule later must not
            # replace the function of the same name (``mmcv.ops.nms``)
            sys.modules[view.__name__] = submodules[submodule] = view
        for submodule, view in submodules.items():
            if not hasattr(module, submodule):
                setattr(module, submodule, view)
        module.__all__ = sorted(name for names in LAYOUT.values()
                                for name in names)


def has_compiled_ops() -> bool:
    """Whether mmcv's compiled extension ``mmcv._ext`` imports."""
    try:
        importlib.import_module('mmcv._ext')
    except ImportError:
        return False
    return True


class MMCVOpsFinder(importlib.abc.MetaPathFinder):
    """Serves ``mmcv.ops`` from this module unless mmcv is compiled."""

    def find_spec(self,
                  fullname: str,
                  path: Optional[Sequence[str]] = None,
                  target: Optional[types.ModuleType] = None):
        """The stand-in's spec for ``mmcv.ops``, else None."""
        if fullname != ALIAS or has_compiled_ops():
            return None
        spec = importlib.machinery.ModuleSpec(
            ALIAS, _StandInLoader(), origin=__file__, is_package=True)
        spec.has_location = True  # mmcv.ops.__file__ names this file
        return spec


def install_mmcv_ops() -> bool:
    """Add :class:`MMCVOpsFinder` unless ``mmcv.ops`` is imported already.

    Returns:
        bool: True if this call installed the finder.
    """
    if ALIAS in sys.modules or any(
            isinstance(f, MMCVOpsFinder) for f in sys.meta_path):
        return False
    sys.meta_path.insert(0, MMCVOpsFinder())
    return True
