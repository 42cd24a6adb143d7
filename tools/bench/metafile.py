"""Fill ``Results`` of the configs' ``metafile.yml`` from the final table."""
import glob
import os.path as osp
from typing import Dict, List, Sequence

import yaml

from .plan import Protocol
from .task import Metafile


def verdict_text(diff: dict) -> str:
    """One paired difference as a metafile value, e.g. ``'+0.10 [-0.52,
    +0.72], not separated; after Holm: not separated'``."""
    return (f'{diff["mean"]:+.2f} [{diff["low"]:+.2f}, {diff["high"]:+.2f}]'
            f', {diff["verdict"]}; after Holm: '
            f'{diff.get("holm", diff["verdict"])}')


def results_entry(final_row: dict,
                  spec: Metafile,
                  score: str,
                  diffs: Sequence[dict] = ()) -> list:
    """OpenMMLab's ``Results`` list for one finished final-table row.

    Args:
        final_row (dict): The row of :meth:`bench.report.Report.final`.
        spec (Metafile): The metrics to write.
        score (str): The record field the paired differences compare.
        diffs (Sequence[dict]): The row's paired differences (the row
            first, :meth:`bench.report.Report.differences`).

    Returns:
        list: One result: each metric of ``spec`` (mean and std over the
        seeds), the seeds, then ``'<score metric> vs <row>'`` per paired
        difference (:func:`verdict_text`).
    """
    summary = final_row['summary']
    metrics = {}
    for name, field_name in spec.metrics.items():
        metrics[name] = round(summary[field_name]['mean'], 2)
        metrics[f'{name} std'] = round(summary[field_name]['std'], 2)
    metrics['Seeds'] = summary['seeds']
    names = [n for n, f in spec.metrics.items() if f == score] or [score]
    for diff in diffs:
        metrics[f'{names[0]} vs {diff["b"]}'] = verdict_text(diff)
    return [dict(Task=spec.task, Dataset=spec.dataset, Metrics=metrics)]


def update_metafiles(root: str, protocol: Protocol, final: Dict[str, dict],
                     differences: List[dict]) -> None:
    """Set ``Results`` of the metafile models of final-table rows.

    A row's ``Results`` holds its test scores and its paired verdicts once
    all its final seeds have finished, ``null`` before; models of other
    configs (another protocol's rows among them) are left alone. Nothing
    changes where the protocol's report declares no metafile.

    Args:
        root (str): Repository root.
        protocol (Protocol): Rows and their configs; its report's
            :class:`bench.task.Metafile`.
        final (dict): :meth:`bench.report.Report.final`.
        differences (list): :meth:`bench.report.Report.differences` of
            ``final``.
    """
    spec = protocol.output.results
    if spec is None:
        return
    rows = {row['config']: name for name, row in protocol.rows.items()}
    for path in sorted(glob.glob(osp.join(root, 'configs', '*',
                                          'metafile.yml'))):
        with open(path) as f:
            meta = yaml.safe_load(f)
        changed = False
        for model in meta.get('Models', []):
            name = rows.get(model['Config'])
            if name is None:
                continue
            new = None
            if name in final and final[name]['complete']:
                new = results_entry(final[name], spec, protocol.metric.field,
                                    [d for d in differences if d['a'] == name])
            if model.get('Results') != new:
                model['Results'] = new
                changed = True
        if changed:
            with open(path, 'w') as f:
                yaml.safe_dump(meta, f, sort_keys=False, allow_unicode=True)
