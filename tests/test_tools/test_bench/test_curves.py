"""bench.curves: collapsed runs set against their setting's other runs."""
from bench.curves import (collapse_curve_lines, departure, median_curve,
                          plot_collapse_curves, split_collapsed)
from bench.task import Metric

METRIC = Metric()
# the student alone at each held-out seed
REFERENCE = {('heldout', seed): 86.0 for seed in range(5)}


def run(seed: int, top1: float, loss: list, **extra) -> dict:
    return dict(
        seed=seed, split='heldout', top1=top1,
        curves={'student.loss': loss}, **extra)


def group() -> list:
    return [
        run(0, 89.0, [1.2, 0.6, 0.4]),
        run(1, 89.5, [1.0, 0.5, 0.3]),
        run(2, 86.5, [1.6, 0.7, 0.45]),  # within 1.0 of 86.0: collapsed
        run(3, 88.0, [1.1, 0.55, 0.35]),
        run(4, 10.0, [1.0, float('nan')], diverged='loss is nan'),
        run(7, 85.0, [9.0, 9.0, 9.0]),  # no reference at seed 7
    ]


def test_split_leaves_out_diverged_and_unreferenced_runs():
    collapsed, others = split_collapsed(group(), REFERENCE, METRIC)
    assert [r['seed'] for r in collapsed] == [2]
    assert [r['seed'] for r in others] == [0, 1, 3]


def test_median_needs_equal_lengths():
    records = group()[:4]
    assert median_curve(records, 'student.loss') == [1.15, 0.575, 0.375]
    assert median_curve(records, 'distill.loss_kl') is None
    assert median_curve(group(), 'student.loss') is None  # diverged: 2 epochs


def test_departure_is_the_first_epoch_over_ten_percent():
    assert departure([1.0, 0.8, 0.3], [1.0, 0.7, 0.3]) == 2
    assert departure([1.0, 0.5], [1.0, 0.5]) is None
    assert departure([-6.0, -4.0], [-6.0, -5.0]) == 2  # a log-variance


def test_lines_show_each_collapsed_run_against_its_group():
    lines = collapse_curve_lines({'KD row, default': group()}, REFERENCE,
                                 METRIC)
    assert len(lines) == 3  # header, rule, seed 2's student.loss
    assert lines[2] == ('| KD row, default | 2 | 86.50 | `student.loss` | '
                        '1.6 0.7 0.45 | 1.1 0.55 0.35 | 1 |')
    healthy = [r for r in group() if r['seed'] != 2]
    assert collapse_curve_lines({'x': healthy}, REFERENCE, METRIC) == []


def test_plot_writes_a_figure_only_with_curves(tmp_path):
    path = tmp_path / 'curves.png'
    assert plot_collapse_curves({'a': group()}, REFERENCE, METRIC, str(path))
    assert path.stat().st_size > 0
    bare = [dict(r, curves={}) for r in group()]
    assert not plot_collapse_curves({'a': bare}, REFERENCE, METRIC,
                                    str(tmp_path / 'none.png'))
