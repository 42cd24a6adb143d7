"""bench.run: the options and environment of one run, CPU or CUDA."""
import os.path as osp

import pytest
from bench.plan import Run
from bench.run import (Context, all_options, epoch_curves, format_value,
                       has_key, max_epochs, peak_memory_mb, run_env,
                       train_command)
from conftest import protocol

from helpers import ROOT


@pytest.mark.parametrize('device, hidden', [('cpu', True), ('cuda', False)])
def test_device_selects_the_environment_and_memory(device, hidden,
                                                   monkeypatch):
    monkeypatch.delenv('CUDA_VISIBLE_DEVICES', raising=False)
    env = run_env(Context(ROOT, '/tmp', device=device, threads=1))
    assert (env.get('CUDA_VISIBLE_DEVICES') == '') is hidden
    assert env['OMP_NUM_THREADS'] == '1'
    log = [dict(loss=1.0, memory=300), dict(loss=0.5, memory=500)]
    expected = 500 if device == 'cuda' else 2.0
    assert peak_memory_mb(device, log, max_rss_kib=2048) == expected


def test_held_out_runs_validate_on_training_images_and_final_on_test():
    p = protocol()
    tune = Run('tune', 'KD', 'point1', 'kd.py', (('tau', 1), ), 1)
    options = all_options(p, tune, quick=False)
    assert options['val_dataloader.dataset.test_mode'] is False
    assert options['val_dataloader.dataset.index_range'] == (50, 60)
    assert options['randomness.seed'] == 1 and options['tau'] == 1
    assert options['train_dataloader.dataset.indices'] == 100
    final = all_options(p, Run('final', 'KD', 'tuned', 'kd.py', (), 0),
                        quick=False)
    assert not any(k.startswith('val_dataloader') for k in final)


def test_option_values_round_trip_through_cfg_options():
    from mmengine.config import DictAction
    for value in [(50000, 60000), [1, 2], 0.5, False, 3]:
        parsed = DictAction._parse_iterable(format_value(value))
        assert parsed == value


def test_has_key_follows_lists():
    cfg = dict(custom_hooks=[dict(type='H', warmup_epochs=1)])
    assert has_key(cfg, 'custom_hooks.0.warmup_epochs')
    assert not has_key(cfg, 'custom_hooks.1.warmup_epochs')
    assert not has_key(cfg, 'custom_hooks.0.missing')


KD = ('configs/kd/'
      'kd_logits_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py')
STUDENT = 'configs/fashion_mnist/resnet18-w4_1xb128_fashion-mnist-10k.py'
CIFAR = 'configs/unikd/unikd_dkd_resnet50_resnet18_1xb64_cifar100.py'


@pytest.mark.parametrize('config, cached', [
    (KD, True),
    (STUDENT, False),  # no teacher
    (CIFAR, False),  # random crops: a view is not (index, flip)
])
def test_teacher_is_cached_only_where_views_are_index_and_flip(
        config, cached):
    run = Run('final', 'r', 'tuned', config, (), 0)
    command = train_command(Context(ROOT, '/tmp'), run, {}, '/tmp/w')
    assert ('model.cache_teacher_outputs=True' in command) is cached
    off = train_command(
        Context(ROOT, '/tmp', teacher_cache=False), run, {}, '/tmp/w')
    assert 'model.cache_teacher_outputs=True' not in off


def test_epoch_curves_average_each_training_scalar_per_epoch():
    scalars = [
        dict(lr=0.1, loss=3.0, time=1, data_time=0, epoch=1, iter=10, step=10),
        dict(lr=0.08, loss=2.0, time=1, data_time=0, epoch=1, iter=20,
             step=20, **{'stats.unikd.s_log_var': -1.0}),
        {'accuracy/top1': 50.0, 'step': 1},  # validation: not a curve
        dict(lr=0.02, loss=1.123456, time=1, data_time=0, epoch=2, iter=30,
             step=30, **{'stats.unikd.s_log_var': -2.0}),
    ]
    assert epoch_curves(scalars) == {
        'loss': [2.5, 1.123],
        'lr': [0.09, 0.02],
        'stats.unikd.s_log_var': [-1.0, -2.0],
    }


def test_checkpoint_epochs_come_from_the_options_else_the_config():
    det = ('configs/fashion_mnist_det/'
           'faster-rcnn_r18-w8_fpn_1xb8-3e_fashion-mnist-det.py')
    assert max_epochs(osp.join(ROOT, det), {}) == 3
    assert max_epochs(osp.join(ROOT, det), {'train_cfg.max_epochs': 1}) == 1
