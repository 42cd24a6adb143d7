"""Registered losses of mmrazor_unified (MMRazor MODELS / TASK_UTILS)."""
