"""Shared by the tests that run shipped configs the way users do.

* :func:`shipped_configs` finds the configs (so tests follow added, renamed
  and removed configs instead of pinning a list);
* :func:`package_child` writes a user's config in another folder that
  inherits one by ``mmrazor_unified::`` path;
* :func:`tiny_data_options` and :func:`checkpoint_options` are the
  ``--cfg-options`` that make a run tiny and give it the checkpoints it
  reads (teacher, MGKD analyser);
* :func:`run_batch` runs many tool command lines in one process
  (``batch_tools.py``).
"""
import glob
import json
import os
import os.path as osp
import subprocess
import sys
from typing import Dict, List, Optional

import torch
from helpers import ROOT
from mmengine.config import Config

CONFIGS = osp.join(ROOT, 'configs')
# a tiny real subset: one batch to train on, one to evaluate
TINY_IMAGES = TINY_BATCH = 32
# detection (MMDetection's CocoMetric; ResNet-101/50 detectors on CPU): two
# batches of two canvases
TINY_DET_IMAGES, TINY_DET_BATCH = 4, 2
LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
EVALUATORS = ('val_evaluator', 'test_evaluator')


def shipped_configs(pattern: str = '*.py') -> List[str]:
    """Shipped configs (not ``_base_``) matching ``pattern``, relative to
    ``configs/``, sorted."""
    paths = glob.glob(osp.join(CONFIGS, '**', pattern), recursive=True)
    return sorted(
        osp.relpath(p, CONFIGS) for p in paths
        if '_base_' not in osp.relpath(p, CONFIGS).split(osp.sep))


def child_name(config: str) -> str:
    """A file-system friendly name for a config path relative to configs/."""
    return osp.splitext(config)[0].replace(osp.sep, '__')


def package_child(config: str, folder: str, lines: str = '') -> str:
    """Write ``folder/my_<name>.py`` inheriting ``config`` by package path.

    Args:
        config (str): Path relative to ``configs/``.
        folder (str): Where to write the child (created if needed).
        lines (str): Config lines to add after ``_base_``.

    Returns:
        str: The child config's path.
    """
    os.makedirs(folder, exist_ok=True)
    path = osp.join(folder, f'my_{child_name(config)}.py')
    with open(path, 'w') as f:
        f.write(f"_base_ = ['mmrazor_unified::{config}']\n{lines}")
    return path


def is_detection(cfg: Config) -> bool:
    """Whether a config evaluates with MMDetection's ``CocoMetric``."""
    evaluators = [cfg.get(name) for name in EVALUATORS]
    return any(
        isinstance(e, dict)
        and str(e.get('type', '')).split('.')[-1] == 'CocoMetric'
        for e in evaluators)


def tiny_data_options(cfg: Config) -> List[str]:
    """``--cfg-options`` for a tiny real subset of each dataloader's data.

    Each dataset keeps its own split: a contiguous ``index_range`` is cut to
    its first images, anything else takes ``indices``; relative data roots
    (and the annotation files of detection metrics) are made absolute (runs
    start in other folders). Detection configs get fewer, smaller batches.
    """
    images, batch = TINY_IMAGES, TINY_BATCH
    if is_detection(cfg):
        images, batch = TINY_DET_IMAGES, TINY_DET_BATCH
    options = []
    for loader in LOADERS:
        if not cfg.get(loader):
            continue
        options += [
            f'{loader}.batch_size={batch}', f'{loader}.num_workers=0',
            f'{loader}.persistent_workers=False'
        ]
        dataset = cfg[loader].dataset
        if dataset.get('index_range') is not None:
            start = dataset.index_range[0]
            options.append(f'{loader}.dataset.index_range='
                           f'({start},{start + images})')
        else:
            options.append(f'{loader}.dataset.indices={images}')
        root = dataset.get('data_root')
        if isinstance(root, str) and root and not osp.isabs(root):
            options.append(
                f'{loader}.dataset.data_root={osp.join(ROOT, root)}')
    for name in EVALUATORS:
        evaluator = cfg.get(name)
        ann_file = evaluator.get('ann_file') if isinstance(evaluator,
                                                           dict) else None
        if isinstance(ann_file, str) and not osp.isabs(ann_file):
            options.append(f'{name}.ann_file={osp.join(ROOT, ann_file)}')
    return options


def analyser_connectors(cfg: Config) -> Dict[str, dict]:
    """The distiller's ``MGKDAnalyserConnector`` configs, by connector name."""
    connectors = cfg.model.get('distiller', {}).get('connectors', {})
    return {
        name: conn
        for name, conn in connectors.items() if isinstance(conn, dict)
        and conn.get('type', '').split('.')[-1] == 'MGKDAnalyserConnector'
    }


