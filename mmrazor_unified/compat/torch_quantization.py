"""Make ``import mmrazor.models`` work on torch >= 2.1.

MMRazor 1.0.0 fails at import on current torch for two reasons:

1. ``torch.ao.quantization.fuser_method_mappings`` renamed ``reverse2``,
   ``reverse3`` and ``reverse_sequential_wrapper2`` (now ``_reverse2``,
   ``_reverse3`` and ``_sequential_wrapper2``). We alias the old names.
2. ``mmrazor.structures.quantization.backend_config.mapping`` builds every
   quantization backend config at import time with ``BackendPatternConfig``
   methods that torch removed. We pre-register that module with a lazy
   mapping: importing succeeds, and the configs are only built when a
   quantizer asks for one - where, on such torch versions, building fails
   with a :class:`QuantizationUnavailableError` that says why.

Distillation, pruning and NAS do not use these configs.
"""
import sys
import types
from collections.abc import Mapping
from typing import Any, Iterator

import torch
from mmengine.utils import digit_version

_MAPPING_MODULE = 'mmrazor.structures.quantization.backend_config.mapping'
_RENAMED_FUSERS = {
    'reverse2': '_reverse2',
    'reverse3': '_reverse3',
    'reverse_sequential_wrapper2': '_sequential_wrapper2',
}
_BACKENDS = ('academic', 'native', 'tensorrt', 'openvino')


class QuantizationUnavailableError(RuntimeError):
    """Raised when an MMRazor quantization backend config cannot be built."""


class LazyBackendConfigs(Mapping):
    """Stand-in for MMRazor's ``BackendConfigs`` dict, built on first use.

    Keys are the backend names MMRazor knows; looking one up builds that
    backend's ``torch.ao`` ``BackendConfig`` and caches it.
    """

    def __init__(self) -> None:
        self._built: dict = {}

    def __getitem__(self, backend: str) -> Any:
        if backend not in _BACKENDS:
            raise KeyError(backend)
        if backend not in self._built:
            module = __import__(
                'mmrazor.structures.quantization.backend_config.' + backend,
                fromlist=['_'])
            getter = getattr(module, f'get_{backend}_backend_config')
            try:
                self._built[backend] = getter()
            except Exception as exc:  # torch API drift shows up here
                raise QuantizationUnavailableError(
                    f'MMRazor 1.0.0 cannot build its "{backend}" quantization '
                    f'backend config on torch {torch.__version__}: {exc!r}. '
                    'Quantization algorithms need torch 1.13-2.0; '
                    'distillation, pruning and NAS are unaffected.') from exc
        return self._built[backend]

    def __iter__(self) -> Iterator[str]:
        return iter(_BACKENDS)

    def __len__(self) -> int:
        return len(_BACKENDS)


def needs_patch() -> bool:
    """Whether this torch lacks the fuser names MMRazor 1.0.0 imports."""
    if digit_version(torch.__version__) < digit_version('2.1.0'):
        return False
    from torch.ao.quantization import fuser_method_mappings
    return not hasattr(fuser_method_mappings, 'reverse2')


def patch_torch_quantization() -> bool:
    """Apply the patch if this torch needs it.

    Returns:
        bool: True if this call changed anything.
    """
    if not needs_patch():
        return False
    from torch.ao.quantization import fuser_method_mappings
    for old, new in _RENAMED_FUSERS.items():
        setattr(fuser_method_mappings, old, getattr(fuser_method_mappings,
                                                    new))
    if _MAPPING_MODULE not in sys.modules:
        mapping = types.ModuleType(_MAPPING_MODULE)
        mapping.__doc__ = 'Lazy BackendConfigs installed by mmrazor_unified.'
        mapping.BackendConfigs = LazyBackendConfigs()
        sys.modules[_MAPPING_MODULE] = mapping
    return True
