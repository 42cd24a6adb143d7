"""SingleTeacherDistill whose teacher checkpoint must exist and match."""
from typing import Any, Dict, Hashable, List, Optional, Union

import torch
from mmengine.model import BaseModel
from mmrazor.models.algorithms import SingleTeacherDistill
from mmrazor.registry import MODELS

from ...utils.connector_keys import name_connectors
from ..teacher_checkpoint import check_teacher_ckpt, load_teacher
from .model_cfg_path import resolve_cfg_path


@MODELS.register_module()
class StrictTeacherDistill(SingleTeacherDistill):
    """MMRazor's ``SingleTeacherDistill`` with a strictly loaded teacher.

    ``SingleTeacherDistill`` loads ``teacher_ckpt`` leniently: a checkpoint
    of another architecture only logs warnings and training goes on with a
    random teacher, and a wrong path fails only after the models are built.
    Here a missing path fails before anything is built, and a checkpoint that
    does not match the teacher (missing, unexpected or differently shaped
    weights) fails with a message naming ``model.teacher_ckpt``. The
    ``cfg_path`` of ``architecture`` and ``teacher`` may also be a config
    file (see :func:`resolve_cfg_path`). Everything else is
    ``SingleTeacherDistill``.

    With ``cache_teacher_outputs`` the frozen teacher runs once per training
    view: what its recorders record for a sample is kept, keyed by the
    sample's ``sample_idx`` and ``flip``, and a later batch runs the teacher
    only on the views it has not seen. A frozen teacher with its norm layers
    in eval mode computes each sample alone, so the losses are those of a
    full teacher pass; only the teacher's compute (most of a small student's
    step) is saved. Valid only when a view is determined by its index and
    flip, i.e. the training pipeline's only random transform is
    ``RandomFlip`` (as in the Fashion-MNIST configs); the benchmark checks
    that before it turns the cache on. The cache lives in memory (all
    teacher records of every view, e.g. about 1 GB for UniKD's 28x28 stage
    on 10k images).

    Distillation losses that keep diagnostics of their last batch in a
    ``stats`` dict (e.g. :class:`UniKDDistributionLoss`) have them logged
    beside the losses as ``stats.<loss name without "loss">.<key>`` (e.g.
    ``stats.unikd.s_log_var``): names without "loss", which MMEngine logs
    without adding them to the total.

    Args:
        architecture (dict | BaseModel): The student.
        teacher (dict | BaseModel): The teacher.
        teacher_ckpt (str, optional): The teacher's checkpoint. None only for
            a teacher that needs no weights (e.g. tests).
        cache_teacher_outputs (bool): Run the teacher once per training
            view (see above). Defaults to False.
        **kwargs: The other arguments of ``SingleTeacherDistill``.
    """

    def __init__(self,
                 architecture: Union[BaseModel, Dict],
                 teacher: Union[BaseModel, Dict],
                 teacher_ckpt: Optional[str] = None,
                 cache_teacher_outputs: bool = False,
                 **kwargs) -> None:
        if teacher_ckpt is not None:
            check_teacher_ckpt(teacher_ckpt)
        super().__init__(
            architecture=resolve_cfg_path(architecture, 'model.architecture'),
            teacher=resolve_cfg_path(teacher, 'model.teacher'),
            teacher_ckpt=None,
            **kwargs)
        if teacher_ckpt is not None:
            load_teacher(self.teacher, teacher_ckpt)
        # input errors of connectors name their config key and feeder
        name_connectors(self.distiller)
        if cache_teacher_outputs:
            if self.teacher_trainable or not self.teacher_norm_eval:
                raise ValueError(
                    'model.cache_teacher_outputs=True needs a frozen teacher '
                    'with its norm layers in eval mode: got '
                    f'teacher_trainable={self.teacher_trainable}, '
                    f'teacher_norm_eval={self.teacher_norm_eval}.')
            self._teacher_cache: Dict[Hashable, Dict[str, Any]] = {}
            self._teacher_forward = self.teacher.forward
            # an instance attribute: the state dict and hooks are untouched
            self.teacher.forward = self._cached_teacher_forward

    def loss(self, batch_inputs: torch.Tensor,
             data_samples: Optional[List] = None) -> Dict[str, torch.Tensor]:
        """``SingleTeacherDistill``'s losses plus the losses' diagnostics.

        Args:
            batch_inputs (torch.Tensor): The batch, ``(N, C, H, W)``.
            data_samples (list, optional): Its data samples.

        Returns:
            dict: Losses (``student.*``, ``distill.*``) and ``stats.*``.
        """
        losses = super().loss(batch_inputs, data_samples)
        if not self.distillation_stopped:
            losses.update(self.loss_stats())
        return losses

    def loss_stats(self) -> Dict[str, torch.Tensor]:
        """The diagnostics the distillation losses kept of their last batch.

        Returns:
            dict: ``stats.<loss name without "loss">.<key>`` to each value.
        """
        stats = {}
        for name, module in self.distiller.distill_losses.items():
            short = name.replace('loss', '').strip('_') or 'distill'
            for key, value in getattr(module, 'stats', {}).items():
                stats[f'stats.{short}.{key}'] = value
        return stats

    def _cached_teacher_forward(self,
                                inputs: torch.Tensor,
                                data_samples: Optional[List] = None,
                                mode: str = 'tensor') -> Any:
        """The teacher's forward inside the teacher recorders' context.

        In ``'loss'`` mode (the distiller's teacher pass) it runs the teacher
        on the views not cached yet, then fills every teacher recorder with
        the whole batch's records; other modes are the teacher's own.

        Args:
            inputs (torch.Tensor): The batch, ``(N, C, H, W)``.
            data_samples (list, optional): Their data samples, each with
                ``sample_idx`` and ``flip``.
            mode (str): The teacher's forward mode.

        Returns:
            Any: None in ``'loss'`` mode (a frozen teacher's losses are not
            used), else the teacher's output.
        """
        if data_samples is None or mode != 'loss':
            return self._teacher_forward(inputs, data_samples, mode)
        keys = [view_key(sample) for sample in data_samples]
        recorders = self.distiller.teacher_recorders.recorders
        cache = self._teacher_cache
        missing = [i for i, k in enumerate(keys) if k not in cache]
        if missing:
            index = torch.tensor(missing, device=inputs.device)
            self._teacher_forward(inputs[index],
                                  [data_samples[i] for i in missing], mode)
            for j, i in enumerate(missing):
                cache[keys[i]] = {
                    name: tree_map(lambda t: t[j].clone(),
                                   recorder.data_buffer)
                    for name, recorder in recorders.items()
                }
        for name, recorder in recorders.items():
            recorder._data_buffer = tree_stack(
                [cache[k][name] for k in keys])


def view_key(sample: Any) -> Hashable:
    """``(sample_idx, flip)`` of a data sample: what names a training view
    when the pipeline's only random transform is ``RandomFlip``."""
    missing = [k for k in ('sample_idx', 'flip') if k not in sample]
    if missing:
        raise KeyError(
            f'model.cache_teacher_outputs=True needs {missing} in every data '
            'sample (PackInputs meta keys); a pipeline without RandomFlip '
            'sets no `flip`.')
    return sample.sample_idx, bool(sample.flip)


def tree_map(fn, node: Any) -> Any:
    """``fn`` on every tensor of nested lists and tuples."""
    if isinstance(node, torch.Tensor):
        return fn(node)
    if isinstance(node, (list, tuple)):
        return type(node)(tree_map(fn, n) for n in node)
    return node


def tree_stack(nodes: List[Any]) -> Any:
    """Stack same-shaped nested records (one per sample) into a batch."""
    first = nodes[0]
    if isinstance(first, torch.Tensor):
        return torch.stack(nodes)
    if isinstance(first, (list, tuple)):
        return type(first)(
            tree_stack([n[i] for n in nodes]) for i in range(len(first)))
    return first