def save_analyser(conn: dict, path: str) -> None:
    """A randomly initialised MGKD analyser checkpoint that ``conn`` loads."""
    from mmrazor_unified.models.heads.mgkd_analyser import MGKDAnalyser
    analyser = MGKDAnalyser(conn['in_channels'], conn['num_classes'],
                            conn['branches'])
    prefix = conn.get('prefix', 'analyser.')
    torch.save(
        {
            'state_dict': {
                prefix + k: v
                for k, v in analyser.state_dict().items()
            }
        }, path)


def save_random_teacher(cfg: Config, path: str) -> None:
    """Randomly initialised weights of the teacher a config loads.

    The teacher is ``model.teacher``, or ``model.architecture`` for
    algorithms whose architecture is the teacher (the MGKD analyser).
    """
    from mmrazor.registry import MODELS
    teacher = MODELS.build(cfg.model.get('teacher', cfg.model.architecture))
    torch.save({'state_dict': teacher.state_dict()}, path)


def checkpoint_overrides(cfg: Config, folder: str,
                         teacher_ckpt: Optional[str]) -> Dict[str, str]:
    """Config overrides naming the checkpoints a config reads.

    ``model.teacher_ckpt`` becomes ``teacher_ckpt`` (None: random weights of
    the config's teacher, saved in ``folder``); every MGKD analyser
    connector gets a randomly initialised analyser of its own shape, saved
    in ``folder`` (stage 3 only needs weights of the right shape).
    """
    overrides = {}
    if 'teacher_ckpt' in cfg.model:
        if teacher_ckpt is None:
            teacher_ckpt = osp.join(folder, 'random_teacher.pth')
            save_random_teacher(cfg, teacher_ckpt)
        overrides['model.teacher_ckpt'] = teacher_ckpt
    for name, conn in analyser_connectors(cfg).items():
        path = osp.join(folder, f'analyser_{name}.pth')
        save_analyser(conn, path)
        overrides[f'model.distiller.connectors.{name}.checkpoint'] = path
    return overrides


def as_options(overrides: Dict[str, str]) -> List[str]:
    """``--cfg-options`` items of a dict of overrides."""
    return [f'{key}={value}' for key, value in overrides.items()]


def run_batch(jobs: List[dict],
              folder: str,
              processes: int = 2) -> Dict[str, dict]:
    """Run ``jobs`` (see ``batch_tools.py``) in ``processes`` new processes.

    Jobs of one ``group`` (default: the job's name) run in order in one
    process; groups are spread over the processes, which run side by side
    with one torch thread each (most of a tool run is single-threaded
    Python: config parsing and dumps, dataset loading).

    Returns:
        dict: Job name -> result. Each process's output is in
        ``folder/batch<i>.log``.
    """
    groups: Dict[str, List[dict]] = {}
    for item in jobs:
        groups.setdefault(item.pop('group', item['name']), []).append(item)
    shares = [[] for _ in range(min(processes, len(groups)))]
    for i, group in enumerate(groups.values()):
        shares[i % len(shares)] += group
    env = dict(os.environ, OMP_NUM_THREADS='1') if len(shares) > 1 else None
    procs = []
    for i, share in enumerate(shares):
        jobs_file = osp.join(folder, f'jobs{i}.json')
        with open(jobs_file, 'w') as f:
            json.dump(share, f, indent=1)
        log = open(osp.join(folder, f'batch{i}.log'), 'w')
        procs.append((subprocess.Popen([
            sys.executable,
            osp.join(ROOT, 'tests', 'batch_tools.py'), jobs_file,
            osp.join(folder, f'results{i}.json')
        ],
                                       cwd=folder,
                                       env=env,
                                       stdout=log,
                                       stderr=subprocess.STDOUT), log))
    results = {}
    for i, (proc, log) in enumerate(procs):
        proc.wait()
        log.close()
        path = osp.join(folder, f'results{i}.json')
        if osp.isfile(path):
            with open(path) as f:
                results.update(json.load(f))
    return results


def job(name: str,
        script: str,
        argv: List[str],
        cwd: str,
        group: Optional[str] = None) -> dict:
    """One ``batch_tools.py`` job; jobs of one ``group`` run in order in one
    process."""
    return dict(
        name=name,
        script=script,
        argv=list(argv),
        cwd=cwd,
        group=group or name)
