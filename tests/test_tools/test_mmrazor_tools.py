"""MMRazor's own ``tools/train.py`` and ``tools/test.py`` (the files its
wheel ships for ``mim train mmrazor``) train and test our configs, inherited
by plain file path and by ``mmrazor_unified::`` path: one config per family
(KD, UniKD, MGKD student), in fresh processes that never import our
package themselves - the start-up hook does, when MMRazor is imported."""
import glob
import os.path as osp

import mmrazor
import pytest
from config_runs import (CONFIGS, as_options, checkpoint_overrides, child_name,
                         job, package_child, run_batch, shipped_configs,
                         tiny_data_options)
from mmengine.config import Config

MMRAZOR_TOOLS = osp.join(osp.dirname(mmrazor.__file__), '.mim', 'tools')
# (family, config, how the user's config inherits it)
CASES = [
    ('KD', shipped_configs('kd/kd_*fashion-mnist*.py')[0], 'plain'),
    ('UniKD', shipped_configs('unikd/unikd_*fashion-mnist*.py')[0], 'package'),
    ('MGKD student', shipped_configs('mgkd/mgkd_kd_*fashion-mnist*.py')[0],
     'package'),
]


def plain_child(config: str, folder: str) -> str:
    """A user's config inheriting ``config`` by its file path."""
    path = osp.join(folder, f'plain_{child_name(config)}.py')
    with open(path, 'w') as f:
        f.write(f'_base_ = [{osp.join(CONFIGS, config)!r}]\n')
    return path


@pytest.fixture(scope='module')
def runs(tmp_path_factory, tiny_teacher_ckpt) -> tuple:
    folder = str(tmp_path_factory.mktemp('mmrazor_tools'))
    jobs, work_dirs = [], {}
    for family, config, how in CASES:
        child = (
            plain_child(config, folder) if how == 'plain' else package_child(
                config, folder))
        cfg = Config.fromfile(child)
        options = tiny_data_options(cfg) + as_options(
            checkpoint_overrides(cfg, folder, tiny_teacher_ckpt))
        work_dir = work_dirs[family] = osp.join(folder, 'work_dirs',
                                                family.replace(' ', '_'))
        jobs += [
            job(f'{family} train',
                osp.join(MMRAZOR_TOOLS, 'train.py'), [
                    child, '--work-dir', work_dir, '--cfg-options',
                    'train_cfg.max_epochs=1', *options
                ],
                folder,
                group=family),
            job(f'{family} test',
                osp.join(MMRAZOR_TOOLS, 'test.py'), [
                    child,
                    osp.join(work_dir, 'epoch_1.pth'), '--work-dir', work_dir,
                    '--cfg-options', *options
                ],
                folder,
                group=family)
        ]
    return work_dirs, run_batch(jobs, folder)


def test_the_start_up_hook_imported_our_package(runs):
    _, results = runs
    first = results[f'{CASES[0][0]} train']  # the first job of its process
    assert not first['package_imported_before']
    assert first['ok'], first['error'][-3000:]


@pytest.mark.parametrize('family,config,how', CASES, ids=[c[0] for c in CASES])
def test_mmrazor_tools_train_validate_and_test(family, config, how, runs):
    work_dirs, results = runs
    for step in ('train', 'test'):
        result = results.get(f'{family} {step}')
        assert result is not None, f'{step} did not run'
        assert result['ok'], result['error'][-3000:]
    logs = ''.join(
        open(p).read()
        for p in glob.glob(osp.join(work_dirs[family], '*', '*.log')))
    assert 'Epoch(val) [1]' in logs
    assert 'Epoch(test)' in logs and 'accuracy/top1' in logs
