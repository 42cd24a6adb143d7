"""Measure the cost of one training step of distillation configs, by part.

For each Fashion-MNIST config this builds the algorithm as ``tools/train.py``
would (random weights: the cost does not depend on them) and, on one fixed
batch of the given size:

* counts the FLOPs of a ``loss`` step and its backward pass with torch's
  ``FlopCounterMode``, splitting the forward FLOPs between the teacher, the
  student and each distillation connector;
* times full steps (forward, backward, SGD update; no data loading, no
  runner hooks), interleaving the configs round by round so that machine
  noise hits all of them alike, and reports the median.

FLOPs are exact; the times isolate the model's compute from the data
pipeline and the runner, which ``tools/benchmark.py``'s s/iter includes. The
MGKD configs need a stage-2 analyser checkpoint: the one they name, or any of
the same shape given with ``--analyser-ckpt``. Writes a Markdown table
(default ``docs/step_cost.md``) and the same numbers as JSON beside it
(``docs/step_cost.json``, read by ``tools/benchmark.py --report``).
"""
import argparse
import json
import os.path as osp
import shlex
import statistics
import sys
import time
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.config import Config
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmpretrain.structures import DataSample
from mmrazor.registry import MODELS

# the benchmark's distillers (its rows, without the student alone)
ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, osp.join(ROOT, 'tools'))
from bench.plan import Protocol  # noqa: E402

PROTOCOL = osp.join(ROOT, 'benchmarks', 'fashion_mnist', 'protocol.py')
# option keys through which an ablation variant can change a step's cost
COST_KEYS = ('.connectors.', '.student_recorders.', '.teacher_recorders.')


def methods(protocol: Protocol,
            ablations: Sequence[str] = ()) -> Dict[str, Tuple[str, dict]]:
    """Name -> (config, options): the benchmark's distillers (its rows
    without the student alone), then the variants of ``ablations`` that
    change connectors or recorders (the cost knobs, e.g. the levels UniKD
    fuses), each as its centre row's config plus the variant's options."""
    out = {
        name: (row['config'], {})
        for name, row in protocol.rows.items() if name != 'student alone'
    }
    for name in ablations:
        if name not in protocol.ablations:
            raise SystemExit(f'--variants {name!r}: no such ablation; '
                             f'ablations: {list(protocol.ablations)}')
        centre = protocol.ablations[name]['row']
        for variant in protocol.ablations[name]['variants']:
            options = variant.get('options', {})
            if 'row' in variant or 'config' in variant or not any(
                    key in k for k in options for key in COST_KEYS):
                continue
            out[f'{centre}, {variant["name"]}'] = (
                protocol.rows[centre]['config'], options)
    return out


def build(config: str,
          analyser_ckpt: Optional[str] = None,
          options: Optional[dict] = None) -> nn.Module:
    """The algorithm of ``config`` (plus ``--cfg-options``-style
    ``options``) in training mode, random weights."""
    cfg = Config.fromfile(osp.join(ROOT, config))
    cfg.merge_from_dict(options or {})
    cfg.model.teacher_ckpt = None
    connectors = cfg.model.distiller.get('connectors', {})
    if 'mgkd_analyser' in connectors:  # needs its stage-2 weights to build
        path = analyser_ckpt or osp.join(ROOT,
                                         connectors.mgkd_analyser.checkpoint)
        connectors.mgkd_analyser.checkpoint = path
    model = MODELS.build(cfg.model)
    model.train()  # MMRazor's algorithms do not return self here
    return model


def total_loss(model: nn.Module, inputs: torch.Tensor,
               samples: List[DataSample]) -> torch.Tensor:
    losses = model(inputs, samples, mode='loss')
    return sum(v for k, v in losses.items() if 'loss' in k)


def step_flops(model: nn.Module, inputs: torch.Tensor,
               samples: List[DataSample]) -> Dict[str, int]:
    """FLOPs of one forward+backward training step, by top-level part."""
    forward = FlopCounterMode(display=False, depth=4)
    with forward:
        loss = total_loss(model, inputs, samples)
    backward = FlopCounterMode(display=False)
    with backward:
        loss.backward()
    model.zero_grad()
    # forward FLOPs by part (backward ones cannot be attributed reliably)
    parts: Dict[str, int] = defaultdict(int)
    for name, counts in forward.get_flop_counts().items():
        keys = name.split('.')
        if len(keys) == 2 and keys[1] in ('teacher', 'architecture'):
            parts[keys[1]] += sum(counts.values())
        elif len(keys) == 4 and keys[1:3] == ['distiller', 'connectors']:
            parts[f'connector {keys[3]}'] += sum(counts.values())
    parts['forward'] = forward.get_total_flops()
    parts['total'] = parts['forward'] + backward.get_total_flops()
    return dict(parts)


