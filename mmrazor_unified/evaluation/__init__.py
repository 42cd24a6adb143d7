"""Metrics of mmrazor_unified, registered in MMRazor's METRICS."""
