"""Teacher-side MGKD connector: the frozen analyser trained in stage 2."""
import os.path as osp
from typing import Dict, Optional, Sequence

import torch
from mmengine.runner import CheckpointLoader
from mmrazor.models.architectures.connectors.base_connector import \
    BaseConnector
from mmrazor.registry import MODELS

from ..heads.mgkd_analyser import (DEFAULT_MGKD_BRANCHES, Feature,
                                   MGKDAnalyser, MGKDAnalysis)

STAGE2_HINT = ('Train the analyser first (stage 2): `python tools/train.py '
               'configs/mgkd/mgkd_analyser_<teacher>_<dataset>.py '
               '--cfg-options model.teacher_ckpt=<teacher checkpoint>`, then '
               'point `checkpoint` at its last checkpoint.')


@MODELS.register_module()
class MGKDAnalyserConnector(BaseConnector):
    """The frozen MGKD analyser on the teacher side of a distiller (stage 3).

    Builds an :class:`MGKDAnalyser` and loads its weights from the stage-2
    checkpoint right here in ``__init__``: MMRazor never initialises
    connectors, so an ``init_cfg`` would silently do nothing. Everything is
    checked before training starts:

    - a missing checkpoint file raises ``FileNotFoundError``;
    - a checkpoint without ``{prefix}*`` keys raises ``KeyError``;
    - a branch list (number, code widths, temperatures) or
      ``in_channels``/``num_classes`` different from the checkpoint's raises
      ``ValueError`` with the configured and the checkpoint's values.

    Branch weights are not compared: they only weigh stage-3 losses.

    The analyser is frozen (no parameter requires grad), always in eval mode,
    and runs without gradient.

    Args:
        in_channels (int): Channels of the teacher's pooled feature.
        num_classes (int): Number of classes.
        branches (Sequence[dict]): ``dict(code_dim, tau, weight)`` per
            branch; must match the checkpoint.
        checkpoint (str): The stage-2 checkpoint (of
            ``MGKDAnalyserTraining``) or any file holding the analyser's
            state dict under ``prefix``.
        prefix (str): Prefix of the analyser's keys in the checkpoint.
            Defaults to 'analyser.'; '' for a bare analyser state dict.
        init_cfg (dict, optional): Unused by MMRazor; kept for the interface.
    """

    def __init__(self,
                 in_channels: int,
                 num_classes: int,
                 checkpoint: str,
                 branches: Sequence[dict] = DEFAULT_MGKD_BRANCHES,
                 prefix: str = 'analyser.',
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg)
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
        """Read, select and check the analyser's weights."""
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
        selected = {
            k[len(prefix):]: v
            for k, v in state_dict.items() if k.startswith(prefix)
        }
        if not selected:
            some = sorted(state_dict)[:5]
            raise KeyError(
                f'MGKD analyser `checkpoint` {checkpoint!r} has no key '
                f'starting with `prefix` {prefix!r} (first keys: {some}). '
                'Is it the checkpoint of an MGKDAnalyserTraining run? ' +
                STAGE2_HINT)
        missing = [
            k for k in ('code_dims', 'taus', 'encoders.0.0.weight',
                        'decoders.0.2.weight') if k not in selected
        ]
        if missing:
            raise KeyError(
                f'MGKD analyser `checkpoint` {checkpoint!r} lacks '
                f'{[prefix + k for k in missing]}: not an MGKDAnalyser '
                'state dict.')

        ours = self.analyser
        ckpt_dims = [int(d) for d in selected['code_dims'].tolist()]
        ckpt_taus = [float(t) for t in selected['taus'].tolist()]
        our_dims = [b['code_dim'] for b in ours.branches]
        our_taus = [b['tau'] for b in ours.branches]
        if (ckpt_dims != our_dims or len(ckpt_taus) != len(our_taus)
                or not torch.allclose(
                    torch.tensor(ckpt_taus), torch.tensor(our_taus))):
            raise ValueError(
                '`branches` differ from the MGKD analyser checkpoint '
                f'{checkpoint!r}: configured {len(our_dims)} branches with '
                f'code_dim {our_dims} and tau {our_taus}; the checkpoint has '
                f'{len(ckpt_dims)} with code_dim {ckpt_dims} and tau '
                f'{ckpt_taus}. Use the branch list of stage 2.')
        ckpt_in = selected['encoders.0.0.weight'].shape[1]
        ckpt_classes = selected['decoders.0.2.weight'].shape[0]
        for key, ours_value, theirs in (('in_channels', ours.in_channels,
                                         ckpt_in),
                                        ('num_classes', ours.num_classes,
                                         ckpt_classes)):
            if ours_value != theirs:
                raise ValueError(
                    f'`{key}` is {ours_value} but the MGKD analyser '
                    f'checkpoint {checkpoint!r} was trained with {theirs}.')
        # branch weights are stage-3 settings: keep the configured ones
        selected['weights'] = ours.weights.clone()
        return selected

    @property
    def branches(self):
        return self.analyser.branches

    def train(self, mode: bool = True) -> 'MGKDAnalyserConnector':
        """Set the mode; the analyser always stays in eval mode."""
        super().train(mode)
        self.analyser.eval()
        return self

    def forward_train(self, feature: Feature) -> MGKDAnalysis:
        """Analyse the teacher's pooled feature, without gradient.

        Args:
            feature (torch.Tensor | Sequence[torch.Tensor]): (B, C),
                (B, C, H, W) or a list/tuple (last entry used), e.g. the
                recorded inputs of the teacher's ``head.fc``.

        Returns:
            MGKDAnalysis: Codes and reconstructed logits of every branch.
        """
        with torch.no_grad():
            return self.analyser(feature)
