"""Shipped configs without offline data (CIFAR-100, ImageNet): a user's
config that inherits one by ``mmrazor_unified::`` path builds the runner's
model and optimizer and takes one training step on synthetic images.

The model and optimizer are built as ``Runner`` builds them (the root
registries in the config's default scope), without the rest of the runner:
its config dumps alone cost seconds per config."""
import pytest
import torch
from config_runs import checkpoint_overrides, package_child, shipped_configs
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import MODELS, DefaultScope
from mmpretrain.structures import DataSample

# COCO detection configs build and take a step on synthetic images in their
# own tests (test_unikd_det_configs.py)
OWN_TESTS = shipped_configs('*fashion-mnist*') + shipped_configs('*_coco.py')
CONFIGS = [c for c in shipped_configs() if c not in OWN_TESTS]
# input size of each dataset's training pipeline
IMAGE_SIZE = dict(CIFAR100=32, ImageNet=224)


def test_configs_found():
    assert any('cifar100' in c for c in CONFIGS)
    assert any('in1k' in c for c in CONFIGS)


@pytest.mark.parametrize('config', CONFIGS)
def test_builds_and_takes_a_training_step(config, tmp_path):
    cfg = Config.fromfile(package_child(config, str(tmp_path)))
    cfg.merge_from_dict(checkpoint_overrides(cfg, str(tmp_path), None))
    dataset = cfg.train_dataloader.dataset.type.split('.')[-1]
    assert dataset in IMAGE_SIZE, f'add the input size of {dataset}'
    size = IMAGE_SIZE[dataset]

    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        model = MODELS.build(cfg.model)
        optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    trained = {
        name: param.detach().clone()
        for name, param in model.named_parameters() if param.requires_grad
    }
    batch = dict(
        inputs=[
            torch.randint(0, 256, (3, size, size), dtype=torch.uint8)
            for _ in range(2)
        ],
        data_samples=[DataSample().set_gt_label(i) for i in range(2)])
    model.train()
    losses = model.train_step(batch, optim_wrapper)
    assert losses and all(torch.isfinite(v).all() for v in losses.values())
    changed = [
        name for name, param in model.named_parameters()
        if name in trained and not torch.equal(param, trained[name])
    ]
    assert changed, 'no trainable weight changed'
