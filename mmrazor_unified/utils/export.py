"""Export the student of a distillation checkpoint as a plain checkpoint."""
from collections import OrderedDict
from typing import Dict

import torch

STUDENT_PREFIX = 'architecture.'


def student_state_dict(state_dict: Dict[str, torch.Tensor],
                       prefix: str = STUDENT_PREFIX) -> 'OrderedDict':
    """Keep the student's weights, without the ``architecture.`` prefix.

    Teacher weights, connectors, distribution heads, MGKD encoders and loss
    buffers (all under other prefixes) are dropped.

    Args:
        state_dict (dict): State dict of a distillation algorithm.
        prefix (str): Prefix of the student's keys.

    Returns:
        OrderedDict: The student's state dict.
    """
    student = OrderedDict((k[len(prefix):], v) for k, v in state_dict.items()
                          if k.startswith(prefix))
    if not student:
        raise KeyError(f'No key starts with {prefix!r}: this is not the '
                       'checkpoint of an MMRazor distillation algorithm.')
    return student


def _save_weights(ckpt: dict, state_dict: Dict[str, torch.Tensor], src: str,
                  dst: str) -> int:
    """Save ``state_dict`` with the run's essential meta; return its size."""
    meta = {
        k: v
        for k, v in ckpt.get('meta', {}).items()
        if k in ('epoch', 'iter', 'seed', 'dataset_meta', 'mmengine_version')
    }
    meta['exported_from'] = src
    torch.save({'state_dict': state_dict, 'meta': meta}, dst)
    return len(state_dict)


def _load(src: str) -> dict:
    from ..compat import allow_mmengine_checkpoint_globals
    allow_mmengine_checkpoint_globals()
    return torch.load(src, map_location='cpu')


def export_weights(src: str, dst: str) -> int:
    """Write the weights of checkpoint ``src`` to ``dst``, without optimizer,
    scheduler and message-hub state (e.g. a teacher to distill from).

    Args:
        src (str): A training checkpoint.
        dst (str): Output path.

    Returns:
        int: Number of tensors written.
    """
    ckpt = _load(src)
    return _save_weights(ckpt, ckpt.get('state_dict', ckpt), src, dst)


def export_student(src: str, dst: str) -> int:
    """Write the student of checkpoint ``src`` to ``dst``.

    Args:
        src (str): A checkpoint saved by a distillation run.
        dst (str): Output path, loadable by the student's own config.

    Returns:
        int: Number of tensors written.
    """
    ckpt = _load(src)
    return _save_weights(ckpt, student_state_dict(ckpt.get('state_dict',
                                                           ckpt)), src, dst)
