"""tools/dist_train.sh: two CPU processes (torchrun, gloo) train one model."""
import os
import os.path as osp
import sys
import subprocess
import textwrap

import torch
from helpers import ROOT, run_tool

UNIKD_CONFIG = osp.join(
    ROOT, 'configs', 'unikd',
    'unikd_dkd_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py')

# A test-only hook, imported through the config's custom_imports, that saves
# every rank's parameters after the last training iteration.
DUMP_HOOK = '''
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmrazor.registry import HOOKS


@HOOKS.register_module()
class DumpRankParamsHook(Hook):

    def __init__(self, out_dir):
        self.out_dir = out_dir

    def after_train(self, runner):
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        state = {k: v.detach().clone() for k, v in model.named_parameters()}
        torch.save(state, f'{self.out_dir}/rank{get_rank()}.pth')
'''


def test_two_cpu_processes_train_the_same_model(tmp_path, small_data,
                                                tiny_teacher_ckpt):
    (tmp_path / 'dump_rank_params.py').write_text(DUMP_HOOK)
    config = tmp_path / 'dist_unikd.py'
    config.write_text(
        textwrap.dedent(f'''\
        _base_ = [{UNIKD_CONFIG!r}]
        custom_imports = dict(
            imports=['mmrazor_unified', 'dump_rank_params'],
            allow_failed_imports=False)
        custom_hooks = [
            dict(type='mmrazor.DistillLossWarmupHook',
                 loss_names=['loss_dkd'], warmup_epochs=1),
            dict(type='mmrazor.DumpRankParamsHook', out_dir={str(tmp_path)!r})
        ]
        '''))
    work_dir = tmp_path / 'work'
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(
            [str(tmp_path), os.environ.get('PYTHONPATH', '')]),
        PORT='29631',
        PYTHON=sys.executable,
        OMP_NUM_THREADS='1')
    cmd = [
        'bash',
        osp.join(ROOT, 'tools', 'dist_train.sh'),
        str(config), '2', '--work-dir',
        str(work_dir), '--cfg-options',
        f'model.teacher_ckpt={tiny_teacher_ckpt}', 'train_cfg.max_epochs=1',
        *small_data
    ]
    proc = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-4000:]
    log = proc.stdout + proc.stderr
    assert "dist_cfg: {'backend': 'gloo'}" in log
    assert 'Distributed training: True' in log
    assert 'GPU number: 2' in log  # MMEngine's name for the world size

    rank0 = torch.load(tmp_path / 'rank0.pth')
    rank1 = torch.load(tmp_path / 'rank1.pth')
    assert rank0.keys() == rank1.keys()
    trained = [k for k in rank0 if k.startswith(('architecture.',
                                                 'distiller.'))]
    assert any(k.startswith('distiller.connectors.t_unikd') for k in trained)
    for key in trained:
        assert torch.equal(rank0[key], rank1[key]), key

    # the checkpoint of the distributed run loads in a single process
    ckpt = work_dir / 'epoch_1.pth'
    metrics = tmp_path / 'metrics.json'
    run_tool('test.py', UNIKD_CONFIG, str(ckpt), '--work-dir',
             str(tmp_path / 'test'), '--out', str(metrics), '--cfg-options',
             f'model.teacher_ckpt={tiny_teacher_ckpt}', *small_data)
    assert metrics.is_file()
