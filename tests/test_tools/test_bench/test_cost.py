"""tools/bench/cost.py: the interleaving of the methods' steps."""
import math
import os
import os.path as osp
import pickle
from types import SimpleNamespace

import pytest
import torch

from bench import cost
from bench.cost import (CONTROL, Stepper, interleave, measure,
                        measure_in_child)


class Fake:
    """A stepper that logs its turns and takes ``seconds`` per step."""

    def __init__(self, name: str, seconds: float, log: list) -> None:
        self.name, self.seconds, self.log = name, seconds, log

    def step(self) -> float:
        self.log.append(self.name)
        return self.seconds


def test_interleave_rotates_the_order_and_drops_warmup_rounds():
    log = []
    steppers = {n: Fake(n, s, log) for n, s in (('a', 1.0), ('b', 2.0),
                                                ('c', 3.0))}
    times = interleave(steppers, rounds=4, warmup=2)
    rounds = [log[i:i + 3] for i in range(0, len(log), 3)]
    assert rounds == [['a', 'b', 'c'], ['b', 'c', 'a'], ['c', 'a', 'b'],
                      ['a', 'b', 'c'], ['b', 'c', 'a'], ['c', 'a', 'b']]
    # only the timed rounds (the last 4) are kept
    assert times == {'a': [1.0] * 4, 'b': [2.0] * 4, 'c': [3.0] * 4}


def test_a_step_with_a_non_finite_loss_is_an_error():
    """A diverged step is cheap: its time is never taken as a cost."""
    stepper = Stepper.__new__(Stepper)  # no config: a fake model
    stepper.name = 'x.py'
    stepper.model = SimpleNamespace(
        train_step=lambda batch, wrapper: {'loss': torch.tensor(math.nan)})
    stepper.optim_wrapper = None
    stepper._batches = iter([{}])
    with pytest.raises(RuntimeError, match='x.py: a non-finite loss'):
        stepper.step()


def test_a_row_named_like_the_control_copy_is_refused():
    methods = {name: dict(config='c.py', options={})
               for name in ('student alone', CONTROL)}
    with pytest.raises(ValueError, match="named 'control'"):
        measure(methods, '.', rounds=1, warmup=0, reference='student alone')
    with pytest.raises(ValueError, match="'KD' row as reference"):
        measure(methods, '.', rounds=1, warmup=0, reference='KD')


def test_the_steps_are_timed_in_a_child_started_with_the_runs_env(
        monkeypatch):
    children = []

    def run(cmd, env, check):
        children.append((cmd, env))
        spec_path, out_path = cmd[-2:]
        with open(spec_path, 'rb') as f:
            spec = pickle.load(f)
        with open(out_path, 'wb') as f:
            pickle.dump(dict(methods={'KD': spec}, threads=1), f)

    monkeypatch.setattr(cost.subprocess, 'run', run)
    env = {'ATEN_CPU_CAPABILITY': 'avx2', 'OMP_NUM_THREADS': '1'}
    measured = measure_in_child(env, 1, methods={'KD': {}}, root='.',
                                rounds=4, warmup=2, reference='KD')
    (cmd, child_env), = children
    assert cmd[1:3] == ['-m', 'bench.cost']
    # the runs' kernel caps and threads; this package's tools importable
    assert child_env['ATEN_CPU_CAPABILITY'] == 'avx2'
    assert child_env['OMP_NUM_THREADS'] == '1'
    assert child_env['PYTHONPATH'].split(os.pathsep)[0] == osp.dirname(
        osp.dirname(osp.abspath(cost.__file__)))
    # the spec reaches the child whole, its result comes back
    assert measured == dict(methods={'KD': dict(
        methods={'KD': {}}, root='.', rounds=4, warmup=2, reference='KD',
        threads=1)}, threads=1)
