"""Benchmark our distillers against MMRazor's built-in ones on Fashion-MNIST.

Every method is trained the way a user trains it: ``tools/train.py`` with the
method's shipped config, the same schedule, data subset and seeds for all.
The teacher is trained once (the demo's cached teacher is reused) and so is
the MGKD analyser (stage 2). From the same run the tool writes:

* ``<out-dir>/benchmark.json`` - protocol, per-seed results, summary;
* ``<out-dir>/benchmark.md``   - the Markdown table (and the command);
* ``<out-dir>/benchmark.png``  - accuracy with error bars, cost ratios.

Default protocol (2 CPU cores, about 90 minutes): teacher ResNet_CIFAR-18
width 16 on the 60k training images for 3 epochs; student width 4 on the
first 10k training images for 8 epochs; 3 seeds. ``--quick`` runs one seed
for a few dozen iterations on a small subset (a smoke test; its numbers mean
nothing). ``--device cuda`` runs the same on a GPU; enlarge the protocol with
``--train-subset`` and ``--student-epochs``.
"""
import argparse
import glob
import json
import os
import os.path as osp
import platform
import shlex
import statistics
import subprocess
import sys
import time
from typing import Dict, List, Optional, Sequence, Tuple

import torch

from run_demo import ROOT, TEACHER_CKPT, TEACHER_CONFIG, test, train

from mmrazor_unified.utils.export import export_weights

TAIL = 'resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py'
STUDENT = 'student alone'
KD = 'KD'
# (name, config); MMRazor's built-in distillers first, then ours.
METHODS = [
    (STUDENT, 'configs/fashion_mnist/resnet18-w4_1xb128_fashion-mnist-10k.py'),
    (KD, f'configs/kd/kd_logits_{TAIL}'),
    ('DKD', f'configs/dkd/dkd_logits_{TAIL}'),
    ('FitNets + KD', f'configs/fitnets/fitnets_kd_{TAIL}'),
    ('DIST', f'configs/dist/dist_logits_{TAIL}'),
    ('UniKD + KD', f'configs/unikd/unikd_kd_{TAIL}'),
    ('UniKD + DKD', f'configs/unikd/unikd_dkd_{TAIL}'),
    ('MGKD + KD', f'configs/mgkd/mgkd_kd_{TAIL}'),
    ('MGKD + UniKD', f'configs/mgkd/mgkd_unikd_{TAIL}'),
]
BUILTIN = {KD, 'DKD', 'FitNets + KD', 'DIST'}
ANALYSER_CONFIG = ('configs/mgkd/'
                   'mgkd_analyser_resnet18-w16_1xb128_fashion-mnist.py')
ANALYSER_CKPT = 'checkpoints/mgkd_analyser_resnet18-w16_fashion-mnist.pth'
ANALYSER_KEY = 'model.distiller.connectors.mgkd_analyser.checkpoint'
# MMEngine logs the mean iteration time of every LOG_INTERVAL iterations
LOG_INTERVAL = 10


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--quick', action='store_true',
                        help='one seed, a few dozen iterations (smoke test)')
    parser.add_argument('--device', choices=['cpu', 'cuda'], default='cpu')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--methods', nargs='+', default=None,
                        help='subset of method names (default: all)')
    parser.add_argument('--train-subset', type=int, default=10000,
                        help='training images for the students')
    parser.add_argument('--student-epochs', type=int, default=8)
    parser.add_argument('--teacher-epochs', type=int, default=3)
    parser.add_argument('--analyser-epochs', type=int, default=3)
    parser.add_argument('--work-dir', default=None,
                        help='default: work_dirs/benchmark[_quick]')
    parser.add_argument('--out-dir', default=None,
                        help='default: docs (full) or the work dir (quick)')
    args = parser.parse_args()
    if args.quick:
        args.seeds = args.seeds[:1]
        args.teacher_epochs = args.analyser_epochs = 1
        args.student_epochs = 2
    args.work_dir = args.work_dir or ('work_dirs/benchmark_quick'
                                      if args.quick else 'work_dirs/benchmark')
    args.out_dir = args.out_dir or (args.work_dir if args.quick else 'docs')
    return args


