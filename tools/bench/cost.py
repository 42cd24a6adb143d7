"""Interleaved cost of a training step, data loading included.

End-to-end s/iter of separate runs drifts with host load by more than the
methods differ on a shared machine. Here every method gets its model,
optimizer wrapper and training dataloader built from its config (as
``tools/train.py`` builds them), and the methods take turns: in each round
every method runs one ``train_step`` on the next batch of its own
dataloader (the same batches for every method: the sampler's seed is
fixed), at learning rate 0 (see :class:`Stepper`), in an order rotated
from round to round.
Each method's step time is divided by the reference row's from the same
round (the protocol's ``report.cost_reference``, KD for classification);
the report gives the median ratio and its interquartile range.
"""
import math
import os
import os.path as osp
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any, Dict, Iterator, List

from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner, set_random_seed

from mmrazor.registry import MODELS


class Stepper:
    """One method's model, optimizer wrapper and endless batch iterator.

    Args:
        config (str): Config path.
        options (dict): ``--cfg-options`` applied to it.
    """

    def __init__(self, config: str, options: Dict[str, Any]) -> None:
        cfg = Config.fromfile(config)
        cfg.merge_from_dict(options)
        # the same batches in the same order for every method (a detector's
        # step time depends on its images' objects)
        cfg.train_dataloader.sampler.seed = 0
        self.model = MODELS.build(cfg.model)
        self.model.init_weights()  # as the runner does before training
        self.model.train()
        # learning rate 0: the step's arithmetic is unchanged, the weights
        # stay at their start (the schedulers' warm-up does not run here,
        # and at the full rate a distilled detector diverges within a few
        # dozen steps, whose NaN steps are cheap)
        cfg.optim_wrapper.optimizer.lr = 0
        self.optim_wrapper = build_optim_wrapper(self.model, cfg.optim_wrapper)
        self.loader = Runner.build_dataloader(cfg.train_dataloader)
        self._batches = self._endless()
        self.name = config

    def _endless(self) -> Iterator[Any]:
        while True:
            yield from self.loader

    def step(self) -> float:
        """Seconds of one training step, the batch's loading included."""
        start = time.perf_counter()
        log_vars = self.model.train_step(
            next(self._batches), self.optim_wrapper)
        seconds = time.perf_counter() - start
        if not math.isfinite(float(log_vars['loss'])):
            raise RuntimeError(f'{self.name}: a non-finite loss in the cost '
                               "stage; a diverged step's time is not the "
                               "method's cost")
        return seconds


def quartiles(values: List[float]) -> List[float]:
    q1, median, q3 = statistics.quantiles(values, n=4, method='inclusive')
    return [q1, median, q3]


CONTROL = 'control'


def interleave(steppers: Dict[str, Any], rounds: int,
               warmup: int) -> Dict[str, List[float]]:
    """Each method's step seconds over ``rounds`` timed rounds.

    Every round runs one step of every method; the order rotates by one
    from round to round, so each method runs first, in the middle and last
    equally often, and none always right after the same one.

    Args:
        steppers (dict): Name -> object whose ``step()`` returns seconds.
        rounds (int): Timed rounds.
        warmup (int): Untimed rounds first.
    """
    names = list(steppers)
    times: Dict[str, List[float]] = {name: [] for name in names}
    for round_idx in range(warmup + rounds):
        shift = round_idx % len(names)
        for name in names[shift:] + names[:shift]:
            seconds = steppers[name].step()
            if round_idx >= warmup:
                times[name].append(seconds)
    return times


def measure(methods: Dict[str, dict], root: str, rounds: int, warmup: int,
            reference: str) -> Dict[str, dict]:
    """Median ms/step and step-time ratio vs ``reference`` of each method.

    Args:
        methods (dict): Name -> dict(config=..., options={...}); must hold
            ``reference``.
        root (str): Repository root (configs and data paths are relative).
        rounds (int): Timed rounds.
        warmup (int): Untimed rounds first.
        reference (str): The method every step time is divided by.

    Returns:
        dict: Name -> ``ms``, ``ratio``, ``ratio_q1``, ``ratio_q3``; also
        :data:`CONTROL`, a second copy of ``reference`` built last, whose
        ratio (1 but for the measurement's noise) says how close to 1 a
        ratio must be to be unresolved.
    """
    if reference not in methods:
        raise ValueError(f'the cost needs the {reference!r} row as reference, '
                         f'got {list(methods)}')
    if CONTROL in methods:
        raise ValueError(f'a row named {CONTROL!r} would be overwritten by '
                         "the cost's control copy of the reference; rename "
                         'the row')
    steppers = {}
    for name, m in [*methods.items(), (CONTROL, methods[reference])]:
        set_random_seed(0)
        steppers[name] = Stepper(osp.join(root, m['config']), m['options'])
    times = interleave(steppers, rounds, warmup)
    out = {}
    for name, values in times.items():
        ratios = [v / k for v, k in zip(values, times[reference])]
        q1, median, q3 = quartiles(ratios)
        out[name] = dict(
            ms=1000 * statistics.median(values),
            ratio=median,
            ratio_q1=q1,
            ratio_q3=q3)
    return out


def measure_in_child(env: Dict[str, str], threads: int, **spec) -> dict:
    """:func:`measure` in a child process started with ``env``.

    Torch picks its CPU kernels when a process imports it, so the steps are
    timed in a process started with the runs' environment (their kernel
    caps and threads), whatever this one's.

    Args:
        env (dict): The runs' environment (:func:`bench.run.run_env`).
        threads (int): Torch threads (0: torch's default).
        **spec: The arguments of :func:`measure`.

    Returns:
        dict: ``methods``, what :func:`measure` returns, and ``threads``,
        the torch threads it ran on.
    """
    tools = osp.dirname(osp.dirname(osp.abspath(__file__)))
    path = os.pathsep.join(p for p in (tools, env.get('PYTHONPATH')) if p)
    with tempfile.TemporaryDirectory() as tmp:
        spec_path, out_path = osp.join(tmp, 'spec.pkl'), osp.join(
            tmp, 'out.pkl')
        with open(spec_path, 'wb') as f:
            pickle.dump(dict(spec, threads=threads), f)
        subprocess.run(
            [sys.executable, '-m', 'bench.cost', spec_path, out_path],
            env=dict(env, PYTHONPATH=path),
            check=True)
        with open(out_path, 'rb') as f:
            return pickle.load(f)


def main(spec_path: str, out_path: str) -> None:
    """The child of :func:`measure_in_child`: ``spec_path`` in, its result
    to ``out_path``."""
    import torch

    import mmrazor_unified  # noqa: F401  (our modules registered)
    with open(spec_path, 'rb') as f:
        spec = pickle.load(f)
    threads = spec.pop('threads')
    if threads:
        torch.set_num_threads(threads)
    result = dict(methods=measure(**spec), threads=torch.get_num_threads())
    with open(out_path, 'wb') as f:
        pickle.dump(result, f)


if __name__ == '__main__':
    main(*sys.argv[1:])
