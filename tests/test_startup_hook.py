"""The start-up hook (``_mmrazor_unified_hook.py`` + its ``.pth``)."""
import os.path as osp
import subprocess
import sys

import pytest

import _mmrazor_unified_hook as hook
from helpers import ROOT, pip_in_venv, site_packages, venv_with_install

HOOK_FILES = ('mmrazor_unified_hook.pth', '_mmrazor_unified_hook.py')
# a bare interpreter: the hook ran, and imported nothing heavy
BARE = ('import sys; print("torch" in sys.modules, '
        '"_mmrazor_unified_hook" in sys.modules)')
# MMRazor alone (after a mere look-up of it): its models import only with
# our compat layer applied
MMRAZOR = ('import importlib.util; importlib.util.find_spec("mmrazor"); '
           'import mmrazor.models, sys; '
           'from mmrazor.registry import MODELS; '
           'assert "StrictTeacherDistill" in MODELS.module_dict; '
           'print(sys.modules["mmrazor_unified"].__file__)')


def python_c(python: str, code: str) -> str:
    out = subprocess.run([python, '-c', code],
                         cwd='/',
                         capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.strip()


def test_bare_interpreter_imports_no_torch():
    assert python_c(sys.executable, BARE) == 'False True'


def test_finder_ignores_other_modules_and_is_gone_after_mmrazor():
    assert 'mmrazor' in sys.modules  # conftest imported mmrazor_unified
    assert hook.MMRazorImportHook not in sys.meta_path
    assert hook.MMRazorImportHook.find_spec('mmrazor_unified') is None
    hook.install()  # MMRazor is imported: nothing left to do
    assert hook.MMRazorImportHook not in sys.meta_path


@pytest.mark.parametrize(
    'editable', [False, True], ids=['regular', 'editable'])
def test_install_runs_the_hook_and_uninstall_removes_it(tmp_path, editable):
    python = venv_with_install(str(tmp_path / 'venv'), editable=editable)
    site = site_packages(python)
    for name in HOOK_FILES:
        assert osp.isfile(osp.join(site, name)), name
    assert python_c(python, BARE) == 'False True'
    package = (ROOT if editable else site)
    assert python_c(python, MMRAZOR) == osp.join(package, 'mmrazor_unified',
                                                 '__init__.py')

    pip_in_venv(python, 'uninstall', '-y', 'mmrazor_unified')
    for name in HOOK_FILES:
        assert not osp.exists(osp.join(site, name)), name
    assert python_c(python, BARE) == 'False False'