QUICK_DATA = [
    'train_dataloader.dataset.indices=320',
    'val_dataloader.dataset.indices=512',
    'test_dataloader.dataset.indices=512', 'train_dataloader.batch_size=32',
    'default_hooks.logger.interval=2'
]


def schedule_options(args: argparse.Namespace, epochs: int) -> List[str]:
    """``--cfg-options`` for a cosine schedule of ``epochs`` (+ quick data)."""
    opts = [f'train_cfg.max_epochs={epochs}', f'param_scheduler.end={epochs}']
    return opts + QUICK_DATA if args.quick else opts


def latest_scalars(work_dir: str) -> List[dict]:
    """MMEngine's per-iteration log of the newest run in ``work_dir``."""
    runs = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                     'scalars.json')))
    if not runs:
        raise FileNotFoundError(f'no scalars.json under {work_dir}')
    with open(runs[-1]) as f:
        return [json.loads(line) for line in f if line.strip()]


def param_counts(ckpt: str) -> Dict[str, int]:
    """Student and training-only (distiller) parameter counts."""
    # MMEngine's checkpoint globals are allowed by mmrazor_unified's compat
    state = torch.load(ckpt, map_location='cpu')['state_dict']

    def count(prefix: str) -> int:
        return sum(v.numel() for k, v in state.items()
                   if k.startswith(prefix) and v.is_floating_point()
                   and 'running_' not in k)

    distill = 'architecture.' in next(iter(state))
    return dict(
        student=count('architecture.') if distill else count(''),
        training_only=count('distiller.') if distill else 0)


def run_training(args: argparse.Namespace, name: str, config: str,
                 seed: int, extra: List[str]) -> dict:
    """Train one method with one seed (cached); return its measurements."""
    work_dir = osp.join(args.work_dir, name.replace(' ', '').replace('+', '_'),
                        f'seed{seed}')
    result_file = osp.join(work_dir, 'result.json')
    if osp.isfile(result_file):
        with open(result_file) as f:
            return json.load(f)
    cmd = [
        sys.executable, 'tools/train.py', config, '--work-dir', work_dir,
        '--cfg-options', f'randomness.seed={seed}',
        f'train_dataloader.dataset.indices={args.train_subset}',
        # evaluate once, at the end: only the final accuracy is reported
        f'train_cfg.val_interval={args.student_epochs}',
        f'default_hooks.logger.interval={LOG_INTERVAL}',
        *schedule_options(args, args.student_epochs), *extra
    ]  # in quick mode QUICK_DATA's subset overrides --train-subset
    print(f'\n[{name} / seed {seed}] $ {shlex.join(cmd)}', flush=True)
    env = dict(os.environ)
    if args.device == 'cpu':
        env['CUDA_VISIBLE_DEVICES'] = ''
    log_path = osp.join(work_dir, 'train.log')
    os.makedirs(work_dir, exist_ok=True)
    start = time.time()
    with open(log_path, 'w') as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        with open(log_path) as log:
            errors = [line.strip() for line in log
                      if line.startswith('FloatingPointError: Non-finite')]
        if not errors:
            raise RuntimeError(f'{name} (seed {seed}) failed; see {log_path}')
        # NonFiniteLossHook stopped it: a result of the method, not a crash
        print(f'[{name} / seed {seed}] diverged: {errors[-1]}', flush=True)
        reason = errors[-1].split(': ', 1)[1].split('. ')[0]
        result = dict(diverged=reason)
        with open(result_file, 'w') as f:
            json.dump(result, f, indent=2)
        return result
    scalars = latest_scalars(work_dir)
    train_log = [s for s in scalars if 'loss' in s]
    val_log = [s for s in scalars if 'accuracy/top1' in s]
    iter_times = [s['time'] for s in train_log[1:]] or [train_log[0]['time']]
    if args.device == 'cuda':
        peak_mb = max(s.get('memory', 0) for s in train_log)
    else:
        peak_mb = usage.ru_maxrss / 1024  # KiB on Linux
    ckpt = osp.join(work_dir, f'epoch_{args.student_epochs}.pth')
    result = dict(
        top1=val_log[-1]['accuracy/top1'],
        sec_per_iter=statistics.median(iter_times),
        peak_memory_mb=peak_mb,
        wall_s=time.time() - start,
        **param_counts(ckpt))
    with open(result_file, 'w') as f:
        json.dump(result, f, indent=2)
    return result


