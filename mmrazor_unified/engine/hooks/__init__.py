"""Hooks of mmrazor_unified, registered in MMRazor's HOOKS."""
from .distill_loss_warmup_hook import DistillLossWarmupHook  # noqa: F401
from .non_finite_loss_hook import NonFiniteLossHook  # noqa: F401
from .iteration_seed_hook import IterationSeedHook  # noqa: F401
