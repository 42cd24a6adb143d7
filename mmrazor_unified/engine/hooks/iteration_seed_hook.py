"""Seed every training iteration from (seed, iteration, rank)."""
import random
from typing import Optional

import numpy as np
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmrazor.registry import HOOKS


@HOOKS.register_module()
class IterationSeedHook(Hook):
    """Make the random numbers of iteration ``i`` a function of ``i`` alone.

    MMEngine seeds a run once, and its checkpoints carry no RNG state, so a
    resumed run draws different random numbers than the uninterrupted one
    (UniKD's distribution heads sample in every step). Re-seeding Python,
    NumPy and torch before each iteration from ``(seed, iteration, rank)``
    makes a resumed run continue exactly, with no state to save. The
    generators are also seeded before each epoch, because the first batch
    of an epoch is drawn (and augmented) before its iteration starts. Random
    augmentation inside dataloader worker processes is not covered; with
    ``num_workers=0`` the whole step is reproducible.

    Args:
        seed (int, optional): Base seed. Defaults to the runner's seed
            (``randomness.seed``).
    """

    priority = 'VERY_HIGH'

    def __init__(self, seed: Optional[int] = None) -> None:
        self.seed = seed

    def _seed_all(self, runner) -> None:
        """Seed Python, NumPy and torch from (seed, iteration, rank)."""
        base = runner.seed if self.seed is None else self.seed
        seed = hash((base, runner.iter, get_rank())) % (2**32)
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)

    def before_train_epoch(self, runner) -> None:
        """Seed before the epoch's data iterator draws its first batch.

        Args:
            runner (Runner): The runner of the training.
        """
        self._seed_all(runner)

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        """Seed all generators for the coming iteration.

        Args:
            runner (Runner): The runner of the training.
            batch_idx (int): Index of the batch in the epoch.
            data_batch: Unused.
        """
        self._seed_all(runner)
