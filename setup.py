"""Install mmrazor-unified the OpenMMLab way.

Configs, tools and the model index live at the repository root and are
reachable inside the package as ``mmrazor_unified/.mim/{configs,tools,
model-index.yml}`` (symbolic links in the repository; real copies in a built
wheel), which is where ``mim`` and MMEngine's ``mmrazor_unified::`` paths look.
"""
import os
import os.path as osp
import shutil

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

MIM_FILES = ('configs', 'tools', 'model-index.yml')


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
    """Copy the ``.mim`` targets into the build, following the links."""

    def run(self) -> None:
        super().run()
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


setup(
    name='mmrazor_unified',
    version=read_version(),
    description='UniKD and multi-granularity KD for OpenMMLab MMRazor',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['mmrazor_unified', 'mmrazor_unified.*']),
    python_requires='>=3.8',
    install_requires=read_requirements('requirements/runtime.txt'),
    extras_require=dict(
        tests=read_requirements('requirements/tests.txt'),
        optional=read_requirements('requirements/optional.txt')),
    cmdclass=dict(build_py=BuildPyWithMim),
    license='Apache License 2.0',
    zip_safe=False)