def step_seconds(models: Dict[str, nn.Module], inputs: torch.Tensor,
                 samples: List[DataSample], rounds: int,
                 warmup: int) -> Dict[str, float]:
    """Median seconds of one full step per model, configs interleaved."""
    optimizers = {
        name: torch.optim.SGD(
            [p for p in model.parameters() if p.requires_grad],
            lr=1e-3,
            momentum=0.9)
        for name, model in models.items()
    }
    times: Dict[str, List[float]] = defaultdict(list)
    for round_idx in range(warmup + rounds):
        for name, model in models.items():
            start = time.perf_counter()
            optimizers[name].zero_grad()
            total_loss(model, inputs, samples).backward()
            optimizers[name].step()
            if round_idx >= warmup:
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--batch-size', type=int, default=128)
    parser.add_argument('--rounds', type=int, default=30,
                        help='timed steps per config')
    parser.add_argument('--warmup', type=int, default=5,
                        help='untimed steps per config first')
    parser.add_argument('--analyser-ckpt', default=None,
                        help='stage-2 MGKD analyser checkpoint (default: '
                        'the one the MGKD configs name)')
    parser.add_argument('--variants', nargs='*', default=[],
                        metavar='ABLATION',
                        help='also measure the variants of these protocol '
                        'ablations that change connectors or recorders')
    parser.add_argument('--out', default='docs/step_cost.md')
    args = parser.parse_args()
    torch.manual_seed(0)
    inputs = torch.randn(args.batch_size, 1, 28, 28)
    samples = [
        DataSample().set_gt_label(i % 10) for i in range(args.batch_size)
    ]
    models = {
        name: build(config, args.analyser_ckpt, options)
        for name, (config, options) in methods(
            Protocol.load(PROTOCOL), args.variants).items()
    }
    flops = {
        name: step_flops(model, inputs, samples)
        for name, model in models.items()
    }
    seconds = step_seconds(models, inputs, samples, args.rounds,
                           args.warmup)
    command = ('python tools/analysis_tools/step_cost.py '
               f'--batch-size {args.batch_size} --rounds {args.rounds} '
               f'--warmup {args.warmup}' +
               (' --variants ' + ' '.join(map(shlex.quote, args.variants))
                if args.variants else ''))
    lines = [
        '# Cost of one training step, by part', '',
        f'Generated by `{command}`; do not edit by hand. One step of each '
        f'Fashion-MNIST config on a fixed batch of {args.batch_size}: FLOPs '
        'of forward + backward counted with `torch.utils.flop_counter` '
        '(forward split by part), and the median wall time of '
        f'{args.rounds} full steps (forward, backward, SGD update; no data '
        'loading or runner hooks) with the configs interleaved, on '
        f'{torch.get_num_threads()} CPU threads. Rows named "<row>, '
        '<variant>" are ablation variants that change connectors or '
        'recorders (the cost knobs), on that row\'s config.', '',
        '| method | step GFLOP (fwd + bwd) | vs KD | forward: teacher | '
        'student | connectors | ms/step | vs KD |',
        '|---|---|---|---|---|---|---|---|'
    ]
    for name, parts in flops.items():
        connectors = ', '.join(f'{k[len("connector "):]} {v / 1e9:.4f}'
                               for k, v in parts.items()
                               if k.startswith('connector')) or '-'
        lines.append(
            f'| {name} | {parts["total"] / 1e9:.4f} | '
            f'{parts["total"] / flops["KD"]["total"]:.2f}× | '
            f'{parts.get("teacher", 0) / 1e9:.4f} | '
            f'{parts.get("architecture", 0) / 1e9:.4f} | {connectors} | '
            f'{1000 * seconds[name]:.1f} | '
            f'{seconds[name] / seconds["KD"]:.2f}× |')
    text = '\n'.join(lines) + '\n'
    with open(osp.join(ROOT, args.out), 'w') as f:
        f.write(text)
    record = dict(
        command=command,
        threads=torch.get_num_threads(),
        methods={
            name: dict(gflop=parts['total'] / 1e9, ms=1000 * seconds[name])
            for name, parts in flops.items()
        })
    with open(osp.splitext(osp.join(ROOT, args.out))[0] + '.json', 'w') as f:
        json.dump(record, f, indent=1)
        f.write('\n')
    print(text)


if __name__ == '__main__':
    main()
