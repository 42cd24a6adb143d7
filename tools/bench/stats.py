"""Statistics of the benchmark: per-row summaries and paired differences.

Every function reads a record's score through the protocol's
:class:`bench.task.Metric` (a diverged run counts at its chance).
"""
import statistics
from typing import Dict, List, Optional, Sequence, Tuple

from scipy import stats as scipy_stats

from .task import Metric

# A finished run less than this many points (of the protocol's score) above
# the student alone at the same seed and split has collapsed: it ends where
# no distillation would.
COLLAPSE_MARGIN = 1.0
# power at which the smallest detectable difference is given
POWER = 0.80
Reference = Dict[Tuple[str, int], float]


def student_reference(records: Sequence[dict], metric: Metric) -> Reference:
    """(split, seed) -> the student alone's score, from its records.

    Args:
        records (Sequence[dict]): Finished runs of the student alone (any
            stage); a diverged one gives no reference.
        metric (Metric): The protocol's score.
    """
    return {(r.get('split'), r['seed']): metric.score(r)
            for r in records if not r.get('diverged')}


def is_collapsed(record: dict, reference: Reference,
                 metric: Metric) -> Optional[bool]:
    """Whether a finished run collapsed (:data:`COLLAPSE_MARGIN`).

    Returns:
        bool | None: False for a diverged run (counted as diverged), None
        where the student alone has no run at the record's seed and split.
    """
    if record.get('diverged'):
        return False
    base = reference.get((record.get('split'), record['seed']))
    if base is None:
        return None
    return metric.score(record) < base + COLLAPSE_MARGIN


def mean_std(values: Sequence[float]) -> Dict[str, float]:
    return dict(
        mean=statistics.mean(values),
        std=statistics.stdev(values) if len(values) > 1 else 0.0)


def summarise(records: Sequence[dict],
              metric: Metric,
              reference: Optional[Reference] = None) -> dict:
    """Mean and std of every metric field over seeds (diverged at chance),
    and costs.

    Collapsed runs stay in the mean at their score; they are counted.

    Args:
        records (Sequence[dict]): The runs of one row, one per seed.
        metric (Metric): The protocol's score (and extra fields).
        reference (dict, optional): :func:`student_reference`; without it
            (the student alone's own row) nothing counts as collapsed.

    Returns:
        dict: ``seeds``, ``diverged``, ``collapsed`` (``None`` where a seed
        has no student-alone reference), per metric field (``top1``, ...)
        its mean and std, and medians of ``sec_per_iter`` and
        ``peak_memory_mb`` over the finished runs.
    """
    finished = [r for r in records if not r.get('diverged')]
    flags = [is_collapsed(r, reference or {}, metric) for r in records]
    summary = dict(
        seeds=len(records),
        diverged=len(records) - len(finished),
        collapsed=0 if reference is None else
        None if None in flags else sum(flags),
        **{
            name: mean_std([metric.score(r, name) for r in records])
            for name in metric.fields
        })
    for key in ('sec_per_iter', 'peak_memory_mb', 'training_only_params',
                'student_params'):
        if finished and key in finished[0]:
            summary[key] = statistics.median(r[key] for r in finished)
    return summary


def paired_difference(a: Sequence[dict],
                      b: Sequence[dict],
                      metric: Metric,
                      confidence: float = 0.95) -> Optional[dict]:
    """Paired per-seed difference ``a - b`` of the score, with a t interval.

    Only seeds present in both are paired. Diverged runs count at chance.

    Args:
        a, b (Sequence[dict]): Records with ``seed`` and the score.
        metric (Metric): The protocol's score.
        confidence (float): Interval level. Defaults to 0.95.

    Returns:
        dict | None: ``n``, ``mean``, ``low``, ``high`` and ``verdict``
        (``'ahead'`` when the interval lies above zero, ``'behind'`` when
        below, else ``'not separated'``); None with fewer than 2 pairs.
    """
    by_seed = {r['seed']: metric.score(r) for r in b}
    diffs = [
        metric.score(r) - by_seed[r['seed']] for r in a
        if r['seed'] in by_seed
    ]
    if len(diffs) < 2:
        return None
    n = len(diffs)
    mean = statistics.mean(diffs)
    sem = statistics.stdev(diffs) / n**0.5
    t_crit = scipy_stats.t.ppf(0.5 + confidence / 2, n - 1)
    half = t_crit * sem
    low, high = mean - half, mean + half
    verdict = ('ahead' if low > 0 else 'behind' if high < 0 else
               'not separated')
    if sem > 0:
        p_value = 2 * scipy_stats.t.sf(abs(mean) / sem, n - 1)
    else:
        p_value = 1.0 if mean == 0 else 0.0
    return dict(
        n=n,
        mean=mean,
        low=low,
        high=high,
        verdict=verdict,
        p=float(p_value),
        # the smallest true difference this design detects with 80 % power
        # at this level: (t_{1-alpha/2} + t_{0.80}) * SD / sqrt(n)
        detectable=float(
            (t_crit + scipy_stats.t.ppf(POWER, n - 1)) * sem),
        seeds=sorted(r['seed'] for r in a if r['seed'] in by_seed))


def holm(diffs: List[dict], alpha: float = 0.05) -> List[str]:
    """Holm-adjusted verdicts of a family of paired differences.

    Holm's step-down: with the p-values sorted ascending, the i-th smallest
    (0-based) is significant while every smaller one is and it is at most
    ``alpha / (m - i)``; a significant difference reads ``'ahead'`` or
    ``'behind'`` by its sign, the others ``'not separated'``.

    Args:
        diffs (list[dict]): :func:`paired_difference` results (``p``,
            ``mean``): the whole family, in any order.
        alpha (float): Family-wise error rate. Defaults to 0.05.

    Returns:
        list[str]: The adjusted verdict of each difference, in input order.
    """
    m = len(diffs)
    order = sorted(range(m), key=lambda i: diffs[i]['p'])
    verdicts = ['not separated'] * m
    for rank, i in enumerate(order):
        if diffs[i]['p'] > alpha / (m - rank):
            break
        verdicts[i] = 'ahead' if diffs[i]['mean'] > 0 else 'behind'
    return verdicts


def comparisons(rows: Dict[str, dict], ours: Sequence[str],
                baselines: Sequence[str]) -> List[tuple]:
    """The (row, other) pairs the report compares.

    Each of our rows against each baseline, each add-on row against its
    host, and every row with a host against the student alone's row is left
    to the caller. Pairs are unique and in a stable order.

    Args:
        rows (dict): Row name -> row entry (with optional ``host``).
        ours (Sequence[str]): Our methods' rows.
        baselines (Sequence[str]): The built-in distillers' rows.
    """
    pairs = [(o, b) for o in ours for b in baselines]
    pairs += [(name, row['host']) for name, row in rows.items()
              if row.get('host') and name in ours]
    return list(dict.fromkeys(pairs))
