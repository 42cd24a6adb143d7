import glob
import os.path as osp
import subprocess
import sys

import pytest
from mmengine.config import Config

import mmrazor_unified  # noqa: F401
from mmrazor_unified.utils import package_root

from helpers import ROOT

KD_CONFIG = 'kd/kd_logits_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py'
SHIPPED = sorted(
    p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                         recursive=True) if '_base_' not in p)


def test_package_ships_configs_and_tools_in_mim():
    mim = osp.join(package_root(), '.mim')
    assert osp.isfile(osp.join(mim, 'configs', KD_CONFIG))
    assert osp.isfile(osp.join(mim, 'tools', 'train.py'))
    assert osp.isfile(osp.join(mim, 'model-index.yml'))


def test_inherit_with_package_path_from_another_project(tmp_path):
    child = tmp_path / 'my_kd.py'
    child.write_text(f"_base_ = ['mmrazor_unified::{KD_CONFIG}']\n"
                     'train_cfg = dict(max_epochs=1)\n')
    cfg = Config.fromfile(str(child))
    assert cfg.train_cfg.max_epochs == 1
    assert cfg.model.type == 'StrictTeacherDistill'
    assert cfg.model.distiller.distill_losses.loss_kl.tau == 4


def test_inherit_by_plain_path_without_importing_package(tmp_path):
    child = tmp_path / 'my_kd.py'
    child.write_text(
        f"_base_ = [{osp.join(ROOT, 'configs', KD_CONFIG)!r}]\n"
        'model = dict(distiller=dict(distill_losses=dict('
        'loss_kl=dict(tau=2))))\n')
    code = ('import sys; from mmengine.config import Config; '
            f'cfg = Config.fromfile({str(child)!r}, '
            'import_custom_modules=False); '
            "assert 'mmrazor_unified' not in sys.modules; "
            'print(cfg.model.distiller.distill_losses.loss_kl.tau)')
    out = subprocess.run([sys.executable, '-c', code],
                         cwd=str(tmp_path),
                         capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == '2'


def test_unknown_package_config_fails_before_training(tmp_path):
    child = tmp_path / 'bad.py'
    child.write_text("_base_ = ['mmrazor_unified::kd/no_such_config.py']\n")
    with pytest.raises(FileNotFoundError):
        Config.fromfile(str(child))


@pytest.mark.parametrize('path', SHIPPED, ids=lambda p: osp.relpath(p, ROOT))
def test_every_shipped_config_loads(path):
    cfg = Config.fromfile(path)
    assert 'model' in cfg and 'train_dataloader' in cfg


def test_model_index_lists_existing_metafiles_and_configs():
    import yaml
    with open(osp.join(ROOT, 'model-index.yml')) as f:
        metafiles = yaml.safe_load(f)['Import']
    shipped_dirs = {
        osp.relpath(osp.dirname(p), ROOT)
        for p in SHIPPED if osp.basename(osp.dirname(p)) in (
            'kd', 'dkd', 'dist', 'fitnets', 'unikd', 'mgkd', 'cwd', 'pkd',
            'fbkd')
    }
    assert {osp.dirname(m) for m in metafiles} == shipped_dirs
    for metafile in metafiles:
        with open(osp.join(ROOT, metafile)) as f:
            models = yaml.safe_load(f)['Models']
        listed = {m['Config'] for m in models}
        on_disk = {
            osp.relpath(p, ROOT)
            for p in SHIPPED if osp.dirname(osp.relpath(p, ROOT)) ==
            osp.dirname(metafile)
        }
        assert listed == on_disk, metafile
