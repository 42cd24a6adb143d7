"""mmrazor-unified: UniKD and multi-granularity KD for MMRazor.

Importing this package (directly, or through a config's ``custom_imports``)

1. applies the compatibility layer that lets MMRazor 1.0.0 run on today's
   torch / MMPretrain (:mod:`mmrazor_unified.compat`),
2. makes ``mmrazor_unified::<path>`` config paths resolvable by MMEngine
   (the dicts they bring in are built in the ``mmrazor_unified`` registry
   scope, :mod:`mmrazor_unified.registry`, which MMEngine imports itself),
3. registers MMRazor's own modules and everything this package provides into
   MMRazor's registries.

Installing the package also installs a start-up hook
(``_mmrazor_unified_hook``) that imports it whenever ``mmrazor`` is imported,
so MMRazor's own tools get all of the above.
"""
from .compat import apply_compat

apply_compat()

from .utils import register_all_modules, register_config_package  # noqa: E402
from .version import __version__  # noqa: E402

register_config_package()
register_all_modules(init_default_scope=False)

__all__ = ['__version__', 'register_all_modules']
