"""Registered recorders of mmrazor_unified (MMRazor MODELS / TASK_UTILS)."""
from .multi_module_outputs_recorder import MultiModuleOutputsRecorder  # noqa: F401,E501
from .pre_activation_outputs_recorder import PreActivationOutputsRecorder  # noqa: F401,E501