def run_order(methods: Sequence[Tuple[str, str]],
              seeds: Sequence[int]) -> List[Tuple[int, str, str]]:
    """``(seed, name, config)`` in running order.

    Seed by seed, every method within a seed, and the method list rotated
    from one seed to the next, so that each method runs early, in the middle
    and late (with 3 seeds) and no method always follows the same one (e.g.
    the light student-alone run): drifts of the machine's speed spread over
    all methods. On a shared 2-core machine the s/iter of one config varied
    by up to ~40 % from run to run.
    """
    order = []
    for i, seed in enumerate(seeds):
        shift = i * len(methods) // len(seeds)
        rotated = list(methods[shift:]) + list(methods[:shift])
        order += [(seed, name, config) for name, config in rotated]
    return order


def mean_std(values: List[float]) -> Dict[str, float]:
    return dict(
        mean=statistics.mean(values),
        std=statistics.stdev(values) if len(values) > 1 else 0.0)


def summarise(runs: Dict[str, List[dict]], teacher_top1: float) -> dict:
    """Per-method means and the comparisons the table reports.

    Accuracy and cost are over the seeds that finished; seeds stopped by a
    non-finite loss are counted in ``diverged``. A method with no finished
    seed is left out (the report lists every diverged seed).
    """
    summary = {}
    for name, all_results in runs.items():
        results = [r for r in all_results if 'diverged' not in r]
        if not results:
            continue
        summary[name] = dict(
            seeds=len(all_results),
            diverged=len(all_results) - len(results),
            top1=mean_std([r['top1'] for r in results]),
            sec_per_iter=statistics.median(r['sec_per_iter']
                                           for r in results),
            peak_memory_mb=statistics.median(r['peak_memory_mb']
                                             for r in results),
            training_only_params=results[0]['training_only'],
            student_params=results[0]['student'])
    base = summary.get(STUDENT)
    kd = summary.get(KD)
    for name, s in summary.items():
        if base:
            gain = s['top1']['mean'] - base['top1']['mean']
            s['gain_over_student'] = gain
            gap = teacher_top1 - base['top1']['mean']
            s['gap_closed'] = gain / gap if gap > 0 else None
        if kd:
            s['time_vs_kd'] = s['sec_per_iter'] / kd['sec_per_iter']
            s['memory_vs_kd'] = s['peak_memory_mb'] / kd['peak_memory_mb']
    return summary


def target_checks(summary: dict) -> List[str]:
    """The issue's targets, evaluated on this run's numbers."""

    def ahead(a: str, b: str) -> Optional[bool]:
        if a not in summary or b not in summary:
            return None
        sa, sb = summary[a]['top1'], summary[b]['top1']
        return sa['mean'] - sb['mean'] >= max(sa['std'], sb['std'])

    lines = []
    if KD in summary and STUDENT in summary:
        verdict = ahead(KD, STUDENT)
        lines.append(f'- KD beats the student alone by at least one std: '
                     f'{"yes" if verdict else "NO"}')
    ours = 'UniKD + DKD'
    if ours in summary:
        for other in sorted(BUILTIN & set(summary)):
            verdict = ahead(ours, other)
            lines.append(f'- {ours} ahead of {other} by at least one std: '
                         f'{"yes" if verdict else "NO"}')
        for key, limit in (('time_vs_kd', 1.15), ('memory_vs_kd', 1.2)):
            if key in summary[ours]:
                value = summary[ours][key]
                lines.append(f'- {ours} {key.replace("_", " ")} '
                             f'{value:.2f} (target <= {limit}): '
                             f'{"met" if value <= limit else "MISSED"}')
    for mgkd, host in (('MGKD + KD', KD), ('MGKD + UniKD', 'UniKD + KD')):
        if mgkd in summary and host in summary:
            delta = summary[mgkd]['top1']['mean'] - summary[host]['top1'][
                'mean']
            lines.append(f'- {mgkd} minus its host {host}: {delta:+.2f}')
    return lines


