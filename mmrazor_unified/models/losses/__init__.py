"""Registered losses of mmrazor_unified (MMRazor MODELS / TASK_UTILS)."""
from .unikd_distribution_loss import UniKDDistributionLoss  # noqa: F401
from .mgkd_granularity_loss import MGKDGranularityLoss  # noqa: F401
from .mgkd_stable_kd_loss import MGKDStableKDLoss, stable_excitation_target  # noqa: F401,E501
