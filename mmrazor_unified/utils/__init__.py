from .config_package import PACKAGE, package_root, register_config_package
from .setup_env import register_all_modules

__all__ = [
    'PACKAGE', 'package_root', 'register_config_package',
    'register_all_modules'
]
