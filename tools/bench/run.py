"""Train one benchmark run with ``tools/train.py`` and measure it."""
import glob
import json
import os
import os.path as osp
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Dict, List, Tuple

import torch

from .machine import fingerprint, isa_env
from .plan import Protocol, Run
from .records import load_config
# transforms that make a training view a function of (sample index, flip):
# the condition for caching the frozen teacher's outputs per view
VIEW_TRANSFORMS = {'RandomFlip', 'PackInputs'}
# MMEngine's per-iteration log keys that are bookkeeping, not curves
NOT_CURVES = {'data_time', 'time', 'epoch', 'iter', 'step', 'memory'}


@dataclass
class Context:
    """Where and how runs train.

    Args:
        root (str): Repository root (runs start there).
        work_dir (str): Parent of the runs' work directories.
        weights (dict): Checkpoint-path config keys -> files, set on every
            run whose config has the key (teacher, MGKD analyser).
        device (str): ``'cpu'`` or ``'cuda'``.
        quick (bool): Smoke-test sizes.
        threads (int): Torch threads per run (0: torch's default).
        teacher_cache (bool): Run a distiller's frozen teacher once per
            training view where the config allows it
            (:func:`teacher_cache_options`).
        isa (str): CPU kernel cap of the runs (:mod:`bench.machine`).
    """
    root: str
    work_dir: str
    weights: Dict[str, str] = field(default_factory=dict)
    device: str = 'cpu'
    quick: bool = False
    threads: int = 0
    teacher_cache: bool = True
    isa: str = 'avx2'


def format_value(value: Any) -> str:
    """A value as MMEngine's ``--cfg-options`` parses it back."""
    if isinstance(value, (list, tuple)):
        inner = ','.join(format_value(v) for v in value)
        return f'[{inner}]' if isinstance(value, list) else f'({inner})'
    return str(value)


def has_key(cfg: dict, dotted: str) -> bool:
    """Whether a dotted key (list indices as numbers) exists in ``cfg``."""
    node: Any = cfg
    for key in dotted.split('.'):
        if isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        elif isinstance(node, dict) and key in node:
            node = node[key]
        else:
            return False
    return True


def all_options(protocol: Protocol, run: Run, quick: bool) -> Dict[str, Any]:
    """The protocol's options for the run's split and seed
    (:meth:`bench.task.SplitOptions.resolve`), then the run's own (its tuned
    values win)."""
    return {
        **protocol.options.resolve(run.split, run.seed, quick),
        **dict(run.options)
    }


def max_epochs(config: str, options: Dict[str, Any]) -> int:
    """The epochs a training of ``config`` with ``options`` runs (its last
    checkpoint is ``epoch_<n>.pth``)."""
    if 'train_cfg.max_epochs' in options:
        return options['train_cfg.max_epochs']
    return load_config(config).train_cfg.max_epochs


@lru_cache(maxsize=None)
def present_keys(path: str, keys: Tuple[str, ...]) -> Tuple[str, ...]:
    """Those of the dotted ``keys`` that the config at ``path`` has."""
    cfg = load_config(path).to_dict()
    return tuple(k for k in keys if has_key(cfg, k))


def weight_options(context: Context, config: str) -> Dict[str, str]:
    """The checkpoint keys of ``config`` that the context fills in."""
    keys = present_keys(
        osp.join(context.root, config), tuple(sorted(context.weights)))
    return {k: context.weights[k] for k in keys}


@lru_cache(maxsize=None)
def can_cache_teacher(path: str) -> bool:
    """Whether the config at ``path`` distils with a
    ``StrictTeacherDistill`` whose training views are determined by sample
    index and flip, so its teacher's outputs can be cached per view."""
    cfg = load_config(path)
    pipeline = cfg.train_dataloader.dataset.get('pipeline', [])
    return (cfg.model.get('type') == 'StrictTeacherDistill'
            and {t['type'] for t in pipeline} <= VIEW_TRANSFORMS)


def teacher_cache_options(context: Context, config: str) -> Dict[str, bool]:
    """``model.cache_teacher_outputs=True`` where allowed and asked for.

    The cache changes how the teacher's outputs are obtained, not what is
    trained (StrictTeacherDistill gives the same records either way), so it
    is not part of a run's config hash; each record says whether it was on.
    """
    if context.teacher_cache and can_cache_teacher(
            osp.join(context.root, config)):
        return {'model.cache_teacher_outputs': True}
    return {}


def train_command(context: Context, run: Run, options: Dict[str, Any],
                  work_dir: str) -> List[str]:
    opts = {
        **options,
        **weight_options(context, run.config),
        **teacher_cache_options(context, run.config)
    }
    return [
        sys.executable, 'tools/train.py', run.config, '--work-dir', work_dir,
        '--cfg-options', *(f'{k}={format_value(v)}' for k, v in opts.items())
    ]


