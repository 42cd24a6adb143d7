"""Registered algorithms of mmrazor_unified (MMRazor MODELS / TASK_UTILS)."""
