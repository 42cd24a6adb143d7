"""MGKDAnalyserTraining (stage 2) with tiny models."""
import copy

import pytest
import torch
from mmengine.optim import OptimWrapper
from helpers import tiny_classifier

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmpretrain.structures import DataSample
from mmrazor.registry import MODELS

BRANCHES = [
    dict(code_dim=8, tau=2., weight=1.),
    dict(code_dim=16, tau=8., weight=1.)
]


def _batch(size=8, seed=1):
    g = torch.Generator().manual_seed(seed)
    inputs = torch.randn(size, 1, 16, 16, generator=g)
    samples = [DataSample().set_gt_label(i % 10) for i in range(size)]
    return dict(inputs=inputs, data_samples=samples)


@pytest.fixture
def teacher_ckpt(tmp_path):
    """A tiny teacher's weights, saved like a training checkpoint."""
    torch.manual_seed(0)
    teacher = MODELS.build(tiny_classifier())
    # BN statistics of the input distribution (features of a sensible
    # scale), and confident logits, so that the KD terms carry signal
    teacher.train()
    for m in teacher.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.momentum = None  # cumulative average
    with torch.no_grad():
        for seed in range(3):
            teacher.extract_feat(_batch(seed=seed)['inputs'])
        teacher.head.fc.weight.mul_(10)
    path = tmp_path / 'teacher.pth'
    torch.save(dict(state_dict=teacher.state_dict(), meta={}), path)
    return str(path)


def _algorithm(teacher_ckpt, **kwargs):
    cfg = dict(
        _scope_='mmrazor',
        type='MGKDAnalyserTraining',
        architecture=tiny_classifier(),
        teacher_ckpt=teacher_ckpt,
        analyser=dict(type='MGKDAnalyser', branches=BRANCHES))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_teacher_is_loaded_and_analyser_sized_from_its_head(teacher_ckpt):
    algorithm = _algorithm(teacher_ckpt)
    saved = torch.load(teacher_ckpt)['state_dict']
    for key, value in algorithm.teacher.state_dict().items():
        assert torch.equal(value, saved[key]), key
    # the runner's init_weights must not overwrite the loaded teacher
    algorithm.init_weights()
    for key, value in algorithm.teacher.state_dict().items():
        assert torch.equal(value, saved[key]), key
    assert algorithm.analyser.in_channels == 64
    assert algorithm.analyser.num_classes == 10
    keys = algorithm.state_dict().keys()
    assert 'analyser.code_dims' in keys and 'analyser.taus' in keys
    prefixes = {k.split('.')[0] for k in keys}
    assert {'architecture', 'analyser'} <= prefixes
    assert prefixes <= {'architecture', 'analyser', 'data_preprocessor'}


def test_teacher_frozen_through_a_train_step(teacher_ckpt):
    algorithm = _algorithm(teacher_ckpt)
    algorithm.train()
    assert algorithm.training and algorithm.analyser.training
    assert not algorithm.teacher.training
    assert all(not m.training for m in algorithm.teacher.modules())
    before = copy.deepcopy(algorithm.teacher.state_dict())
    analyser_before = copy.deepcopy(algorithm.analyser.state_dict())

    optim = OptimWrapper(
        torch.optim.SGD(
            algorithm.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4))
    losses = algorithm.train_step(_batch(), optim)
    assert set(losses) == {
        'loss', 'loss_b0_kd', 'loss_b0_ce', 'loss_b1_kd', 'loss_b1_ce'
    }
    for key, value in algorithm.teacher.state_dict().items():
        assert torch.equal(value, before[key]), key  # bit-identical
    assert all(p.grad is None for p in algorithm.teacher.parameters())
    assert all(not p.requires_grad for p in algorithm.teacher.parameters())
    changed = [
        k for k, v in algorithm.analyser.state_dict().items()
        if not torch.equal(v, analyser_before[k])
    ]
    assert len(changed) == 4 * 2 * 2  # every Linear weight and bias


@pytest.mark.training
def test_branches_learn_on_a_fixed_batch(teacher_ckpt):
    torch.manual_seed(0)
    algorithm = _algorithm(teacher_ckpt)
    algorithm.train()
    optim = OptimWrapper(
        torch.optim.SGD(
            algorithm.analyser.parameters(), lr=0.02, momentum=0.9))
    batch = _batch()
    history = [algorithm.train_step(batch, optim) for _ in range(40)]
    for k in range(2):
        first, last = (
            h[f'loss_b{k}_kd'] + h[f'loss_b{k}_ce']
            for h in (history[0], history[-1]))
        assert last < 0.7 * first, (k, first, last)


