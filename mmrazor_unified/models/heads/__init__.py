"""Registered heads of mmrazor_unified (MMRazor MODELS / TASK_UTILS)."""
from .unikd_distribution_head import GaussianLogits, UniKDDistributionHead  # noqa: F401,E501
from .mgkd_analyser import MGKDAnalyser, MGKDAnalysis  # noqa: F401
from .unikd_roi_distribution_head import (RoIGaussians,  # noqa: F401
                                          UniKDRoIDistributionHead)
