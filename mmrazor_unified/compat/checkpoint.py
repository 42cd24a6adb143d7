"""Let MMEngine checkpoints load under torch >= 2.6's ``weights_only`` default.

Since torch 2.6, ``torch.load`` refuses any pickled global that is not on an
allow-list. MMEngine 0.10.7 training checkpoints carry the message hub's
``HistoryBuffer`` objects, the NumPy arrays and scalars inside them, and the
buffers' statistics methods, which pickle as ``getattr(HistoryBuffer, 'min')``.
So ``--resume`` fails with "Unsupported global". Rather than turning
``weights_only`` off, we allow exactly those globals, and in place of
``getattr`` a version that only returns HistoryBuffer's statistics methods.
"""
from typing import Any, List

import numpy as np
import torch

# Statistics methods every HistoryBuffer registers for itself.
_BUILTIN_STATISTICS = ('min', 'max', 'mean', 'current')


def history_buffer_getattr(obj: Any, name: str) -> Any:
    """``getattr`` restricted to ``HistoryBuffer``'s statistics methods.

    Args:
        obj: Must be the ``HistoryBuffer`` class.
        name (str): A statistics method name (built-in or registered through
            ``HistoryBuffer.register_statistics`` in this process).

    Returns:
        The method.
    """
    from mmengine.logging.history_buffer import HistoryBuffer
    allowed = set(_BUILTIN_STATISTICS) | set(HistoryBuffer._statistics_methods)
    if obj is not HistoryBuffer or name not in allowed:
        raise torch.serialization.pickle.UnpicklingError(
            f'checkpoint asks for getattr({obj!r}, {name!r}); only '
            f'HistoryBuffer statistics methods {sorted(allowed)} are allowed')
    return getattr(obj, name)


def mmengine_checkpoint_globals() -> List:
    """The non-tensor globals an MMEngine training checkpoint contains."""
    from mmengine.logging.history_buffer import HistoryBuffer

    # NumPy 2 renamed numpy.core to numpy._core
    multiarray = (getattr(np, '_core', None) or np.core).multiarray
    dtypes = [
        type(np.dtype(t))
        for t in (np.float64, np.float32, np.int64, np.int32, np.bool_)
    ]
    return [
        HistoryBuffer, np.ndarray, np.dtype, multiarray._reconstruct,
        multiarray.scalar, *dtypes,
        # protocol-2 pickles name it __builtin__, newer ones builtins
        (history_buffer_getattr, '__builtin__.getattr'),
        (history_buffer_getattr, 'builtins.getattr')
    ]


def allow_mmengine_checkpoint_globals() -> bool:
    """Add MMEngine's checkpoint globals to torch's safe-globals list.

    Returns:
        bool: False on torch versions without ``add_safe_globals``.
    """
    add_safe_globals = getattr(torch.serialization, 'add_safe_globals', None)
    if add_safe_globals is None:
        return False
    add_safe_globals(mmengine_checkpoint_globals())
    return True
