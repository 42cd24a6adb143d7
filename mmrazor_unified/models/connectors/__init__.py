"""Registered connectors of mmrazor_unified (MMRazor MODELS / TASK_UTILS)."""
from .unikd_fusion_connector import UniKDFusionConnector  # noqa: F401
from .mgkd_analyser_connector import (MGKDAnalyserConnector,  # noqa: F401
                                      MGKDTeacherTargets,
                                      stable_excitation_target)
from .mgkd_student_encoders import MGKDStudentEncoders  # noqa: F401
