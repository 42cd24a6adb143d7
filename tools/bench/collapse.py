"""The collapse study's choice of a default (rule: the protocol's
``COLLAPSE_RULE`` comment, ``benchmarks/fashion_mnist/protocol.py``).

Every ablation with a ``collapse_rule`` studies the same settings around
one row; a setting is judged over all of them together (both UniKD rows).
"""
import statistics
from typing import Dict, List, Optional, Sequence

from .stats import Reference, is_collapsed, paired_difference
from .task import Metric


def _over_rows(records: Sequence[dict]) -> List[dict]:
    """Records re-keyed by (row, seed), so pairs never cross rows."""
    return [dict(r, seed=(r['row'], r['seed'])) for r in records]


def setting_summary(records: Sequence[dict], reference: Reference,
                    runs: int, metric: Metric) -> dict:
    """One setting over every row of the study.

    Args:
        records (Sequence[dict]): Its finished runs, all rows.
        reference (dict): The student alone's score by (split, seed).
        runs (int): Runs the protocol plans for it.
        metric (Metric): The protocol's score.

    Returns:
        dict: ``runs``, ``complete``, ``collapsed`` (None while a seed has
        no reference), ``diverged``, ``mean``, ``worst`` (lowest score under
        the metric's field, with its row and seed) and, per row, its
        collapsed seeds.
    """
    flags = [is_collapsed(r, reference, metric) for r in records]
    values = [metric.score(r) for r in records]
    worst = min(records, key=metric.score) if records else None
    return dict(
        runs=len(records),
        complete=len(records) == runs,
        collapsed=None if None in flags else sum(flags),
        diverged=sum(bool(r.get('diverged')) for r in records),
        collapsed_seeds=sorted(
            (r['row'], r['seed']) for r, f in zip(records, flags) if f),
        mean=statistics.mean(values) if values else None,
        worst=None if worst is None else {
            'row': worst['row'],
            'seed': worst['seed'],
            metric.field: metric.score(worst)
        })


def collapse_choice(settings: Dict[str, List[dict]], runs: Dict[str, int],
                    departures: Sequence[str], reference: Reference,
                    gflop: Dict[str, float], metric: Metric) -> dict:
    """The default the collapse rule picks.

    Args:
        settings (dict): Setting (``'default'`` or a variant) -> its records
            over every row of the study.
        runs (dict): Setting -> runs the protocol plans for it.
        departures (Sequence[str]): Settings that depart from the authors'
            code.
        reference (dict): The student alone's score by (split, seed).
        gflop (dict): Setting -> step GFLOPs (settings without a measured
            cost cost as much as ``'default'``).
        metric (Metric): The protocol's score.

    Returns:
        dict: ``settings`` (:func:`setting_summary` plus ``qualifies``,
        ``departure``, ``vs_pick``: the paired difference against the
        authors'-code pick, and ``vs``: against ``versus``), ``pick`` (the
        authors'-code setting (b) picks, or None), ``chosen``, ``versus``
        (the pick, else the chosen setting) and ``why``; ``chosen`` is None
        while a setting misses runs or a reference.
    """
    rows = {}
    for name, records in settings.items():
        summary = setting_summary(records, reference, runs[name], metric)
        summary['qualifies'] = (summary['complete']
                                and summary['collapsed'] == 0
                                and summary['diverged'] == 0)
        summary['departure'] = name in departures
        rows[name] = summary
    out = dict(settings=rows, pick=None, chosen=None, versus=None, why='')
    if not all(s['complete'] and s['collapsed'] is not None
               for s in rows.values()):
        out['why'] = 'waiting for runs: every setting needs all its seeds'
        return out
    paired = {name: _over_rows(records) for name, records in settings.items()}

    def cost(name: str) -> float:
        return gflop.get(name, gflop.get('default', 0.0))

    # (b) the cheapest qualifying authors'-code setting not behind another
    authors = sorted((n for n, s in rows.items()
                      if s['qualifies'] and not s['departure']),
                     key=cost)
    for name in authors:
        behind = any(
            paired_difference(paired[name], paired[other],
                              metric)['verdict'] ==
            'behind' for other in authors if other != name)
        if not behind:
            out['pick'] = name
            break
    departing = [n for n, s in rows.items()
                 if s['qualifies'] and s['departure']]
    for name, summary in rows.items():
        summary['vs_pick'] = (None if out['pick'] in (None, name) else
                              paired_difference(paired[name],
                                                paired[out['pick']], metric))
    out.update(_departure_rule(rows, out['pick'], departing))
    # every setting against the pick, else against what stays the default
    out['versus'] = out['pick'] or out['chosen']
    for name, summary in rows.items():
        summary['vs'] = (None if name == out['versus'] else
                         paired_difference(paired[name],
                                           paired[out['versus']], metric))
    return out


def _departure_rule(rows: Dict[str, dict], pick: Optional[str],
                    departing: List[str]) -> dict:
    """(c): ``chosen`` and ``why``; a departure only where nothing of the
    authors' code qualifies (``pick`` None), or if it is ahead of it."""
    if pick is None:
        if departing:
            return dict(
                chosen=max(departing, key=lambda n: rows[n]['mean']),
                why=("no authors'-code setting qualifies; the qualifying "
                     'departure with the best mean'))
        return dict(
            chosen='default',
            why=('no setting qualifies: the default stays and the collapse '
                 'rates are reported'))
    ahead = [n for n in departing if rows[n]['vs_pick']['verdict'] == 'ahead']
    if ahead:
        return dict(
            chosen=max(ahead, key=lambda n: rows[n]['mean']),
            why=f'a departure that qualifies and is ahead of `{pick}`')
    return dict(
        chosen=pick,
        why=("the cheapest qualifying authors'-code setting not behind "
             'another; no qualifying departure is ahead of it'))


def fmt_worst(worst: Optional[dict], metric: Metric) -> str:
    if worst is None:
        return '-'
    return (f'{worst[metric.field]:.2f} ({worst["row"]}, seed '
            f'{worst["seed"]})')
