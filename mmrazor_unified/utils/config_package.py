"""``mmrazor_unified::<path>`` config paths.

MMEngine resolves ``pkg::path`` through a hard-coded package map
(``mmengine.config.utils.MODULE2PACKAGE``) and finds the package's ``.mim``
folder with ``get_installed_path``, which points into site-packages even for
an editable install. Registering adds our package to that map and teaches the
two call sites where our ``.mim`` folder really is. It takes effect in every
process that imports ``mmrazor_unified`` before parsing such a path, which
includes every process that imports ``mmrazor`` (the installed start-up hook,
``_mmrazor_unified_hook``); others can inherit our configs by plain file
path. The dicts such a path brings in are stamped ``_scope_=
'mmrazor_unified'`` by MMEngine and built in :mod:`mmrazor_unified.registry`.
"""
import os.path as osp

PACKAGE = 'mmrazor_unified'


def package_root() -> str:
    """The directory of the imported ``mmrazor_unified`` package."""
    return osp.dirname(osp.dirname(osp.abspath(__file__)))


def _our_installed_path(original):

    def get_installed_path(package: str) -> str:
        if package == PACKAGE:
            return package_root()
        return original(package)

    get_installed_path.__wrapped__ = original
    return get_installed_path


def register_config_package() -> None:
    """Make ``mmrazor_unified::`` paths resolvable. Idempotent."""
    import mmengine.config.config as config_module
    import mmengine.config.utils as config_utils
    import mmengine.hub.hub as hub_module

    config_utils.MODULE2PACKAGE.setdefault(PACKAGE, PACKAGE)
    for module in (config_module, hub_module):
        current = module.get_installed_path
        if not hasattr(current, '__wrapped__'):
            module.get_installed_path = _our_installed_path(current)
