"""Multi-granularity self-analysing module of MGKD (the teacher's analyser).

"Multi-granularity for knowledge distillation" (Shao & Chen, arXiv
2108.06681) gives the teacher several encoder -> decoder branches on its
pooled feature. Branch k squeezes the feature through a code of width d_k
(its "granularity") and reconstructs the class logits from it. The student
later learns the codes of every branch (granularity losses) and a stable
target built from the reconstructed logits.
"""
from numbers import Real
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmrazor.registry import MODELS

# The default branch list: code widths 64 and 256, temperatures 2 and 8.
DEFAULT_MGKD_BRANCHES = (dict(code_dim=64, tau=2., weight=1.),
                         dict(code_dim=256, tau=8., weight=1.))
_BRANCH_KEYS = ('code_dim', 'tau', 'weight')

Feature = Union[torch.Tensor, Sequence[torch.Tensor]]


class MGKDAnalysis(NamedTuple):
    """What the analyser makes of a batch of pooled teacher features.

    Attributes:
        codes (tuple[torch.Tensor]): Branch k's code E_k(f), (B, d_k).
        logits (tuple[torch.Tensor]): Branch k's reconstructed logits
            D_k(E_k(f)), (B, K).
    """
    codes: Tuple[torch.Tensor, ...]
    logits: Tuple[torch.Tensor, ...]


def parse_mgkd_branches(branches: Sequence[Union[dict, Sequence]],
                        name: str = 'branches') -> List[Dict]:
    """Validate a branch list; return it as ``dict(code_dim, tau, weight)``.

    Args:
        branches (Sequence[dict | Sequence]): One entry per branch, either
            ``dict(code_dim=int, tau=float, weight=float)`` or a
            ``(code_dim, tau, weight)`` triple.
        name (str): The argument's name, used in error messages.

    Returns:
        list[dict]: ``code_dim`` as int, ``tau`` and ``weight`` as float.

    Raises:
        ValueError: If the list is empty, an entry lacks a key or has an
            unknown one, a value is out of range, or two entries have the
            same ``(code_dim, tau)`` (a branch's identity in a checkpoint).
    """
    if isinstance(branches, (str, bytes, dict)) or not isinstance(
            branches, Sequence) or len(branches) == 0:
        raise ValueError(f'`{name}` must be a non-empty list of '
                         'dict(code_dim=int, tau=float, weight=float), got '
                         f'{branches!r}.')
    parsed = []
    for k, branch in enumerate(branches):
        where = f'{name}[{k}]'
        if isinstance(branch, dict):
            missing = [key for key in _BRANCH_KEYS if key not in branch]
            unknown = [key for key in branch if key not in _BRANCH_KEYS]
            if missing or unknown:
                raise ValueError(
                    f'`{where}` must have exactly the keys '
                    f'{list(_BRANCH_KEYS)}, got {sorted(branch)} (missing '
                    f'{missing}, unknown {unknown}).')
            code_dim, tau, weight = (branch[key] for key in _BRANCH_KEYS)
        elif (isinstance(branch, Sequence)
              and not isinstance(branch, (str, bytes)) and len(branch) == 3):
            code_dim, tau, weight = branch
        else:
            raise ValueError(
                f'`{where}` must be dict(code_dim=int, tau=float, '
                f'weight=float) or a (code_dim, tau, weight) triple, got '
                f'{branch!r}.')
        if (isinstance(code_dim, bool) or not isinstance(code_dim, int)
                or code_dim <= 0):
            raise ValueError(f"`{where}['code_dim']`: expected a positive "
                             f'int, got {code_dim!r}.')
        if isinstance(tau, bool) or not isinstance(tau, Real) or tau <= 0:
            raise ValueError(f"`{where}['tau']`: expected a positive "
                             f'number, got {tau!r}.')
        if (isinstance(weight, bool) or not isinstance(weight, Real)
                or weight < 0):
            raise ValueError(f"`{where}['weight']`: expected a number "
                             f'>= 0, got {weight!r}.')
        parsed.append(
            dict(code_dim=int(code_dim), tau=float(tau), weight=float(weight)))
    keys = [branch_key(b) for b in parsed]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ValueError(f'`{name}` has several branches with the same '
                         f'(code_dim, tau): {repeated}.')
    return parsed


def branch_key(branch: Dict) -> Tuple[int, float]:
    """A branch's identity, ``(code_dim, tau)``: stage 3 selects the
    branches of a stage-2 checkpoint by it (``weight`` may differ)."""
    return branch['code_dim'], branch['tau']


