"""Registered algorithms of mmrazor_unified (MMRazor MODELS / TASK_UTILS)."""
from .mgkd_analyser_training import MGKDAnalyserTraining  # noqa: F401
