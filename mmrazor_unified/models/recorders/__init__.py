"""Registered recorders of mmrazor_unified (MMRazor MODELS / TASK_UTILS)."""