def check_positive_int(name: str, value) -> int:
    """Raise ValueError unless ``value`` is a positive int."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f'`{name}` must be a positive int, got {value!r}.')
    return value


def pooled_feature(feature: Feature, in_channels: int,
                   owner: str) -> torch.Tensor:
    """Turn a recorded feature into the (B, C) vector MGKD works on.

    Args:
        feature (torch.Tensor | Sequence[torch.Tensor]): A (B, C) vector, a
            (B, C, H, W) map (globally average pooled here), or a list/tuple
            of them (e.g. a neck's or a module's recorded inputs), of which
            the last entry is used.
        in_channels (int): The expected C.
        owner (str): Name of the calling module, for error messages.

    Returns:
        torch.Tensor: (B, in_channels).
    """
    if isinstance(feature, (list, tuple)):
        if len(feature) == 0:
            raise ValueError(f'{owner} got an empty {type(feature).__name__} '
                             'as feature.')
        feature = feature[-1]
    if not isinstance(feature, torch.Tensor):
        raise TypeError(f'{owner} expects a tensor feature, got '
                        f'{type(feature).__name__}.')
    if feature.dim() == 4:
        feature = feature.mean(dim=(2, 3))
    if feature.dim() != 2:
        raise ValueError(f'{owner} expects a (B, C) or (B, C, H, W) feature, '
                         f'got shape {tuple(feature.shape)}.')
    if feature.size(1) != in_channels:
        raise ValueError(
            f'{owner}: `in_channels` expected {in_channels} channels, but the '
            f'feature has {feature.size(1)} (shape {tuple(feature.shape)}).')
    return feature


def mgkd_encoder(in_channels: int, code_dim: int) -> nn.Sequential:
    """Linear(C, C) -> ReLU -> Linear(C, d): a raw code, no activation."""
    return nn.Sequential(
        nn.Linear(in_channels, in_channels), nn.ReLU(inplace=False),
        nn.Linear(in_channels, code_dim))


def mgkd_decoder(code_dim: int, in_channels: int,
                 num_classes: int) -> nn.Sequential:
    """Linear(d, C) -> ReLU -> Linear(C, K): logits from a code."""
    return nn.Sequential(
        nn.Linear(code_dim, in_channels), nn.ReLU(inplace=False),
        nn.Linear(in_channels, num_classes))


@MODELS.register_module()
class MGKDAnalyser(BaseModule):
    """The multi-granularity self-analysing module of MGKD.

    Branch k has an encoder E_k: Linear(C, C) -> ReLU -> Linear(C, d_k) and a
    decoder D_k: Linear(d_k, C) -> ReLU -> Linear(C, K). Code widths,
    temperatures and weights are stored as persistent buffers
    (``code_dims``, ``taus``, ``weights``), so a checkpoint records the
    branch list it was trained with.

    Args:
        in_channels (int): Channels C of the teacher's pooled feature (the
            input of its classifier).
        num_classes (int): Number of classes K.
        branches (Sequence[dict]): ``dict(code_dim, tau, weight)`` per
            branch. Defaults to ``DEFAULT_MGKD_BRANCHES``:
            (64, 2., 1.) and (256, 8., 1.).
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 in_channels: int,
                 num_classes: int,
                 branches: Sequence[dict] = DEFAULT_MGKD_BRANCHES,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.in_channels = check_positive_int('in_channels', in_channels)
        self.num_classes = check_positive_int('num_classes', num_classes)
        self.branches = parse_mgkd_branches(branches)
        self.register_buffer(
            'code_dims',
            torch.tensor([b['code_dim'] for b in self.branches],
                         dtype=torch.long))
        self.register_buffer(
            'taus',
            torch.tensor([b['tau'] for b in self.branches],
                         dtype=torch.float32))
        self.register_buffer(
            'weights',
            torch.tensor([b['weight'] for b in self.branches],
                         dtype=torch.float32))
        self.encoders = nn.ModuleList(
            mgkd_encoder(in_channels, b['code_dim']) for b in self.branches)
        self.decoders = nn.ModuleList(
            mgkd_decoder(b['code_dim'], in_channels, num_classes)
            for b in self.branches)

    @property
    def num_branches(self) -> int:
        return len(self.branches)

    def encode(self, feature: Feature) -> Tuple[torch.Tensor, ...]:
        """Codes E_k(f) of every branch, each (B, d_k)."""
        f = pooled_feature(feature, self.in_channels, type(self).__name__)
        return tuple(encoder(f) for encoder in self.encoders)

    def decode(self,
               codes: Sequence[torch.Tensor]) -> Tuple[torch.Tensor, ...]:
        """Reconstructed logits D_k(code_k) of every branch, each (B, K)."""
        if len(codes) != self.num_branches:
            raise ValueError(f'{type(self).__name__}.decode: expected '
                             f'{self.num_branches} codes (one per branch), '
                             f'got {len(codes)}.')
        return tuple(
            decoder(code) for decoder, code in zip(self.decoders, codes))

    def forward(self, feature: Feature) -> MGKDAnalysis:
        """Encode and decode a pooled teacher feature.

        Args:
            feature (torch.Tensor | Sequence[torch.Tensor]): (B, C),
                (B, C, H, W) (pooled here) or a list/tuple whose last entry
                is one of them.

        Returns:
            MGKDAnalysis: The codes and reconstructed logits of all branches.
        """
        codes = self.encode(feature)
        return MGKDAnalysis(codes, self.decode(codes))
