"""Fill ``Results`` of the configs' ``metafile.yml`` from the final table."""
import glob
import os.path as osp
from typing import Dict

import yaml

from .plan import Protocol
from .task import Metafile


def results_entry(final_row: dict, spec: Metafile) -> list:
    """OpenMMLab's ``Results`` list for one finished final-table row: each
    metric of ``spec`` (mean and std over the seeds), then the seeds."""
    summary = final_row['summary']
    metrics = {}
    for name, field_name in spec.metrics.items():
        metrics[name] = round(summary[field_name]['mean'], 2)
        metrics[f'{name} std'] = round(summary[field_name]['std'], 2)
    return [
        dict(
            Task=spec.task,
            Dataset=spec.dataset,
            Metrics=dict(metrics, Seeds=summary['seeds']))
    ]


def update_metafiles(root: str, protocol: Protocol,
                     final: Dict[str, dict]) -> None:
    """Set ``Results`` of the metafile models of final-table rows.

    A row's ``Results`` holds its test scores once all its final seeds have
    finished, ``null`` before; models of other configs (another protocol's
    rows among them) are left alone. Nothing changes where the protocol's
    report declares no metafile.

    Args:
        root (str): Repository root.
        protocol (Protocol): Rows and their configs; its report's
            :class:`bench.task.Metafile`.
        final (dict): :meth:`bench.report.Report.final`.
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
            new = (results_entry(final[name], spec) if name in final
                   and final[name]['complete'] else None)
            if model.get('Results') != new:
                model['Results'] = new
                changed = True
        if changed:
            with open(path, 'w') as f:
                yaml.safe_dump(meta, f, sort_keys=False, allow_unicode=True)
