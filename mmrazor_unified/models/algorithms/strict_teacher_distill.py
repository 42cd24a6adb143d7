"""SingleTeacherDistill whose teacher checkpoint must exist and match."""
from typing import Dict, Optional, Union

from mmengine.model import BaseModel
from mmrazor.models.algorithms import SingleTeacherDistill
from mmrazor.registry import MODELS

from ..teacher_checkpoint import check_teacher_ckpt, load_teacher
from .model_cfg_path import resolve_cfg_path


@MODELS.register_module()
class StrictTeacherDistill(SingleTeacherDistill):
    """MMRazor's ``SingleTeacherDistill`` with a strictly loaded teacher.

    ``SingleTeacherDistill`` loads ``teacher_ckpt`` leniently: a checkpoint
    of another architecture only logs warnings and training goes on with a
    random teacher, and a wrong path fails only after the models are built.
    Here a missing path fails before anything is built, and a checkpoint that
    does not match the teacher (missing, unexpected or differently shaped
    weights) fails with a message naming ``model.teacher_ckpt``. The
    ``cfg_path`` of ``architecture`` and ``teacher`` may also be a config
    file (see :func:`resolve_cfg_path`). Everything else is
    ``SingleTeacherDistill``.

    Args:
        architecture (dict | BaseModel): The student.
        teacher (dict | BaseModel): The teacher.
        teacher_ckpt (str, optional): The teacher's checkpoint. None only for
            a teacher that needs no weights (e.g. tests).
        **kwargs: The other arguments of ``SingleTeacherDistill``.
    """

    def __init__(self,
                 architecture: Union[BaseModel, Dict],
                 teacher: Union[BaseModel, Dict],
                 teacher_ckpt: Optional[str] = None,
                 **kwargs) -> None:
        if teacher_ckpt is not None:
            check_teacher_ckpt(teacher_ckpt)
        super().__init__(
            architecture=resolve_cfg_path(architecture, 'model.architecture'),
            teacher=resolve_cfg_path(teacher, 'model.teacher'),
            teacher_ckpt=None,
            **kwargs)
        if teacher_ckpt is not None:
            load_teacher(self.teacher, teacher_ckpt)
