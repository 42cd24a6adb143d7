"""Statistics of the benchmark: per-row summaries and paired differences."""
import statistics
from typing import Dict, List, Optional, Sequence

from scipy import stats as scipy_stats

from .plan import CHANCE_TOP1


def top1_or_chance(record: dict) -> float:
    """A run's top-1; a diverged run counts at chance accuracy."""
    return CHANCE_TOP1 if record.get('diverged') else record['top1']


def summarise(records: Sequence[dict]) -> dict:
    """Mean and std of top-1 over seeds (diverged at chance), and costs.

    Args:
        records (Sequence[dict]): The runs of one row, one per seed.

    Returns:
        dict: ``seeds``, ``diverged``, ``top1`` (mean, std), and medians of
        ``sec_per_iter`` and ``peak_memory_mb`` over the finished runs.
    """
    values = [top1_or_chance(r) for r in records]
    finished = [r for r in records if not r.get('diverged')]
    summary = dict(
        seeds=len(records),
        diverged=len(records) - len(finished),
        top1=dict(
            mean=statistics.mean(values),
            std=statistics.stdev(values) if len(values) > 1 else 0.0))
    for key in ('sec_per_iter', 'peak_memory_mb', 'training_only_params',
                'student_params'):
        if finished and key in finished[0]:
            summary[key] = statistics.median(r[key] for r in finished)
    return summary


def paired_difference(a: Sequence[dict],
                      b: Sequence[dict],
                      confidence: float = 0.95) -> Optional[dict]:
    """Paired per-seed difference ``a - b`` of top-1, with a t interval.

    Only seeds present in both are paired. Diverged runs count at chance.

    Args:
        a, b (Sequence[dict]): Records with ``seed`` and ``top1``.
        confidence (float): Interval level. Defaults to 0.95.

    Returns:
        dict | None: ``n``, ``mean``, ``low``, ``high`` and ``verdict``
        (``'ahead'`` when the interval lies above zero, ``'behind'`` when
        below, else ``'not separated'``); None with fewer than 2 pairs.
    """
    by_seed = {r['seed']: top1_or_chance(r) for r in b}
    diffs = [
        top1_or_chance(r) - by_seed[r['seed']] for r in a
        if r['seed'] in by_seed
    ]
    if len(diffs) < 2:
        return None
    mean = statistics.mean(diffs)
    sem = statistics.stdev(diffs) / len(diffs)**0.5
    half = scipy_stats.t.ppf(0.5 + confidence / 2, len(diffs) - 1) * sem
    low, high = mean - half, mean + half
    verdict = ('ahead' if low > 0 else 'behind' if high < 0 else
               'not separated')
    return dict(
        n=len(diffs),
        mean=mean,
        low=low,
        high=high,
        verdict=verdict,
        seeds=sorted(r['seed'] for r in a if r['seed'] in by_seed))


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
