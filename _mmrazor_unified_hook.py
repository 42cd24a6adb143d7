"""Start-up hook: ``import mmrazor`` imports ``mmrazor_unified`` too, and
``import mmcv.ops`` gets our stand-ins where mmcv has no compiled ops.

MMRazor 1.0.0 cannot import its models on torch >= 2.1; our compatibility
layer must be applied first, and MMRazor's own tools (``tools/train.py``,
``mim train mmrazor``) never import our package. The installed distribution
ships ``mmrazor_unified_hook.pth``, whose single ``import`` line Python runs
at start-up (the mechanism setuptools uses for ``distutils-precedence.pth``);
it calls :func:`install`, which only inserts a meta path finder.

The finder reacts to nothing but the top-level module ``mmrazor``: it lets
the other finders locate MMRazor and wraps that loader's ``exec_module`` so
that, right after MMRazor's ``__init__`` (which only checks the MMCV/MMEngine
versions), the finder removes itself and ``import mmrazor_unified`` applies
the compatibility layer and registers our modules. A mere look-up
(``importlib.util.find_spec('mmrazor')``) executes nothing and leaves the
finder in place. When ``mmrazor_unified`` is the importer, the nested import
returns the partly initialised package already in ``sys.modules``.

The finder also answers for ``mmcv.ops``, for programs that import
MMDetection (which needs ``mmcv.ops``) but never MMRazor: it loads
:mod:`mmrazor_unified.compat.mmcv_ops` from its file, without our package's
``__init__`` (that imports MMRazor, which imports MMDetection: a cycle when
MMDetection asked for ``mmcv.ops``), and returns that module's answer - our
stand-ins where ``mmcv._ext`` does not import, None (mmcv's own ops)
where it does. Programs that import neither pay for this module only: it
imports nothing beyond ``sys``.
"""
import sys

PACKAGE = 'mmrazor_unified'
TARGET = 'mmrazor'
MMCV_OPS = 'mmcv.ops'
STAND_INS = PACKAGE + '.compat.mmcv_ops'


class MMRazorImportHook:
    """Meta path finder: ``mmrazor_unified`` after MMRazor; ``mmcv.ops``."""

    @classmethod
    def find_spec(cls, fullname: str, path=None, target=None):
        """Locate ``mmrazor`` with the other finders and wrap its loader.

        Args:
            fullname (str): The module being imported.
            path: The parent package's ``__path__`` (None at top level).
            target: The module object being reloaded, if any.

        Returns:
            ModuleSpec or None: MMRazor's own spec with the post-import step
            added; for ``mmcv.ops``, the stand-ins' spec unless mmcv is
            compiled; None for every other module or if MMRazor is missing.
        """
        if fullname == MMCV_OPS:
            return _stand_ins().MMCVOpsFinder().find_spec(
                fullname, path, target)
        if fullname != TARGET:
            return None
        for finder in sys.meta_path:
            if finder is cls:
                continue
            find_spec = getattr(finder, 'find_spec', None)
            spec = find_spec(fullname, path, target) if find_spec else None
            if spec is not None:
                break
        else:
            return None
        if hasattr(spec.loader, 'exec_module'):
            spec.loader.exec_module = _then_import_package(
                spec.loader.exec_module)
        return spec


def _then_import_package(exec_module):
    """Wrap a loader's bound ``exec_module``: run it, then our package."""

    def exec_then_import(module) -> None:
        exec_module(module)
        if module.__name__ == TARGET:  # a loader may serve other modules
            uninstall()
            __import__(PACKAGE)

    return exec_then_import


def _stand_ins():
    """Our ``compat.mmcv_ops`` module, run without our package's __init__."""
    module = sys.modules.get(STAND_INS)
    if module is None:
        import importlib.util
        import os.path as osp
        package = importlib.util.find_spec(PACKAGE)
        spec = importlib.util.spec_from_file_location(
            STAND_INS,
            osp.join(package.submodule_search_locations[0], 'compat',
                     'mmcv_ops.py'))
        module = importlib.util.module_from_spec(spec)
        sys.modules[STAND_INS] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[STAND_INS]
            raise
    return module


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (before the path finder).

    Does nothing if it is there already or MMRazor is imported.
    """
    if TARGET not in sys.modules and MMRazorImportHook not in sys.meta_path:
        sys.meta_path.insert(0, MMRazorImportHook)


def uninstall() -> None:
    """Remove the finder from ``sys.meta_path``."""
    while MMRazorImportHook in sys.meta_path:
        sys.meta_path.remove(MMRazorImportHook)
