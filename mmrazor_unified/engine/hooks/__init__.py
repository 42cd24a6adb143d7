"""Hooks of mmrazor_unified, registered in MMRazor's HOOKS."""
