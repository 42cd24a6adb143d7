"""Evaluate a checkpoint with an OpenMMLab config (MMRazor/MMPretrain style).

Works for distillation configs (evaluates the student, and the teacher where
the config's val/test loop reports it) and for plain MMPretrain and
MMDetection configs, e.g. a student exported by
``tools/model_converters/export_student.py``. ``--out`` writes the metrics as
JSON; a ``.pkl`` path dumps the predictions instead, in the format of
MMDetection's ``tools/test.py --out`` (configs in the ``mmdet`` scope) or
MMEngine's ``DumpResults`` (others).
"""
import argparse
import json
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from mmrazor_unified import register_all_modules
from mmrazor_unified.utils.dist import init_cpu_distributed


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test (evaluate) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the dir to save logs and metrics')
    parser.add_argument(
        '--out',
        help='write the metrics to this JSON file as well; a .pkl/.pickle '
        'path dumps the predictions instead (MMDetection\'s format for '
        'detection configs)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings in the config, key=value pairs')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def dump_metric(cfg: Config, path: str):
    """The metric that dumps the predictions to ``path``: MMDetection's
    ``DumpDetResults`` for configs in the ``mmdet`` scope (what its
    ``tools/test.py --out`` writes), MMEngine's ``DumpResults`` otherwise."""
    if cfg.get('default_scope') == 'mmdet':
        from mmdet.evaluation import DumpDetResults
        return DumpDetResults(out_file_path=path)
    from mmengine.evaluator import DumpResults
    return DumpResults(out_file_path=path)


def main() -> None:
    args = parse_args()
    register_all_modules(init_default_scope=False)
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    init_cpu_distributed(cfg)

    if 'runner_type' in cfg:
        runner = RUNNERS.build(cfg)
    else:
        runner = Runner.from_cfg(cfg)
    dump = args.out is not None and args.out.endswith(('.pkl', '.pickle'))
    if dump:
        runner.test_evaluator.metrics.append(dump_metric(cfg, args.out))
    metrics = runner.test()
    if args.out and not dump and runner.rank == 0:
        with open(args.out, 'w') as f:
            json.dump(metrics, f, indent=2)


if __name__ == '__main__':
    main()
