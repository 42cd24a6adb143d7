"""What the per-epoch curves of the records say about collapsed runs.

Every record keeps, per epoch, the mean of each loss term MMEngine logged
(``curves``, :func:`bench.run.epoch_curves`). For a group of runs of one
setting (one row, one variant, several seeds) the collapsed ones
(:func:`bench.stats.is_collapsed`) are set against the median of the group's
other runs, epoch by epoch: where a collapsed run parts from the others, and
in which term, is what explains it.
"""
import statistics
from typing import Dict, List, Optional, Sequence

from .stats import Reference, is_collapsed
from .task import Metric

# the terms shown: the student's own loss, each distiller's term (those a
# run logged) and the student's distribution head's log-variance
KEYS = ('student.loss', 'distill.loss_kl', 'distill.loss_dkd',
        'distill.loss_unikd', 'stats.unikd.s_log_var')


def split_collapsed(records: Sequence[dict], reference: Reference,
                    metric: Metric) -> tuple:
    """(collapsed runs, the others) of a group; diverged runs and runs
    without a reference are in neither."""
    collapsed, others = [], []
    for record in records:
        flag = is_collapsed(record, reference, metric)
        if flag is None or record.get('diverged'):
            continue
        (collapsed if flag else others).append(record)
    return collapsed, others


def median_curve(records: Sequence[dict], key: str) -> Optional[List[float]]:
    """Per epoch, the median of ``key`` over the records that logged it
    for every epoch (None if none did)."""
    curves = [r['curves'][key] for r in records if key in r.get('curves', {})]
    if not curves or len({len(c) for c in curves}) != 1:
        return None
    return [statistics.median(values) for values in zip(*curves)]


def departure(curve: Sequence[float],
              median: Sequence[float]) -> Optional[int]:
    """The first epoch (1-based) where ``curve`` is more than 10 % above
    ``median`` (a loss that parts from the others), or None."""
    for epoch, (value, typical) in enumerate(zip(curve, median), start=1):
        if value > typical + 0.1 * abs(typical):
            return epoch
    return None


def fmt_curve(values: Sequence[float]) -> str:
    return ' '.join(f'{v:.3g}' for v in values)


def collapse_curve_lines(groups: Dict[str, Sequence[dict]],
                         reference: Reference,
                         metric: Metric,
                         keys: Sequence[str] = KEYS) -> List[str]:
    """A Markdown table: every collapsed run's curves against its group's.

    Args:
        groups (dict): Label (e.g. ``'UniKD + KD, default'``) -> the runs
            of one setting of one row.
        reference (dict): The student alone's score by (split, seed).
        metric (Metric): The protocol's score.
        keys (Sequence[str]): The curves shown (those a run logged).

    Returns:
        list[str]: One row per collapsed run and term: the run's per-epoch
        means, the median of the group's runs that did not collapse, and
        the first epoch where the run's value is more than 10 % above that
        median. Empty where no run collapsed.
    """
    lines = []
    for label, records in groups.items():
        collapsed, others = split_collapsed(records, reference, metric)
        for run in sorted(collapsed, key=lambda r: r['seed']):
            for key in keys:
                curve = run.get('curves', {}).get(key)
                median = median_curve(others, key)
                if curve is None or median is None:
                    continue
                first = departure(curve, median)
                lines.append(
                    f'| {label} | {run["seed"]} | '
                    f'{metric.score(run):.2f} | `{key}` | {fmt_curve(curve)} '
                    f'| {fmt_curve(median)} | {first or "-"} |')
    if not lines:
        return []
    return [
        '| setting | seed | score | term | per epoch | median of the '
        "setting's other runs | parts at epoch |",
        '|---|---|---|---|---|---|---|',
        *lines
    ]


def plot_collapse_curves(groups: Dict[str, Sequence[dict]],
                         reference: Reference, metric: Metric, path: str,
                         key: str = 'student.loss') -> bool:
    """One panel per group: ``key`` per epoch of each run, collapsed runs
    in red, the others in grey. False (nothing written) if no group has a
    run with that curve."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    shown = {
        label: split_collapsed(records, reference, metric)
        for label, records in groups.items()
        if any(key in r.get('curves', {}) for r in records)
    }
    if not shown:
        return False
    cols = min(4, len(shown))
    rows = -(-len(shown) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(3.6 * cols, 3 * rows), squeeze=False)
    for ax in axes.flat[len(shown):]:
        ax.axis('off')
    for ax, (label, (collapsed, others)) in zip(axes.flat, shown.items()):
        for records, color in ((others, '0.6'), (collapsed, 'tab:red')):
            for run in records:
                curve = run.get('curves', {}).get(key)
                if curve:
                    ax.plot(
                        range(1, len(curve) + 1), curve, color=color, lw=1)
        ax.set_title(f'{label}\n{len(collapsed)} of '
                     f'{len(collapsed) + len(others)} collapsed (red)',
                     fontsize=8)
        ax.set_xlabel('epoch')
        ax.set_ylabel(f'{key} (epoch mean)', fontsize=8)
        ax.set_yscale('log')
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True
