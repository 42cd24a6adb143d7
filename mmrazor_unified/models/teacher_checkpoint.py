"""Load a teacher checkpoint strictly, with errors that say what to fix."""
import os.path as osp

from mmengine.runner import load_checkpoint
from torch import nn


def check_teacher_ckpt(path: str, key: str = 'model.teacher_ckpt') -> None:
    """Fail early if the teacher checkpoint ``path`` cannot be used.

    Args:
        path (str): Local path or URL of the checkpoint.
        key (str): The config key that holds it, for the message.
    """
    if not isinstance(path, str) or not path:
        raise ValueError(f'`{key}` must be the path of the trained teacher '
                         f'checkpoint, got {path!r}.')
    if '://' not in path and not osp.isfile(path):
        raise FileNotFoundError(
            f'`{key}` not found: {path!r} (absolute: {osp.abspath(path)}). '
            f'Train the teacher first, or set `{key}=<path>`.')


def load_teacher(teacher: nn.Module,
                 path: str,
                 key: str = 'model.teacher_ckpt') -> None:
    """Load ``path`` into ``teacher``; every key and shape must match.

    MMEngine's ``load_checkpoint`` is lenient by default: a checkpoint of
    another architecture only logs warnings and leaves the teacher random.
    Here that is an error naming the config key and what differs.

    Args:
        teacher (nn.Module): The built teacher.
        path (str): Local path or URL of the checkpoint.
        key (str): The config key that holds it, for the messages.
    """
    check_teacher_ckpt(path, key)
    try:
        load_checkpoint(teacher, path, map_location='cpu', strict=True)
    except RuntimeError as err:
        raise ValueError(
            f'`{key}` ({path}) does not match the teacher built from the '
            f'config: {err}') from err
    # the runner's init_weights() must not overwrite the loaded weights
    teacher._is_init = True
