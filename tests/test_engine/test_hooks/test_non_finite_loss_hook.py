import glob
import os.path as osp
from types import SimpleNamespace

import pytest
import torch
from helpers import ROOT, run_tool

from mmrazor_unified.engine.hooks import NonFiniteLossHook

KD_CONFIG = osp.join(
    ROOT, 'configs', 'kd',
    'kd_logits_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py')


def test_finite_losses_pass_and_non_finite_name_the_loss():
    runner = SimpleNamespace(iter=6, epoch=0, work_dir='/tmp/x')
    hook = NonFiniteLossHook()
    hook.after_train_iter(runner, 6, outputs={'loss': torch.tensor(1.0)})
    outputs = {
        'loss': torch.tensor(float('nan')),
        'student.loss': torch.tensor(2.0),
        'distill.loss_unikd': torch.tensor(float('inf')),
    }
    with pytest.raises(FloatingPointError) as err:
        hook.after_train_iter(runner, 6, outputs=outputs)
    assert 'distill.loss_unikd = inf' in str(err.value)
    assert 'student.loss' not in str(err.value)
    assert 'iteration 7' in str(err.value)


@pytest.mark.training
def test_diverging_run_stops_without_writing_a_checkpoint(
        tmp_path, small_data, tiny_teacher_ckpt):
    proc = run_tool('train.py', KD_CONFIG, '--work-dir', str(tmp_path),
                    '--cfg-options', f'model.teacher_ckpt={tiny_teacher_ckpt}',
                    'optim_wrapper.optimizer.lr=1e30',
                    'train_cfg.max_epochs=1', *small_data, check=False)
    assert proc.returncode != 0
    assert 'Non-finite loss at iteration' in proc.stderr
    assert glob.glob(str(tmp_path / '*.pth')) == []
