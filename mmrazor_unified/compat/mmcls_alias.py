"""Resolve MMRazor's ``mmcls`` imports to MMPretrain.

MMClassification 1.x was renamed MMPretrain and cannot be installed next to
today's stack. MMRazor 1.0.0 imports it in a ``try`` and falls back to
placeholders that raise on use (``KDSoftCELoss``, the CRD data pipeline,
DeiT's distillation head, ...). When ``mmcls`` is not installed, this module
adds an import hook so ``mmcls.<path>`` is a thin alias of
``mmpretrain.<path>`` that also knows the few public names MMPretrain
renamed.
"""
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from typing import Optional, Sequence

ALIAS = 'mmcls'
TARGET = 'mmpretrain'
# mmcls 1.x name -> MMPretrain name
RENAMED = {
    'ClsDataSample': 'DataSample',
    'MultiTaskDataSample': 'DataSample',
    'PackClsInputs': 'PackInputs',
}


class _AliasLoader(importlib.abc.Loader):
    """Creates ``mmcls.X`` as a view of the imported ``mmpretrain.X``."""

    def create_module(self, spec: importlib.machinery.ModuleSpec):
        target = importlib.import_module(TARGET + spec.name[len(ALIAS):])
        module = types.ModuleType(spec.name, target.__doc__)

        def __getattr__(name: str):
            return getattr(target, RENAMED.get(name, name))

        module.__getattr__ = __getattr__
        module.__mmcls_alias_of__ = target
        if hasattr(target, '__path__'):
            module.__path__ = []  # a package: submodules come through us
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to execute: attributes are looked up on the target."""


class MMClsAliasFinder(importlib.abc.MetaPathFinder):
    """Meta-path finder for ``mmcls`` and its submodules."""

    def find_spec(self,
                  fullname: str,
                  path: Optional[Sequence[str]] = None,
                  target: Optional[types.ModuleType] = None):
        if fullname != ALIAS and not fullname.startswith(ALIAS + '.'):
            return None
        if importlib.util.find_spec(TARGET + fullname[len(ALIAS):]) is None:
            return None
        is_pkg = fullname == ALIAS or None
        return importlib.machinery.ModuleSpec(
            fullname, _AliasLoader(), is_package=is_pkg)


def _real_mmcls_installed() -> bool:
    return any(
        finder.find_spec(ALIAS, None) is not None for finder in sys.meta_path
        if not isinstance(finder, MMClsAliasFinder)
        and hasattr(finder, 'find_spec'))


def install_mmcls_alias() -> bool:
    """Install the alias unless ``mmcls`` itself (or the alias) is present.

    Returns:
        bool: True if this call installed the hook.
    """
    if any(isinstance(f, MMClsAliasFinder) for f in sys.meta_path):
        return False
    if _real_mmcls_installed() or importlib.util.find_spec(TARGET) is None:
        return False
    sys.meta_path.insert(0, MMClsAliasFinder())
    return True
