"""Teacher-side MGKD connector: the frozen analyser trained in stage 2."""
import os.path as osp
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import torch
from mmengine.runner import CheckpointLoader
from mmrazor.models.architectures.connectors.base_connector import \
    BaseConnector
from mmrazor.registry import MODELS

from ..heads.mgkd_analyser import (DEFAULT_MGKD_BRANCHES, MGKDAnalyser,
                                   branch_key)

STAGE2_HINT = ('Train the analyser first (stage 2): `python tools/analysis_'
               'tools/mgkd_analyser.py <analyser config> <teacher checkpoint> '
               '--work-dir <dir>` (or `python tools/train.py configs/mgkd/'
               'mgkd_analyser_<teacher>_<dataset>.py`), then point '
               '`checkpoint` at the analyser checkpoint it keeps.')


class MGKDTeacherTargets(NamedTuple):
    """What :class:`MGKDAnalyserConnector` gives the distiller's losses.

    A loss mapping picks one field with ``connector_idx``.

    Attributes:
        target (torch.Tensor): Index 0. The logit target for the host's own
            logit loss (its ``preds_T``/``logits_T``), (B, K): the stable
            excitation target, or the teacher's logits z_T when the
            connector's ``stable`` is False.
        codes (tuple[torch.Tensor]): Index 1. The analyser's code of the
            teacher's pooled feature per branch, (B, d_k) each, for
            :class:`MGKDGranularityLoss`.
    """
    target: torch.Tensor
    codes: Tuple[torch.Tensor, ...]


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
class MGKDAnalyserConnector(BaseConnector):
    """The frozen MGKD analyser on the teacher side of a distiller (stage 3).

    Input: the teacher's recorded ``(pooled feature, logits)``, e.g. from
    ``dict(type='MultiModuleOutputs', sources=['neck', 'head.fc'])``.
    Output: :class:`MGKDTeacherTargets` ``(target, codes)``, so that one
    connector feeds both MGKD inputs:

    - ``connector_idx=0``: the logit target. It replaces the teacher's
      logits as the input of the host's own logit loss (KD's ``preds_T``,
      DKD's ``preds_T``, DIST's ``logits_T``, ...), or of a second, stacked
      logit loss;
    - ``connector_idx=1``: the codes, for :class:`MGKDGranularityLoss`.

    Builds an :class:`MGKDAnalyser` and loads its weights from the stage-2
    checkpoint right here in ``__init__``: MMRazor never initialises
    connectors, so an ``init_cfg`` would silently do nothing. The configured
    branches are selected from the checkpoint by ``(code_dim, tau)``, so one
    stage-2 run that trains several branches (they are independent of each
    other) serves every branch set drawn from them. Everything is checked
    before training starts:

    - a missing checkpoint file raises ``FileNotFoundError``;
    - a checkpoint without ``{prefix}*`` keys raises ``KeyError``;
    - a configured branch that the checkpoint lacks, or
      ``in_channels``/``num_classes`` different from the checkpoint's, raise
      ``ValueError`` with the configured and the checkpoint's values.

    Branch weights are not compared: they only weigh stage-3 losses.

    The analyser is frozen (no parameter requires grad), always in eval mode,
    and runs without gradient.

    Args:
        in_channels (int): Channels of the teacher's pooled feature.
        num_classes (int): Number of classes.
        checkpoint (str): The stage-2 checkpoint (of
            ``MGKDAnalyserTraining``) or any file holding the analyser's
            state dict under ``prefix``.
        branches (Sequence[dict]): ``dict(code_dim, tau, weight)`` per
            branch; each ``(code_dim, tau)`` must be in the checkpoint.
        stable (bool): True ("MAS"): the target is the stable excitation
            target :func:`stable_excitation_target`; False ("MAG"): the
            teacher's logits. Defaults to True.
        prefix (str): Prefix of the analyser's keys in the checkpoint.
            Defaults to 'analyser.'; '' for a bare analyser state dict.
        init_cfg (dict, optional): Unused by MMRazor; kept for the interface.
    """

    def __init__(self,
                 in_channels: int,
                 num_classes: int,
                 checkpoint: str,
                 branches: Sequence[dict] = DEFAULT_MGKD_BRANCHES,
                 stable: bool = True,
                 prefix: str = 'analyser.',
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg)
        if not isinstance(stable, bool):
            raise TypeError(f'`stable` must be a bool, got {stable!r}.')
        self.stable = stable
        self.analyser = MGKDAnalyser(in_channels, num_classes, branches)
        self.checkpoint = checkpoint
        self.prefix = prefix
        self.analyser.load_state_dict(
            self._analyser_state_dict(checkpoint, prefix), strict=True)
        for param in self.analyser.parameters():
            param.requires_grad = False
        self.analyser.eval()
        # weights come from the checkpoint: nothing may re-initialise them
        self._is_init = True
        self.analyser._is_init = True

    def _analyser_state_dict(self, checkpoint: str,
                             prefix: str) -> Dict[str, torch.Tensor]:
        """Read the checkpoint; select and check the configured branches."""
        if not isinstance(checkpoint, str) or not checkpoint:
            raise ValueError('`checkpoint` must be the path of the stage-2 '
                             f'MGKD analyser checkpoint, got {checkpoint!r}.')
        if '://' not in checkpoint and not osp.isfile(checkpoint):
            raise FileNotFoundError(
                f'MGKD analyser `checkpoint` not found: {checkpoint!r} '
                f'(absolute: {osp.abspath(checkpoint)}). ' + STAGE2_HINT)
        ckpt = CheckpointLoader.load_checkpoint(checkpoint, map_location='cpu')
        state_dict = ckpt.get('state_dict', ckpt) if isinstance(ckpt,
                                                                dict) else {}
        saved = {
            k[len(prefix):]: v
            for k, v in state_dict.items() if k.startswith(prefix)
        }
        if not saved:
            some = sorted(state_dict)[:5]
            raise KeyError(
                f'MGKD analyser `checkpoint` {checkpoint!r} has no key '
                f'starting with `prefix` {prefix!r} (first keys: {some}). '
                'Is it the checkpoint of an MGKDAnalyserTraining run? ' +
                STAGE2_HINT)
        missing = [
            k for k in ('code_dims', 'taus', 'encoders.0.0.weight',
                        'decoders.0.2.weight') if k not in saved
        ]
        if missing:
            raise KeyError(
                f'MGKD analyser `checkpoint` {checkpoint!r} lacks '
                f'{[prefix + k for k in missing]}: not an MGKDAnalyser '
                'state dict.')

        ours = self.analyser
        sources = self._select_branches(saved, checkpoint)
        ckpt_in = saved['encoders.0.0.weight'].shape[1]
        ckpt_classes = saved['decoders.0.2.weight'].shape[0]
        for key, ours_value, theirs in (('in_channels', ours.in_channels,
                                         ckpt_in),
                                        ('num_classes', ours.num_classes,
                                         ckpt_classes)):
            if ours_value != theirs:
                raise ValueError(
                    f'`{key}` is {ours_value} but the MGKD analyser '
                    f'checkpoint {checkpoint!r} was trained with {theirs}.')
        # branch list and weights are this run's (weights are stage-3 only)
        selected = {
            k: v.clone()
            for k, v in ours.state_dict().items()
            if k in ('code_dims', 'taus', 'weights')
        }
        for i, j in enumerate(sources):
            for part in ('encoders', 'decoders'):
                head = f'{part}.{j}.'
                selected.update({
                    f'{part}.{i}.{k[len(head):]}': v
                    for k, v in saved.items() if k.startswith(head)
                })
        return selected

    def _select_branches(self, saved: Dict[str, torch.Tensor],
                         checkpoint: str) -> List[int]:
        """Index in the checkpoint of every configured branch."""
        saved_keys = [(int(d), float(t)) for d, t in zip(
            saved['code_dims'].tolist(), saved['taus'].tolist())]
        sources = []
        for branch in self.analyser.branches:
            code_dim, tau = branch_key(branch)
            found = [
                j for j, (d, t) in enumerate(saved_keys)
                if d == code_dim and abs(t - tau) <= 1e-6 * max(1., tau)
            ]
            if not found:
                raise ValueError(
                    f'`branches` differ from the MGKD analyser checkpoint '
                    f'{checkpoint!r}: branch (code_dim={code_dim}, '
                    f'tau={tau}) is configured, but the checkpoint has '
                    f'(code_dim, tau) {saved_keys}. Use branches of stage 2 '
                    '(or train stage 2 with this one).')
            sources.append(found[0])
        return sources

    @property
    def branches(self) -> List[Dict]:
        return self.analyser.branches

    def train(self, mode: bool = True) -> 'MGKDAnalyserConnector':
        """Set the mode; the analyser always stays in eval mode."""
        super().train(mode)
        self.analyser.eval()
        return self

    def forward_train(self, record: Sequence) -> MGKDTeacherTargets:
        """Analyse the teacher's pooled feature, without gradient.

        Args:
            record (Sequence): ``(feature, logits)``: the teacher's pooled
                feature ((B, C), (B, C, H, W), or a neck's tuple of them,
                whose last entry is used) and its logits (B, K).

        Returns:
            MGKDTeacherTargets: ``(target, codes)``.
        """
        if (isinstance(record, torch.Tensor)
                or not isinstance(record, Sequence) or len(record) != 2):
            got = (f'a tensor of shape {tuple(record.shape)}' if isinstance(
                record, torch.Tensor) else repr(type(record).__name__))
            raise TypeError(
                'MGKDAnalyserConnector expects the teacher\'s recorded '
                '(pooled feature, logits), e.g. from dict(type='
                "'MultiModuleOutputs', sources=['neck', 'head.fc']); got "
                f'{got}.')
        feature, logits = record
        classes = self.analyser.num_classes
        if (not isinstance(logits, torch.Tensor) or logits.dim() != 2
                or logits.size(1) != classes):
            shape = tuple(getattr(logits, 'shape', ()))
            raise ValueError(
                'MGKDAnalyserConnector: the second recorded entry must be the '
                f'teacher\'s logits of shape (B, {classes}) (`num_classes`), '
                f'got {type(logits).__name__} of shape {shape}.')
        with torch.no_grad():
            analysis = self.analyser(feature)
            target = (
                stable_excitation_target(logits, analysis.logits)
                if self.stable else logits.detach())
        return MGKDTeacherTargets(target, analysis.codes)
