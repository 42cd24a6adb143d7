"""MGKD stage 2 for the benchmark: train the analyser, report its branches.

1. **Train** ``MGKDAnalyserTraining`` with a stage-2 config and its runner
   (the one ``tools/train.py`` builds), in this process. The Fashion-MNIST
   config (``configs/mgkd/mgkd_analyser_resnet18-w16_1xb128_fashion-mnist.py``)
   caches the frozen teacher's outputs, decays the learning rate and stops
   when the held-out (val) agreement with the teacher stops improving, and
   keeps the best checkpoint.
2. **Evaluate** that checkpoint on the val (held-out) and test data and write
   into ``--work-dir``:

   - ``analyser.pth``: the analyser's weights alone, for stage 3
     (``model.distiller.connectors.mgkd_analyser.checkpoint``);
   - ``branch_accuracy.json``: ``analyser_ckpt``, ``config``,
     ``teacher_ckpt``, ``best_epoch``, ``epochs``, and for ``heldout`` and
     ``test``: ``images``, ``teacher_top1``, ``teacher_majority`` (share of
     the teacher's most frequent class: the agreement of a constant
     branch), ``agreement`` (mean over branches) and ``branches``, one
     ``dict(code_dim, tau, top1, agreement)`` per branch (percent).

Example::

    python tools/analysis_tools/mgkd_analyser.py \\
        configs/mgkd/mgkd_analyser_resnet18-w16_1xb128_fashion-mnist.py \\
        --work-dir work_dirs/mgkd_analyser \\
        --cfg-options model.teacher_ckpt=checkpoints/teacher.pth
"""
import argparse
import glob
import json
import os.path as osp
import re
from typing import Dict, List, Optional, Sequence

import torch
from mmengine.config import Config, ConfigDict, DictAction
from mmengine.registry import DefaultScope
from mmengine.runner import CheckpointLoader, Runner, load_checkpoint

from mmrazor_unified import register_all_modules
from mmrazor_unified.evaluation.mgkd_branch_accuracy import (
    MGKDBranchAccuracy, branch_records)

REPORT = 'branch_accuracy.json'


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='MGKD stage 2: train the analyser, then report every '
        'branch\'s top-1 and agreement with the teacher')
    parser.add_argument('config', help='stage-2 (analyser) config')
    parser.add_argument(
        '--work-dir',
        required=True,
        help=f'logs, checkpoints, analyser.pth and {REPORT}')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings in the config, key=value')
    return parser.parse_args(argv)


def evaluate(model: torch.nn.Module, dataloader: ConfigDict,
             branches: List[Dict]) -> Dict:
    """One split's part of the report: ``MGKDBranchAccuracy`` of ``model``
    on the data of a dataloader config."""
    loader = Runner.build_dataloader(dataloader.to_dict())
    metric = MGKDBranchAccuracy()
    model.eval()
    with torch.no_grad():
        for batch in loader:
            outputs = model.val_step(batch)
            metric.process(batch, [sample.to_dict() for sample in outputs])
    metrics = metric.evaluate(len(loader.dataset))
    return dict(
        images=len(loader.dataset),
        teacher_top1=metrics.get('teacher/top1'),
        teacher_majority=metrics['teacher/majority'],
        agreement=metrics['agreement'],
        branches=branch_records(metrics, branches))


def best_checkpoint(work_dir: str) -> str:
    """The checkpoint ``CheckpointHook(save_best=...)`` kept."""
    found = glob.glob(osp.join(work_dir, 'best_*.pth'))
    if len(found) != 1:
        raise FileNotFoundError(
            f'Expected one best_*.pth in {work_dir}, found {found}: the '
            'config\'s CheckpointHook must keep the best checkpoint '
            '(save_best=...).')
    return found[0]


def save_analyser(src: str, dst: str) -> None:
    """Write the ``analyser.*`` weights of checkpoint ``src`` to ``dst``."""
    ckpt = CheckpointLoader.load_checkpoint(src, map_location='cpu')
    state = {
        k: v
        for k, v in ckpt['state_dict'].items() if k.startswith('analyser.')
    }
    meta = dict(epoch=ckpt.get('meta', {}).get('epoch'), exported_from=src)
    torch.save(dict(state_dict=state, meta=meta), dst)


def run(config: str,
        work_dir: str,
        cfg_options: Optional[Dict] = None) -> Dict:
    """Train and evaluate (see the module docstring).

    Args:
        config (str): A stage-2 config (``MGKDAnalyserTraining``) whose
            checkpoint hook keeps the best checkpoint.
        work_dir (str): Output directory.
        cfg_options (dict, optional): ``--cfg-options``, parsed.

    Returns:
        dict: The report written to ``<work_dir>/branch_accuracy.json``.
    """
    register_all_modules(init_default_scope=False)
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if not cfg.default_hooks.get('checkpoint', {}).get('save_best'):
        raise ValueError(
            f'{config}: `default_hooks.checkpoint.save_best` is not set; '
            'this tool reports the best checkpoint on the val (held-out) '
            'data, e.g. save_best=\'agreement\', rule=\'greater\'.')
    cfg.work_dir = work_dir
    # the runner makes its scope the process's default: restore it after
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope')):
        runner = Runner.from_cfg(cfg)
        runner.train()
        best = best_checkpoint(work_dir)
        load_checkpoint(runner.model, best, map_location='cpu')
        branches = runner.model.analyser.branches
        report = dict(
            analyser_ckpt=osp.join(work_dir, 'analyser.pth'),
            config=config,
            teacher_ckpt=cfg.model.teacher_ckpt,
            best_epoch=int(re.search(r'epoch_(\d+)', best).group(1)),
            epochs=runner.epoch)
        for split, loader in (('heldout', cfg.val_dataloader),
                              ('test', cfg.test_dataloader)):
            report[split] = evaluate(runner.model, loader, branches)
    save_analyser(best, report['analyser_ckpt'])
    with open(osp.join(work_dir, REPORT), 'w') as f:
        json.dump(report, f, indent=2)
    return report


def main() -> None:
    args = parse_args()
    report = run(args.config, args.work_dir, args.cfg_options)
    for key in ('heldout', 'test'):
        part = report[key]
        print(f'{key}: teacher top-1 {part["teacher_top1"]:.2f}, majority '
              f'class {part["teacher_majority"]:.2f}; ' +
              ', '.join(f'(d={b["code_dim"]}, tau={b["tau"]:g}) top-1 '
                        f'{b["top1"]:.2f} agreement {b["agreement"]:.2f}'
                        for b in part['branches']))
    print(f'Analyser for stage 3: {report["analyser_ckpt"]}\n'
          f'Report: {osp.join(args.work_dir, REPORT)}')


if __name__ == '__main__':
    main()
