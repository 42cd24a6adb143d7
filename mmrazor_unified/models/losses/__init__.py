"""Registered losses of mmrazor_unified (MMRazor MODELS / TASK_UTILS)."""
from .unikd_distribution_loss import UniKDDistributionLoss  # noqa: F401
from .mgkd_granularity_loss import MGKDGranularityLoss  # noqa: F401
from .unikd_roi_distribution_loss import UniKDRoIDistributionLoss  # noqa: F401,E501
