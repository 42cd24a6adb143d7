"""Tests of PreActivationOutputsRecorder (a block's output before its ReLU)."""
import pytest
import torch
from helpers import tiny_classifier
from torch import nn

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmrazor.models.task_modules import RecorderManager
from mmrazor.registry import MODELS


def _resnet(depth=18):
    cfg = tiny_classifier(width=4)
    cfg['backbone']['depth'] = depth
    if depth == 50:  # Bottleneck: 4x expansion
        cfg['head']['in_channels'] = 4 * 8 * 4
    model = MODELS.build(cfg)
    model.eval()
    return model


def _record(model, recorders, x):
    manager = RecorderManager(recorders)
    manager.initialize(model)
    with manager:
        model(x, mode='tensor')
    return manager


def test_records_the_residual_sum_before_the_inplace_relu():
    torch.manual_seed(0)
    model = _resnet()
    block = model.backbone.layer1[1]  # last block of stage 1, no downsample
    block_input = []
    block.register_forward_pre_hook(
        lambda module, inputs: block_input.append(inputs[0].clone()))
    x = torch.randn(2, 1, 28, 28)
    manager = _record(
        model,
        dict(
            pre=dict(type='PreActivationOutputs', source='backbone.layer1.1'),
            post=dict(type='ModuleOutputs', source='backbone.layer1.1'),
            # the naive way: the ReLU module's inputs, read after it ran
            naive=dict(type='ModuleInputs', source='backbone.layer1.1.relu')),
        x)
    pre = manager.get_recorder('pre').get_record_data()
    post = manager.get_recorder('post').get_record_data()

    # identity + norm2(conv2(relu(norm1(conv1(x))))), recomputed by hand
    with torch.no_grad():
        identity = block_input[0]
        branch = block.norm2(
            block.conv2(torch.relu(block.norm1(block.conv1(identity)))))
        expected = branch + identity
    assert torch.allclose(pre, expected, atol=1e-6)
    assert (pre < 0).any()  # a real pre-activation, not a ReLU output
    assert torch.equal(torch.relu(pre), post)
    # What a recorder on the in-place ReLU's input sees instead: its last
    # call's input was overwritten by the ReLU, so it equals the output.
    naive = manager.get_recorder('naive').get_record_data(
        record_idx=-1, data_idx=0)
    assert torch.equal(naive, post) and not (naive < 0).any()


def test_bottleneck_block_and_one_record_per_forward():
    model = _resnet(depth=50)  # Bottleneck calls its ReLU three times
    recorders = dict(
        pre=dict(type='PreActivationOutputs', source='backbone.layer1.2'),
        post=dict(type='ModuleOutputs', source='backbone.layer1.2'))
    manager = _record(model, recorders, torch.randn(2, 1, 28, 28))
    pre = manager.get_recorder('pre')
    assert len(pre.data_buffer) == 1
    assert (pre.get_record_data() < 0).any()
    assert torch.equal(
        torch.relu(pre.get_record_data()),
        manager.get_recorder('post').get_record_data())
    # outside the context nothing is recorded; a new context starts empty
    model(torch.randn(2, 1, 28, 28), mode='tensor')
    assert len(pre.data_buffer) == 1
    with manager:
        pass
    assert pre.data_buffer == []


def test_block_that_does_not_end_with_the_activation_fails_clearly():
    # the ReLU is the first op here, so the output is not relu(its input)
    model = nn.Sequential(
        nn.Sequential(nn.ReLU(inplace=True), nn.Conv2d(1, 2, 1)))
    manager = RecorderManager(
        dict(
            pre=dict(type='PreActivationOutputs', source='0', activation='0')))
    manager.initialize(model)
    with pytest.raises(ValueError, match="output of `source` '0' is not"):
        with manager:
            model(torch.randn(1, 1, 3, 3))


@pytest.mark.parametrize('kwargs, match', [
    (dict(source='backbone.layer1.7'), "`source` entry 'backbone.layer1.7'"),
    (dict(source='backbone.layer1.1',
          activation='act'), "`activation` entry 'act'"),
])
def test_unknown_module_names_fail_at_initialisation(kwargs, match):
    manager = RecorderManager(
        dict(pre=dict(type='PreActivationOutputs', **kwargs)))
    with pytest.raises(ValueError, match=match):
        manager.initialize(_resnet())
