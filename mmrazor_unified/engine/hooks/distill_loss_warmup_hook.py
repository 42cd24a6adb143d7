"""Linear warm-up of distillation loss weights."""
from typing import Dict, Optional, Sequence

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmrazor.registry import HOOKS
from torch import nn


@HOOKS.register_module()
class DistillLossWarmupHook(Hook):
    """Ramp the ``loss_weight`` of distillation losses in linearly.

    Before every training iteration the ``loss_weight`` attribute of each
    named loss of ``model.distiller.distill_losses`` is set to
    ``base_weight * min(1, (runner.iter + 1) / warmup_iters)``, where
    ``base_weight`` is the value the loss was built with (read once, before
    training). The weight depends on ``runner.iter`` only, so a resumed run
    continues the ramp exactly.

    Examples:
        >>> custom_hooks = [
        ...     dict(type='DistillLossWarmupHook', loss_names=['loss_dkd'],
        ...          warmup_epochs=20)]

    Args:
        loss_names (Sequence[str]): Keys of ``distiller.distill_losses`` to
            warm up, e.g. ``['loss_dkd']``.
        warmup_epochs (float, optional): Length of the ramp in epochs
            (converted with ``len(runner.train_dataloader)``).
        warmup_iters (int, optional): Length of the ramp in iterations.
            Exactly one of ``warmup_epochs`` and ``warmup_iters`` is given.
    """

    priority = 'NORMAL'

    def __init__(self,
                 loss_names: Sequence[str],
                 warmup_epochs: Optional[float] = None,
                 warmup_iters: Optional[int] = None) -> None:
        if (warmup_epochs is None) == (warmup_iters is None):
            raise ValueError('Give exactly one of `warmup_epochs` and '
                             f'`warmup_iters`, got warmup_epochs='
                             f'{warmup_epochs!r}, warmup_iters='
                             f'{warmup_iters!r}.')
        for key, value in (('warmup_epochs', warmup_epochs), ('warmup_iters',
                                                              warmup_iters)):
            if value is not None and value <= 0:
                raise ValueError(f'`{key}` must be positive, got {value!r}.')
        if isinstance(loss_names, str) or len(loss_names) == 0:
            raise ValueError('`loss_names` must be a non-empty list of loss '
                             f'names, got {loss_names!r}.')
        self.loss_names = list(loss_names)
        self.warmup_epochs = warmup_epochs
        self.warmup_iters = warmup_iters
        self._base_weights: Optional[Dict[str, float]] = None
        self._ramp_iters = warmup_iters

    @staticmethod
    def _distill_losses(runner) -> nn.ModuleDict:
        """The ``distill_losses`` of the (unwrapped) distillation model."""
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        return model.distiller.distill_losses

    def before_train(self, runner) -> None:
        """Read the base weights and resolve the ramp length in iterations.

        Args:
            runner (Runner): The runner of the training process.
        """
        losses = self._distill_losses(runner)
        if self._base_weights is None:
            base_weights = {}
            for name in self.loss_names:
                if name not in losses:
                    raise KeyError(
                        f'`loss_names` entry {name!r} is not a distill loss; '
                        f'available: {list(losses.keys())}.')
                if not hasattr(losses[name], 'loss_weight'):
                    raise TypeError(f'distill loss {name!r} '
                                    f'({type(losses[name]).__name__}) has no '
                                    '`loss_weight` attribute to warm up.')
                base_weights[name] = losses[name].loss_weight
            self._base_weights = base_weights
        if self.warmup_epochs is not None:
            self._ramp_iters = max(
                1, round(self.warmup_epochs * len(runner.train_dataloader)))

    def before_train_iter(self,
                          runner,
                          batch_idx: int,
                          data_batch: Optional[dict] = None) -> None:
        """Set the warmed-up weights for the coming iteration.

        Args:
            runner (Runner): The runner of the training process.
            batch_idx (int): Index of the batch in the epoch.
            data_batch (dict, optional): The batch. Unused.
        """
        factor = min(1., (runner.iter + 1) / self._ramp_iters)
        losses = self._distill_losses(runner)
        for name, base_weight in self._base_weights.items():
            losses[name].loss_weight = base_weight * factor
