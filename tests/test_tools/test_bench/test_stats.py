"""bench.stats: paired intervals, diverged runs at chance, collapses."""
import glob
import json
import os.path as osp

import pytest
from bench.stats import (holm, is_collapsed, paired_difference,
                         student_reference, summarise)
from conftest import TOP1
from scipy import stats

from helpers import ROOT

RECORDS = osp.join(ROOT, 'benchmarks', 'fashion_mnist', 'records')


def rec(seed, top1):
    if top1 is None:
        return dict(seed=seed, top1=None, diverged='loss = nan')
    return dict(seed=seed, top1=top1, diverged=None, sec_per_iter=0.1,
                peak_memory_mb=10.0)


def test_interval_matches_a_paired_t_test():
    a = [rec(s, v) for s, v in enumerate([90.1, 89.5, 90.3, 89.9, 90.6])]
    b = [rec(s, v) for s, v in enumerate([89.0, 89.6, 89.1, 89.4, 89.8])]
    diff = paired_difference(a, b, TOP1)
    d = [x['top1'] - y['top1'] for x, y in zip(a, b)]
    low, high = stats.t.interval(0.95, len(d) - 1, loc=sum(d) / len(d),
                                 scale=stats.sem(d))
    assert diff['n'] == 5
    assert diff['low'] == pytest.approx(low)
    assert diff['high'] == pytest.approx(high)
    assert diff['verdict'] == ('ahead' if low > 0 else 'not separated')


def test_only_common_seeds_are_paired_and_divergence_is_chance():
    a = [rec(0, 80.0), rec(1, None), rec(7, 99.0)]
    b = [rec(0, 70.0), rec(1, 60.0), rec(2, 50.0)]
    diff = paired_difference(a, b, TOP1)
    assert diff['n'] == 2 and diff['seeds'] == [0, 1]
    assert diff['mean'] == pytest.approx((10.0 + (10.0 - 60.0)) / 2)


def test_clearly_behind_and_too_few_pairs():
    a = [rec(s, 80.0 + 0.1 * s) for s in range(5)]
    b = [rec(s, 85.0) for s in range(5)]
    assert paired_difference(a, b, TOP1)['verdict'] == 'behind'
    assert paired_difference(a[:1], b, TOP1) is None


def test_summary_counts_diverged_runs_at_chance():
    s = summarise([rec(0, 90.0), rec(1, None)], TOP1)
    assert (s['seeds'], s['diverged']) == (2, 1)
    assert s['top1']['mean'] == pytest.approx(50.0)
    assert s['sec_per_iter'] == 0.1  # costs over finished runs only


def test_collapse_is_finite_and_under_a_point_above_the_student():
    student = [dict(rec(s, 85.0), split='test') for s in range(3)]
    reference = student_reference(student, TOP1)
    runs = [
        dict(rec(0, 85.99), split='test'),  # 0.99 above: collapsed
        dict(rec(1, 86.0), split='test'),  # exactly 1.0 above: not
        dict(rec(2, None), split='test'),  # diverged: counted apart
    ]
    assert [is_collapsed(r, reference, TOP1)
            for r in runs] == [True, False, False]
    # another split or seed has no reference
    assert is_collapsed(dict(rec(0, 50.0), split='heldout'), reference,
                        TOP1) is None
    summary = summarise(runs, TOP1, reference)
    assert summary['collapsed'] == 1 and summary['diverged'] == 1
    # a collapsed run stays in the mean at its accuracy
    assert summary['top1']['mean'] == pytest.approx((85.99 + 86.0 + 10) / 3)
    assert summarise(runs + [dict(rec(7, 90.0), split='test')], TOP1,
                     reference)['collapsed'] is None
    # the student is the rule
    assert summarise(student, TOP1)['collapsed'] == 0


def test_the_rule_flags_exactly_the_two_known_final_collapses():
    """Issue 26: among the final records of the 5-seed table (seeds 0-4),
    UniKD + DKD seed 2 (85.55) and UniKD + KD seed 3 (86.01) ended at the
    student-alone level."""
    records = []
    for path in glob.glob(osp.join(RECORDS, 'final', '*', '*.json')):
        with open(path) as f:
            record = json.load(f)
        if record['seed'] in range(5):
            records.append(record)
    assert len(records) == 9 * 5
    reference = student_reference(
        [r for r in records if r['row'] == 'student alone'], TOP1)
    flagged = {(r['row'], r['seed'])
               for r in records if r['row'] != 'student alone'
               and is_collapsed(r, reference, TOP1)}
    assert flagged == {('UniKD + DKD', 2), ('UniKD + KD', 3)}


def test_p_value_and_smallest_detectable_difference():
    a = [rec(s, v) for s, v in enumerate([90.1, 89.5, 90.3, 89.9, 90.6])]
    b = [rec(s, v) for s, v in enumerate([89.0, 89.6, 89.1, 89.4, 89.8])]
    diff = paired_difference(a, b, TOP1)
    d = [x['top1'] - y['top1'] for x, y in zip(a, b)]
    assert diff['p'] == pytest.approx(stats.ttest_rel(
        [x['top1'] for x in a], [y['top1'] for y in b]).pvalue)
    expected = (stats.t.ppf(0.975, 4) + stats.t.ppf(0.8, 4)) * stats.sem(d)
    assert diff['detectable'] == pytest.approx(expected)


def test_holm_steps_down_until_the_first_failure():
    def d(p, mean=1.0):
        return dict(p=p, mean=mean)

    # m = 4: thresholds 0.0125, 0.0167, 0.025, 0.05 for the sorted p-values
    family = [d(0.04), d(0.001, -1.0), d(0.016), d(0.03)]
    assert holm(family) == ['not separated', 'behind', 'ahead',
                            'not separated']
    # a p under its own threshold is not rejected after a failure
    assert holm([d(0.02), d(0.017), d(0.049)]) == ['not separated'] * 3
    assert holm([d(0.01), d(0.02), d(0.04)]) == ['ahead'] * 3
    assert holm([]) == []
