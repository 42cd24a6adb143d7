"""Registered losses of mmrazor_unified (MMRazor MODELS / TASK_UTILS)."""
from .unikd_distribution_loss import UniKDDistributionLoss  # noqa: F401
from .mgkd_granularity_loss import MGKDGranularityLoss  # noqa: F401
