"""Stop training at the first non-finite loss, before anything is saved."""
import math
from typing import Dict, Optional

import torch
from mmengine.hooks import Hook
from mmrazor.registry import HOOKS


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Raise on a NaN/Inf loss, naming the loss, before a checkpoint is saved.

    Runs after every training iteration with a priority above
    ``CheckpointHook`` (``VERY_LOW``), so the run stops before the corrupted
    weights reach a checkpoint; the last checkpoint on disk stays usable for
    ``--resume``.
    """

    priority = 'ABOVE_NORMAL'

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[Dict] = None) -> None:
        """Check every logged loss of this iteration.

        Args:
            runner (Runner): The runner of the training.
            batch_idx (int): Index of the batch in the epoch.
            data_batch: Unused.
            outputs (dict, optional): The log variables of ``train_step``.
        """
        bad = {
            name: float(value)
            for name, value in (outputs or {}).items()
            if 'loss' in name and not math.isfinite(float(
                value.detach() if isinstance(value, torch.Tensor) else value))
        }
        if bad:
            names = ', '.join(f'{k} = {v}' for k, v in bad.items())
            raise FloatingPointError(
                f'Non-finite loss at iteration {runner.iter + 1} (epoch '
                f'{runner.epoch + 1}, batch {batch_idx}): {names}. Training '
                'stopped before saving a checkpoint; the last saved one in '
                f'{runner.work_dir} is unaffected and can be resumed with '
                'a lower learning rate or without --amp.')