def markdown(protocol: dict, runs: Dict[str, List[dict]], summary: dict,
             checks: List[str]) -> str:
    """The results table with the protocol and the command."""
    unit = 'MiB peak RSS' if protocol['device'] == 'cpu' else 'MiB CUDA peak'
    lines = [
        '# Benchmark: distillers on Fashion-MNIST', '',
        'Generated by `tools/benchmark.py`; do not edit by hand. Command:', '',
        *(['**Quick mode: a smoke test, the numbers mean nothing.**', '']
          if protocol['quick'] else []),
        f'```bash\n{protocol["command"]}\n```', '',
        f'- device: {protocol["device"]} ({protocol["machine"]}), '
        f'torch {protocol["torch"]}',
        f'- teacher: ResNet_CIFAR-18 width 16, {protocol["teacher_epochs"]} '
        f'epochs on {protocol["teacher_data"]}, test top-1 '
        f'{protocol["teacher_top1"]:.2f} %',
        f'- student: ResNet_CIFAR-18 width 4, {protocol["student_epochs"]} '
        f'epochs on the first {protocol["train_subset"]} training images, '
        f'seeds {protocol["seeds"]}; top-1 on the 10k test images',
        '- identical schedule, batch size and data order for every method',
        '- runs go seed by seed, the method order rotated from seed to '
        'seed, so that drifts of the machine\'s speed spread over all '
        'methods',
        '',
        f'| method | seeds finished | top-1 (%) | gain vs student | gap '
        f'closed | s/iter (median) | vs KD | {unit} | vs KD | '
        'training-only params |',
        '|---|---|---|---|---|---|---|---|---|---|',
    ]
    for name, s in summary.items():
        gap = s.get('gap_closed')
        lines.append(
            f'| {name} | {s["seeds"] - s["diverged"]}/{s["seeds"]} | '
            f'{s["top1"]["mean"]:.2f} ± {s["top1"]["std"]:.2f} | '
            f'{s.get("gain_over_student", 0):+.2f} | '
            f'{"-" if gap is None else f"{100 * gap:.0f} %"} | '
            f'{s["sec_per_iter"]:.4f} | {s.get("time_vs_kd", 1):.2f}× | '
            f'{s["peak_memory_mb"]:.0f} | {s.get("memory_vs_kd", 1):.2f}× | '
            f'{s["training_only_params"]:,} |')
    memory_note = (
        'Peak memory on CPU is the training process\'s peak RSS, which '
        'includes the framework (torch, MMEngine, MMPretrain, MMRazor) and '
        'the dataset; the models themselves are a small part of it. ' if
        protocol['device'] == 'cpu' else '')
    lines += [
        '', 's/iter: MMEngine logs the mean iteration time (data included) '
        f'of every {LOG_INTERVAL} iterations; the table gives the median of '
        'these logs (the first skipped), median over seeds. ' + memory_note +
        'Training-only parameters are those of the distiller (connectors, '
        'distribution heads, MGKD analyser and encoders), none of which the '
        'exported student keeps. Top-1 and costs are over the seeds that '
        'finished. FLOPs and model-only time of one step (no data pipeline '
        'or runner; configs interleaved), by part: '
        '[step_cost.md](step_cost.md).', '',
        *diverged_lines(protocol['seeds'], runs), '## Targets', '', *checks,
        '', '![accuracy and cost](benchmark.png)', ''
    ]
    return '\n'.join(lines)


def diverged_lines(seeds: List[int],
                   runs: Dict[str, List[dict]]) -> List[str]:
    """Markdown lines naming the seeds stopped by a non-finite loss."""
    lines = [
        f'- {name}, seed {seed}: {result["diverged"]}'
        for name, results in runs.items()
        for seed, result in zip(seeds, results) if 'diverged' in result
    ]
    if not lines:
        return []
    return ['Seeds stopped by `NonFiniteLossHook` (left out of the means):',
            '', *lines, '']


