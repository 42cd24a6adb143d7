"""Install mmrazor-unified the OpenMMLab way.

Configs, tools and the model index live at the repository root and are
reachable inside the package as ``mmrazor_unified/.mim/{configs,tools,
model-index.yml}`` (symbolic links in the repository; real copies in a built
wheel), which is where ``mim`` and MMEngine's ``mmrazor_unified::`` paths look.

Both regular and editable installs also put a start-up hook into
site-packages: ``mmrazor_unified_hook.pth`` and the module it imports,
``_mmrazor_unified_hook.py``, which makes every ``import mmrazor`` import
``mmrazor_unified`` too (see that module). Uninstalling removes both.
"""
import os
import os.path as osp
import shutil
from typing import Iterator, Tuple

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py
from setuptools.command.editable_wheel import editable_wheel

MIM_FILES = ('configs', 'tools', 'model-index.yml')
HOOK_MODULE = '_mmrazor_unified_hook'
HOOK_PTH = 'mmrazor_unified_hook.pth'


def startup_hook_files(with_module: bool) -> Iterator[Tuple[str, bytes]]:
    """(name, content) of the start-up hook files for site-packages.

    Args:
        with_module (bool): Include the hook module itself (a regular build
            gets it through ``py_modules``).
    """
    yield HOOK_PTH, f'import {HOOK_MODULE}; {HOOK_MODULE}.install()\n'.encode()
    if with_module:
        with open(f'{HOOK_MODULE}.py', 'rb') as f:
            yield f'{HOOK_MODULE}.py', f.read()


def read_version() -> str:
    scope: dict = {}
    with open(osp.join('mmrazor_unified', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


def read_requirements(path: str) -> list:
    with open(path) as f:
        return [
            line.strip() for line in f
            if line.strip() and not line.startswith(('#', '-r'))
        ]


class BuildPyWithMim(build_py):
    """Add the start-up hook and copy the ``.mim`` targets into the build."""

    def run(self) -> None:
        super().run()
        for name, content in startup_hook_files(with_module=False):
            with open(osp.join(self.build_lib, name), 'wb') as f:
                f.write(content)
        mim_dir = osp.join(self.build_lib, 'mmrazor_unified', '.mim')
        os.makedirs(mim_dir, exist_ok=True)
        for name in MIM_FILES:
            dst = osp.join(mim_dir, name)
            if osp.islink(dst) or osp.isfile(dst):
                os.remove(dst)
            elif osp.isdir(dst):
                shutil.rmtree(dst)
            if osp.isdir(name):
                shutil.copytree(
                    name,
                    dst,
                    ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
            else:
                shutil.copyfile(name, dst)


class EditableWheelWithHook(editable_wheel):
    """An editable wheel (PEP 660) that carries the start-up hook as well.

    setuptools' editable strategies write only their own ``.pth``/finder
    files into the wheel, nothing of what the build put into ``build_lib``,
    so the hook files are added to the wheel here, next to them.
    """

    def _select_strategy(self, name, tag, build_lib):
        return _WithStartupHook(super()._select_strategy(name, tag, build_lib))


class _WithStartupHook:
    """An editable strategy plus the start-up hook files."""

    def __init__(self, strategy) -> None:
        self.strategy = strategy

    def __call__(self, wheel, files, mapping) -> None:
        self.strategy(wheel, files, mapping)
        for name, content in startup_hook_files(with_module=True):
            wheel.writestr(name, content)

    def __enter__(self) -> '_WithStartupHook':
        self.strategy.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        self.strategy.__exit__(*exc_info)


setup(
    name='mmrazor_unified',
    version=read_version(),
    description='UniKD and multi-granularity KD for OpenMMLab MMRazor',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['mmrazor_unified', 'mmrazor_unified.*']),
    py_modules=[HOOK_MODULE],
    python_requires='>=3.8',
    install_requires=read_requirements('requirements/runtime.txt'),
    extras_require=dict(
        tests=read_requirements('requirements/tests.txt'),
        optional=read_requirements('requirements/optional.txt')),
    cmdclass=dict(
        build_py=BuildPyWithMim, editable_wheel=EditableWheelWithHook),
    license='Apache License 2.0',
    zip_safe=False)
