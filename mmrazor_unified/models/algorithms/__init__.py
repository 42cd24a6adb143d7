"""Registered algorithms of mmrazor_unified (MMRazor MODELS / TASK_UTILS)."""
from .mgkd_analyser_training import MGKDAnalyserTraining  # noqa: F401
from .strict_teacher_distill import StrictTeacherDistill  # noqa: F401
from .student_rois_distill import StudentRoIsDistill  # noqa: F401