def test_losses_follow_the_formula(teacher_ckpt):
    algorithm = _algorithm(
        teacher_ckpt,
        analyser=dict(
            type='MGKDAnalyser',
            branches=[
                dict(code_dim=8, tau=2., weight=0.5),
                dict(code_dim=16, tau=8., weight=1.)
            ]))
    batch = algorithm.data_preprocessor(_batch(), True)
    losses = algorithm(**batch, mode='loss')
    z_t, analysis = algorithm(batch['inputs'], mode='tensor')
    labels = torch.tensor([i % 10 for i in range(8)])
    for k, (tau, weight) in enumerate([(2., .5), (8., 1.)]):
        p = torch.softmax(z_t / tau, 1)
        log_q = torch.log_softmax(analysis.logits[k] / tau, 1)
        kd = weight * tau**2 * (p * (p.log() - log_q)).sum(1).mean()
        ce = torch.nn.functional.nll_loss(
            torch.log_softmax(analysis.logits[k], 1), labels)
        torch.testing.assert_close(losses[f'loss_b{k}_kd'], kd)
        torch.testing.assert_close(losses[f'loss_b{k}_ce'], ce)


def test_predict_gives_teacher_and_branch_scores(teacher_ckpt):
    algorithm = _algorithm(teacher_ckpt)
    algorithm.eval()
    batch = _batch(size=3)
    out = algorithm.val_step(batch)
    assert len(out) == 3
    z_t, analysis = algorithm(batch['inputs'], mode='tensor')
    for i, sample in enumerate(out):
        torch.testing.assert_close(sample.pred_score, torch.softmax(z_t[i], 0))
        assert sample.pred_label.item() == z_t[i].argmax().item()
        assert sample.branch_scores.shape == (2, 10)
        torch.testing.assert_close(sample.branch_scores[1],
                                   torch.softmax(analysis.logits[1][i], 0))
        assert sample.gt_label.item() == i
    assert len(algorithm(batch['inputs'], mode='predict')) == 3


def test_missing_teacher_checkpoint(tmp_path):
    path = str(tmp_path / 'no_teacher.pth')
    with pytest.raises(FileNotFoundError) as info:
        _algorithm(path)
    assert '`model.teacher_ckpt` not found' in str(info.value)
    assert path in str(info.value)


def test_teacher_checkpoint_of_another_model_fails(tmp_path):
    path = tmp_path / 'other.pth'
    torch.save(
        dict(state_dict=MODELS.build(tiny_classifier(4)).state_dict()), path)
    with pytest.raises(ValueError, match='size mismatch'):
        _algorithm(str(path))


class _CountingTeacher:
    """Counts the images the teacher is run on."""

    def __init__(self, algorithm, monkeypatch):
        self.images = 0
        extract = algorithm.teacher.extract_feat

        def counted(inputs):
            self.images += inputs.size(0)
            return extract(inputs)

        monkeypatch.setattr(algorithm.teacher, 'extract_feat', counted)


def test_cached_teacher_outputs_run_the_teacher_once_per_view(
        teacher_ckpt, monkeypatch):
    plain = _algorithm(teacher_ckpt)
    cached = _algorithm(teacher_ckpt, cache_teacher_outputs=True)
    cached.analyser.load_state_dict(plain.analyser.state_dict())
    counter = _CountingTeacher(cached, monkeypatch)
    batch = cached.data_preprocessor(_batch(size=6), True)
    inputs, samples = batch['inputs'], batch['data_samples']

    cached.train()
    losses = cached(inputs, samples, mode='loss')
    assert counter.images == 12  # the batch and its horizontal flips
    assert len(cached.teacher_cache) == 12
    for key, value in plain(inputs, samples, mode='loss').items():
        torch.testing.assert_close(losses[key], value)
    # the next epoch: the same images, some flipped (RandomFlip): no teacher
    flipped = torch.where(
        torch.arange(6)[:, None, None, None] % 2 == 0, inputs, inputs.flip(-1))
    cached(flipped, samples, mode='loss')
    z_t, _ = cached(flipped, mode='tensor')
    assert counter.images == 12
    torch.testing.assert_close(z_t, plain(flipped, mode='tensor')[0])
    # evaluation images: once, without flips
    cached.eval()
    new = torch.randn(3, 1, 16, 16)
    cached(new, mode='predict')
    cached(new, mode='predict')
    assert counter.images == 15
    # the cache is not part of the checkpoint
    assert set(cached.state_dict()) == set(plain.state_dict())


def test_cache_limit_is_an_error(teacher_ckpt):
    algorithm = _algorithm(
        teacher_ckpt, cache_teacher_outputs=True, teacher_cache_limit=10)
    algorithm.train()
    algorithm(**algorithm.data_preprocessor(_batch(size=4), True), mode='loss')
    with pytest.raises(RuntimeError, match='more than 10 different images'):
        algorithm(
            **algorithm.data_preprocessor(_batch(size=4, seed=2), True),
            mode='loss')
