"""Metrics of mmrazor_unified, registered in MMRazor's METRICS."""
from .mgkd_branch_accuracy import MGKDBranchAccuracy  # noqa: F401
