"""Stage 2 of MGKD: train the multi-granularity analyser, teacher frozen."""
import hashlib
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmrazor.models.algorithms.base import BaseAlgorithm
from mmrazor.models.losses import KLDivergence
from mmrazor.registry import MODELS

from ..heads.mgkd_analyser import MGKDAnalyser, MGKDAnalysis
from ..teacher_checkpoint import check_teacher_ckpt, load_teacher
from .model_cfg_path import resolve_cfg_path


def gt_labels_of(data_samples: Optional[List]) -> torch.Tensor:
    """The hard labels of a batch of MMPretrain data samples, shape (B, )."""
    if not data_samples or any('gt_label' not in s for s in data_samples):
        raise ValueError('MGKD analyser training needs data samples with '
                         '`gt_label` (the cross-entropy term of every '
                         'branch).')
    labels = torch.cat([s.gt_label.reshape(-1) for s in data_samples])
    if labels.numel() != len(data_samples):
        raise ValueError('MGKD analyser training needs one class label per '
                         f'sample, got {labels.numel()} labels for '
                         f'{len(data_samples)} samples.')
    return labels.long()


def teacher_pooled_and_logits(
        teacher: BaseModel,
        inputs: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """A classifier's pooled feature f (its head's ``pre_logits``) and logits.

    Args:
        teacher (BaseModel): An MMPretrain ``ImageClassifier``.
        inputs (torch.Tensor): Preprocessed images, (B, ...).

    Returns:
        tuple[torch.Tensor, torch.Tensor]: (B, C) and (B, K), without grad.
    """
    with torch.no_grad():
        feats = teacher.extract_feat(inputs)
        return teacher.head.pre_logits(feats), teacher.head(feats)


class TeacherOutputCache:
    """The frozen teacher's outputs per image, keyed by the image's content.

    An image (a preprocessed (C, H, W) tensor) is identified by a digest of
    its bytes, so the same image found again in any batch, epoch or
    dataloader, after the same preprocessing, is a hit.

    Args:
        limit (int): Most images kept; one more is an error (the pipeline
            then makes new images every epoch, e.g. random crops, and
            caching cannot help).
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._rows: Dict[bytes, Tuple[int, int]] = {}  # digest -> chunk, row
        self._chunks: List[Tuple[torch.Tensor, torch.Tensor]] = []

    def __len__(self) -> int:
        return len(self._rows)

    @staticmethod
    def digests(images: torch.Tensor) -> List[bytes]:
        """One digest per image of a (B, ...) batch."""
        data = images.detach().cpu().contiguous()
        return [
            hashlib.blake2b(image.numpy().tobytes(), digest_size=16).digest()
            for image in data
        ]

    def add(self, keys: Sequence[bytes], pooled: torch.Tensor,
            logits: torch.Tensor) -> None:
        """Keep the outputs (B, C) and (B, K) of the images ``keys``."""
        new = {key: row for row, key in enumerate(keys)}
        if len(self._rows) + sum(key not in self._rows
                                 for key in new) > self.limit:
            raise RuntimeError(
                f'MGKD teacher output cache: more than {self.limit} '
                'different images (`teacher_cache_limit`). Caching only '
                'helps when the training pipeline\'s one random transform is '
                'a horizontal flip; with other augmentations (e.g. random '
                'crops) set `cache_teacher_outputs=False`.')
        chunk = len(self._chunks)
        self._chunks.append((pooled.detach(), logits.detach()))
        self._rows.update({key: (chunk, row) for key, row in new.items()})

    def missing(self, keys: Sequence[bytes]) -> List[int]:
        """Positions of the keys that are not cached."""
        return [i for i, key in enumerate(keys) if key not in self._rows]

    def get(self, keys: Sequence[bytes]) -> Tuple[torch.Tensor, torch.Tensor]:
        """The cached outputs of ``keys``, (B, C) and (B, K)."""
        rows = [self._rows[key] for key in keys]
        return tuple(
            torch.stack([self._chunks[c][part][r] for c, r in rows])
            for part in (0, 1))


@MODELS.register_module()
class MGKDAnalyserTraining(BaseAlgorithm):
    """Stage 2 of MGKD: learn the analyser's branches on a frozen teacher.

    The teacher (``architecture``) is loaded from ``teacher_ckpt`` here,
    frozen and kept in eval mode; only the analyser is trained. For every
    branch k with temperature tau_k and weight w_k the losses are

    - ``loss_b{k}_kd``: w_k * tau_k^2 * KL(softmax(z_T / tau_k) ||
      softmax(D_k(E_k(f_T)) / tau_k)), batch mean (MMRazor's
      ``KLDivergence``);
    - ``loss_b{k}_ce``: cross-entropy of D_k(E_k(f_T)) with the labels,

    where f_T is the teacher's pooled feature (its classifier's input) and
    z_T its logits, both computed without gradient. All branches are trained
    jointly; they share no parameter, so this equals training each alone.
    Checkpoints hold ``architecture.*`` (the teacher) and ``analyser.*``;
    stage 3 loads the latter with ``MGKDAnalyserConnector``.

    The teacher is frozen, so with ``cache_teacher_outputs`` its outputs are
    computed once per image and kept (in memory, never in checkpoints): a
    training image's first visit also computes its horizontal flip, so from
    the second epoch on (for a pipeline whose one random transform is that
    flip) no teacher runs; evaluation images are computed once as well.

    Args:
        architecture (dict | BaseModel): The teacher, an MMPretrain
            classifier (e.g. ``dict(cfg_path='mmpretrain::...',
            pretrained=False)``; ``cfg_path`` may also be a config file, see
            :func:`resolve_cfg_path`).
        teacher_ckpt (str): The trained teacher's checkpoint (required).
        analyser (dict): Config of :class:`MGKDAnalyser`. ``in_channels``
            and ``num_classes`` default to the teacher head's.
        cache_teacher_outputs (bool): Cache the teacher's outputs (see
            above). Defaults to False.
        teacher_cache_limit (int): Most images (views included) to cache.
            Defaults to 500000.
        data_preprocessor (dict | nn.Module, optional): Defaults to the
            teacher's.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 architecture: Union[BaseModel, Dict],
                 teacher_ckpt: str,
                 analyser: Dict,
                 cache_teacher_outputs: bool = False,
                 teacher_cache_limit: int = 500000,
                 data_preprocessor: Optional[Union[Dict, nn.Module]] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        check_teacher_ckpt(teacher_ckpt)  # before anything is built
        super().__init__(
            resolve_cfg_path(architecture, 'model.architecture'),
            data_preprocessor, init_cfg)
        load_teacher(self.architecture, teacher_ckpt)
        for param in self.architecture.parameters():
            param.requires_grad = False
        self.architecture.eval()
        self.teacher_cache = TeacherOutputCache(
            teacher_cache_limit) if cache_teacher_outputs else None

        analyser = dict(analyser)
        head = getattr(self.architecture, 'head', None)
        for key in ('in_channels', 'num_classes'):
            if key not in analyser and hasattr(head, key):
                analyser[key] = getattr(head, key)
        self.analyser: MGKDAnalyser = MODELS.build(analyser)
        self.branch_kd = nn.ModuleList(
            KLDivergence(tau=b['tau'], loss_weight=b['weight'])
            for b in self.analyser.branches)

    @property
    def teacher(self) -> nn.Module:
        """Alias for ``architecture``: the frozen teacher."""
        return self.architecture

    def train(self, mode: bool = True) -> 'MGKDAnalyserTraining':
        """Set the mode; the teacher always stays in eval mode."""
        super().train(mode)
        self.architecture.eval()
        return self

    def teacher_forward(
            self, inputs: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """The teacher's pooled feature f_T (B, C) and logits z_T (B, K),
        without grad; from the cache where possible."""
        cache = self.teacher_cache
        if cache is None:
            return teacher_pooled_and_logits(self.architecture, inputs)
        keys = cache.digests(inputs)
        missing = cache.missing(keys)
        if missing:
            images = inputs[missing]
            new_keys = [keys[i] for i in missing]
            if self.training:  # and the other view of the flip
                images = torch.cat([images, images.flip(-1)])
                new_keys += cache.digests(images[len(missing):])
            cache.add(new_keys,
                      *teacher_pooled_and_logits(self.architecture, images))
        return cache.get(keys)

    def loss(self,
             inputs: torch.Tensor,
             data_samples: Optional[List] = None) -> Dict[str, torch.Tensor]:
        """Per-branch KD and CE losses (see the class docstring)."""
        labels = gt_labels_of(data_samples).to(inputs.device)
        pooled, teacher_logits = self.teacher_forward(inputs)
        analysis = self.analyser(pooled)
        losses = dict()
        for k, (logits, kd) in enumerate(zip(analysis.logits, self.branch_kd)):
            losses[f'loss_b{k}_kd'] = kd(logits, teacher_logits)
            losses[f'loss_b{k}_ce'] = F.cross_entropy(logits, labels)
        return losses

    def _forward(self,
                 inputs: torch.Tensor,
                 data_samples: Optional[List] = None
                 ) -> Tuple[torch.Tensor, MGKDAnalysis]:
        """The teacher's logits and the analysis of its pooled feature."""
        pooled, teacher_logits = self.teacher_forward(inputs)
        return teacher_logits, self.analyser(pooled)

    def _predict(self,
                 inputs: torch.Tensor,
                 data_samples: Optional[List] = None) -> List:
        """``forward(mode='predict')``: see :meth:`predict`."""
        return self.predict(inputs, data_samples)

    def predict(self,
                inputs: torch.Tensor,
                data_samples: Optional[List] = None) -> List:
        """The teacher's prediction (``pred_score``, ``pred_label``) and every
        branch's class scores (``branch_scores``, (num_branches, K)) per
        sample, for :class:`MGKDBranchAccuracy`."""
        from mmpretrain.structures import DataSample
        teacher_logits, analysis = self._forward(inputs)
        teacher_scores = F.softmax(teacher_logits, dim=1).detach()
        branch_scores = torch.stack(
            [F.softmax(logits, dim=1) for logits in analysis.logits],
            dim=1).detach()
        if data_samples is None:
            data_samples = [DataSample() for _ in range(inputs.size(0))]
        teacher_labels = teacher_scores.argmax(dim=1, keepdim=True)
        for i, sample in enumerate(data_samples):
            sample.set_pred_score(teacher_scores[i])
            sample.set_pred_label(teacher_labels[i])
            sample.set_field(branch_scores[i], 'branch_scores')
        return data_samples
