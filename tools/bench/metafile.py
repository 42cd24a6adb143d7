"""Fill ``Results`` of the configs' ``metafile.yml`` from the final table."""
import glob
import os.path as osp
from typing import Dict

import yaml

from .plan import Protocol


def results_entry(final_row: dict) -> list:
    """OpenMMLab's ``Results`` list for one finished final-table row."""
    top1 = final_row['summary']['top1']
    return [
        dict(
            Task='Image Classification',
            Dataset='Fashion-MNIST',
            Metrics={
                'Top 1 Accuracy': round(top1['mean'], 2),
                'Top 1 Accuracy std': round(top1['std'], 2),
                'Seeds': final_row['summary']['seeds'],
            })
    ]


def update_metafiles(root: str, protocol: Protocol,
                     final: Dict[str, dict]) -> None:
    """Set ``Results`` of the metafile models of final-table rows.

    A row's ``Results`` holds its test top-1 once all its final seeds have
    finished, ``null`` before; models of other configs are left alone.

    Args:
        root (str): Repository root.
        protocol (Protocol): Rows and their configs.
        final (dict): :meth:`bench.report.Report.final`.
    """
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
            new = (results_entry(final[name]) if name in final
                   and final[name]['complete'] else None)
            if model.get('Results') != new:
                model['Results'] = new
                changed = True
        if changed:
            with open(path, 'w') as f:
                yaml.safe_dump(meta, f, sort_keys=False, allow_unicode=True)
