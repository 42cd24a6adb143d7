"""Compatibility layer that lets MMRazor 1.0.0 run on today's stack.

Everything here is applied in-process by :func:`apply_compat` (called when
``mmrazor_unified`` is imported); nothing in site-packages is edited. Each
patch is idempotent and does nothing where the installed versions do not need
it:

* :mod:`.torch_quantization` - MMRazor's import of quantization backend
  configs fails on torch >= 2.1 (upstream issues #615 / #632).
* :mod:`.mmcls_alias` - MMRazor's ``mmcls`` imports resolve to MMPretrain,
  the renamed MMClassification 1.x.
* :mod:`.checkpoint` - MMEngine checkpoints load under torch >= 2.6's
  ``weights_only`` default, so ``--resume`` works.
* :mod:`.mmcv_ops` - where mmcv has no compiled ops (mmcv-lite),
  ``mmcv.ops`` is served by torchvision-backed stand-ins, so MMDetection
  (and MMRazor's detection distillers) import and run.
"""
from .checkpoint import allow_mmengine_checkpoint_globals
from .mmcls_alias import install_mmcls_alias
from .mmcv_ops import install_mmcv_ops
from .torch_quantization import patch_torch_quantization

__all__ = [
    'apply_compat', 'allow_mmengine_checkpoint_globals', 'install_mmcls_alias',
    'install_mmcv_ops', 'patch_torch_quantization'
]


def apply_compat() -> None:
    """Apply every compatibility patch. Safe to call any number of times.

    Must run before ``mmrazor.models`` (or ``mmrazor.structures``) is first
    imported, which importing ``mmrazor_unified`` guarantees.
    """
    patch_torch_quantization()
    install_mmcls_alias()
    allow_mmengine_checkpoint_globals()
    install_mmcv_ops()
