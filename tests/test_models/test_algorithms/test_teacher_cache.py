"""StrictTeacherDistill(cache_teacher_outputs=True): the same records and
losses as a full teacher pass, with the teacher run once per view."""
import copy

import pytest
import torch
from helpers import tiny_classifier

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmpretrain.structures import DataSample
from mmrazor.registry import MODELS

# every kind of recorder our configs put on a teacher
TEACHER_RECORDERS = dict(
    fc=dict(type='ModuleOutputs', source='head.fc'),
    stage=dict(type='PreActivationOutputs', source='backbone.layer1.1'),
    pooled_logits=dict(type='MultiModuleOutputs', sources=['neck', 'head.fc']))


def algorithm(cache: bool, **kwargs) -> dict:
    return dict(
        _scope_='mmrazor',
        type='StrictTeacherDistill',
        architecture=tiny_classifier(4),
        teacher=tiny_classifier(8),
        cache_teacher_outputs=cache,
        distiller=dict(
            type='ConfigurableDistiller',
            student_recorders=dict(
                fc=dict(type='ModuleOutputs', source='head.fc')),
            teacher_recorders=TEACHER_RECORDERS,
            distill_losses=dict(loss_kl=dict(type='KLDivergence')),
            loss_forward_mappings=dict(
                loss_kl=dict(
                    preds_S=dict(from_student=True, recorder='fc'),
                    preds_T=dict(from_student=False, recorder='fc')))),
        **kwargs)


def batch(indices, flips):
    """Images determined by (index, flip), like Fashion-MNIST's views."""
    images, samples = [], []
    for i, flip in zip(indices, flips):
        image = torch.randn(1, 16, 16,
                            generator=torch.Generator().manual_seed(i))
        images.append(image.flip(-1) if flip else image)
        samples.append(DataSample(metainfo=dict(sample_idx=i, flip=flip))
                       .set_gt_label(i % 10))
    return torch.stack(images), samples


def records(model):
    recorders = model.distiller.teacher_recorders.recorders
    return {name: r.get_record_data() for name, r in recorders.items()}


def assert_close(a, b):
    if isinstance(a, torch.Tensor):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
    else:
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            assert_close(x, y)


def test_cached_teacher_gives_a_full_passs_records_and_losses():
    torch.manual_seed(0)
    plain = MODELS.build(algorithm(cache=False))
    cached = MODELS.build(algorithm(cache=True))
    cached.load_state_dict(plain.state_dict())
    plain.train(), cached.train()
    sizes = []
    forward = cached._teacher_forward
    cached._teacher_forward = lambda x, *a: sizes.append(len(x)) or forward(
        x, *a)
    steps = [
        ([0, 1, 2, 3], [False, True, False, True]),
        ([2, 3, 4, 5], [False, True, True, False]),  # 2 views seen
        ([3, 2, 1, 0], [True, False, True, False]),  # all seen, other order
        ([0, 1], [True, False]),  # same indices, the other flips
    ]
    for indices, flips in steps:
        inputs, samples = batch(indices, flips)
        losses = plain.loss(inputs, copy.deepcopy(samples))
        cached_losses = cached.loss(inputs, copy.deepcopy(samples))
        assert losses.keys() == cached_losses.keys()
        for key in losses:
            assert_close(losses[key], cached_losses[key])
        expected, got = records(plain), records(cached)
        for name in TEACHER_RECORDERS:
            assert_close(expected[name], got[name])
    assert sizes == [4, 2, 2]  # the teacher ran on unseen views only
    assert len(cached._teacher_cache) == 8


def test_cache_needs_a_frozen_teacher():
    with pytest.raises(ValueError, match='model.cache_teacher_outputs=True'):
        MODELS.build(algorithm(cache=True, teacher_trainable=True))


def test_views_without_a_flip_key_are_an_error():
    model = MODELS.build(algorithm(cache=True))
    inputs, samples = batch([0, 1], [False, False])
    for sample in samples:
        del sample.flip
    with pytest.raises(KeyError, match=r"\['flip'\]"):
        model.loss(inputs, samples)