def latest_scalars(work_dir: str) -> List[dict]:
    """MMEngine's per-iteration log of the newest run in ``work_dir``."""
    runs = sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
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
        student_params=count('architecture.') if distill else count(''),
        training_only_params=count('distiller.') if distill else 0)


def epoch_curves(scalars: List[dict]) -> Dict[str, List[float]]:
    """Per epoch, the mean of every training scalar MMEngine logged.

    Args:
        scalars (list[dict]): MMEngine's ``scalars.json`` entries (each a
            mean over one logging interval).

    Returns:
        dict: Key (``loss``, ``student.loss``, ``distill.*``, ``stats.*``,
        ``lr``) -> one value per epoch that logged it, 4 significant digits.
    """
    by_epoch: Dict[str, Dict[int, List[float]]] = {}
    for entry in scalars:
        if 'epoch' not in entry:
            continue  # validation
        for key, value in entry.items():
            if key not in NOT_CURVES:
                by_epoch.setdefault(key, {}).setdefault(entry['epoch'],
                                                        []).append(value)
    return {
        key: [
            float(f'{statistics.mean(values[e]):.4g}') for e in sorted(values)
        ]
        for key, values in sorted(by_epoch.items())
    }


def diverged_reason(log_path: str) -> str:
    """The ``NonFiniteLossHook`` message of a failed run, or ''."""
    with open(log_path) as log:
        errors = [
            line.strip() for line in log
            if line.startswith('FloatingPointError: Non-finite')
        ]
    return errors[-1].split(': ', 1)[1].split('. ')[0] if errors else ''


def run_env(context: Context) -> Dict[str, str]:
    """The environment of a run: no visible GPU on ``cpu``."""
    env = dict(os.environ, PYTHONUNBUFFERED='1', **isa_env(context.isa))
    if context.device == 'cpu':
        env['CUDA_VISIBLE_DEVICES'] = ''
    if context.threads:
        env['OMP_NUM_THREADS'] = str(context.threads)
    return env


def peak_memory_mb(device: str, train_log: List[dict],
                   max_rss_kib: int) -> float:
    """CUDA peak from MMEngine's log on ``cuda``, peak RSS on ``cpu``."""
    if device == 'cuda':
        return max(s.get('memory', 0) for s in train_log)
    return max_rss_kib / 1024  # ru_maxrss is in KiB on Linux


def execute(context: Context, protocol: Protocol, run: Run) -> dict:
    """Train ``run`` and return its measurements.

    A run stopped by a non-finite loss is a result (``diverged`` holds the
    loss message, the metric's fields are None); any other failure raises.
    """
    metric = protocol.metric
    options = all_options(protocol, run, context.quick)
    work_dir = osp.join(context.work_dir, run.slug)
    cmd = train_command(context, run, options, work_dir)
    print(f'\n[{run.slug}] $ {shlex.join(cmd)}', flush=True)
    os.makedirs(work_dir, exist_ok=True)
    log_path = osp.join(work_dir, 'train.log')
    env = run_env(context)
    start = time.time()
    with open(log_path, 'w') as log:
        proc = subprocess.Popen(
            cmd, cwd=context.root, env=env, stdout=log,
            stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
    measured = dict(
        wall_s=round(time.time() - start, 1),
        torch=torch.__version__,
        device=context.device,
        machine=fingerprint(context.device, env, context.isa),
        teacher_cache=bool(teacher_cache_options(context, run.config)))
    if os.waitstatus_to_exitcode(status) != 0:
        reason = diverged_reason(log_path)
        if not reason:
            raise RuntimeError(f'{run.slug} failed; see {log_path}')
        print(f'[{run.slug}] diverged: {reason}', flush=True)
        try:
            curves = epoch_curves(latest_scalars(work_dir))
        except FileNotFoundError:
            curves = {}
        return dict(
            measured, **metric.none(), diverged=reason, curves=curves)
    scalars = latest_scalars(work_dir)
    train_log = [s for s in scalars if 'loss' in s]
    val_log = [s for s in scalars if metric.log_key in s]
    iter_times = [s['time'] for s in train_log[1:]] or [train_log[0]['time']]
    peak_mb = peak_memory_mb(context.device, train_log, usage.ru_maxrss)
    epochs = max_epochs(osp.join(context.root, run.config), options)
    return dict(
        measured,
        **metric.read(val_log[-1]),
        diverged=None,
        curves=epoch_curves(scalars),
        sec_per_iter=round(statistics.median(iter_times), 4),
        peak_memory_mb=round(peak_mb, 1),
        **param_counts(osp.join(work_dir, f'epoch_{epochs}.pth')))