def plot(summary: dict, path: str) -> None:
    """Accuracy with error bars, and time/memory relative to KD."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    names = list(summary)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.5))
    means = [summary[n]['top1']['mean'] for n in names]
    stds = [summary[n]['top1']['std'] for n in names]
    ax1.bar(names, means, yerr=stds, capsize=4, color='tab:blue')
    ax1.set_ylim(min(means) - 2, max(means) + 1)
    ax1.set_ylabel('student test top-1 (%)')
    ax1.tick_params(axis='x', rotation=45)
    x = range(len(names))
    ax2.bar([i - 0.2 for i in x], [summary[n].get('time_vs_kd', 1)
                                   for n in names], 0.4, label='s/iter')
    ax2.bar([i + 0.2 for i in x], [summary[n].get('memory_vs_kd', 1)
                                   for n in names], 0.4, label='peak memory')
    ax2.axhline(1.0, color='gray', lw=0.8)
    ax2.set_xticks(list(x), names, rotation=45)
    ax2.set_ylabel('relative to KD')
    ax2.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def prepare_teacher(args: argparse.Namespace) -> str:
    """The cached teacher (the demo's), or a tiny one in quick mode."""
    if not args.quick and osp.isfile(osp.join(ROOT, TEACHER_CKPT)):
        return TEACHER_CKPT
    work_dir = osp.join(args.work_dir, 'teacher')
    ckpt = train(TEACHER_CONFIG, work_dir, args.teacher_epochs,
                 *schedule_options(args, args.teacher_epochs))
    if args.quick:
        return ckpt
    os.makedirs(osp.dirname(TEACHER_CKPT), exist_ok=True)
    export_weights(ckpt, TEACHER_CKPT)
    return TEACHER_CKPT


def prepare_analyser(args: argparse.Namespace, teacher: str) -> str:
    """Stage 2 of MGKD, trained once per teacher."""
    if not args.quick and osp.isfile(osp.join(ROOT, ANALYSER_CKPT)):
        return ANALYSER_CKPT
    work_dir = osp.join(args.work_dir, 'mgkd_analyser')
    # the analyser keeps its own (step) schedule; only its length changes
    ckpt = train(ANALYSER_CONFIG, work_dir, args.analyser_epochs,
                 f'model.teacher_ckpt={teacher}',
                 f'train_cfg.max_epochs={args.analyser_epochs}',
                 *(QUICK_DATA if args.quick else []))
    if args.quick:
        return ckpt
    export_weights(ckpt, ANALYSER_CKPT)
    return ANALYSER_CKPT


def main() -> None:
    args = parse_args()
    os.chdir(ROOT)
    command = shlex.join(['python', 'tools/benchmark.py', *sys.argv[1:]])
    methods = [(n, c) for n, c in METHODS
               if args.methods is None or n in args.methods]
    unknown = set(args.methods or []) - {n for n, _ in METHODS}
    if unknown:
        sys.exit(f'unknown --methods {sorted(unknown)}; choose from '
                 f'{[n for n, _ in METHODS]}')

    teacher = prepare_teacher(args)
    teacher_top1 = test(TEACHER_CONFIG, teacher,
                        osp.join(args.work_dir, 'test_teacher'))
    analyser = None
    if any(n.startswith('MGKD') for n, _ in methods):
        analyser = prepare_analyser(args, teacher)

    runs: Dict[str, List[dict]] = {name: [] for name, _ in methods}
    for seed, name, config in run_order(methods, args.seeds):
        extra = [] if name == STUDENT else [f'model.teacher_ckpt={teacher}']
        if name.startswith('MGKD'):
            extra.append(f'{ANALYSER_KEY}={analyser}')
        runs[name].append(run_training(args, name, config, seed, extra))

    summary = summarise(runs, teacher_top1)
    checks = target_checks(summary)
    protocol = dict(
        command=command,
        device=args.device,
        machine=f'{platform.machine()}, {os.cpu_count()} CPUs',
        torch=torch.__version__,
        quick=args.quick,
        seeds=args.seeds,
        teacher_epochs=args.teacher_epochs,
        student_epochs=args.student_epochs,
        train_subset=args.train_subset if not args.quick else 320,
        teacher_data=('320 training images (quick)'
                      if args.quick else 'the 60k training images'),
        teacher_top1=teacher_top1)
    os.makedirs(args.out_dir, exist_ok=True)
    with open(osp.join(args.out_dir, 'benchmark.json'), 'w') as f:
        json.dump(dict(protocol=protocol, runs=runs, summary=summary,
                       targets=checks), f, indent=2)
    with open(osp.join(args.out_dir, 'benchmark.md'), 'w') as f:
        f.write(markdown(protocol, runs, summary, checks))
    plot(summary, osp.join(args.out_dir, 'benchmark.png'))
    print('\n' + markdown(protocol, runs, summary, checks))


if __name__ == '__main__':
    main()
