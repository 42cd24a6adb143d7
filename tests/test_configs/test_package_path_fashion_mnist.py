"""Every shipped Fashion-MNIST config, inherited by a user's config in
another folder by ``mmrazor_unified::`` path, trains one short epoch with
validation through ``tools/train.py``, and ``tools/test.py`` evaluates the
checkpoint it wrote (a tiny real subset; all runs share one process)."""
import glob
import json
import os.path as osp

import pytest
from config_runs import (as_options, checkpoint_overrides, is_detection, job,
                         package_child, run_batch, shipped_configs,
                         tiny_data_options)
from helpers import ROOT
from mmengine.config import Config

pytestmark = pytest.mark.minutes

CONFIGS = shipped_configs('*fashion-mnist*.py')
TRAIN, TEST = (osp.join(ROOT, 'tools', t) for t in ('train.py', 'test.py'))


@pytest.fixture(scope='module')
def runs(tmp_path_factory, tiny_teacher_ckpt) -> dict:
    """Train and test every config in one batch; config -> (dir, results)."""
    folder = str(tmp_path_factory.mktemp('package_children'))
    jobs, work_dirs = [], {}
    for config in CONFIGS:
        child = package_child(config, osp.join(folder, 'my_configs'))
        work_dir = osp.join(folder, 'work_dirs', osp.basename(child)[:-3])
        work_dirs[config] = work_dir
        cfg = Config.fromfile(child)
        # the detection pair's teacher (every detection config's): random
        # weights of its architecture
        teacher = None if is_detection(cfg) else tiny_teacher_ckpt
        options = tiny_data_options(cfg) + as_options(
            checkpoint_overrides(cfg, folder, teacher))
        jobs += [
            job(f'{config} train',
                TRAIN, [
                    child, '--work-dir', work_dir, '--cfg-options',
                    'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
                    *options
                ],
                folder,
                group=config),
            job(f'{config} test',
                TEST, [
                    child,
                    osp.join(work_dir, 'epoch_1.pth'), '--work-dir',
                    osp.join(work_dir, 'test'), '--out',
                    osp.join(work_dir, 'test.json'), '--cfg-options', *options
                ],
                folder,
                group=config)
        ]
    results = run_batch(jobs, folder)
    return {config: (work_dirs[config], results) for config in CONFIGS}


def test_configs_found():
    assert len(CONFIGS) >= 10, CONFIGS


@pytest.mark.parametrize('config', CONFIGS)
def test_trains_validates_and_tests_by_package_path(config, runs):
    work_dir, results = runs[config]
    for step in ('train', 'test'):
        result = results.get(f'{config} {step}')
        assert result is not None, f'{step} did not run'
        assert result['ok'], result['error'][-3000:]
    logs = glob.glob(osp.join(work_dir, '*', '*.log'))
    assert any('Epoch(val) [1]' in open(log).read() for log in logs), logs
    with open(osp.join(work_dir, 'test.json')) as f:
        metrics = json.load(f)
    assert metrics and all(
        isinstance(v, (int, float)) for v in metrics.values()), metrics
