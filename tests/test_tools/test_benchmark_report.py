"""tools/benchmark.py: run order; diverged seeds counted, not averaged."""
import os.path as osp
import sys

from helpers import ROOT

sys.path.insert(0, osp.join(ROOT, 'tools'))
import benchmark  # noqa: E402


def _run(top1, sec=0.1):
    return dict(top1=top1, sec_per_iter=sec, peak_memory_mb=100.0,
                student=10, training_only=0)


def test_diverged_seed_is_left_out_and_reported():
    runs = {
        benchmark.STUDENT: [_run(80.0), _run(82.0)],
        benchmark.KD: [_run(85.0), _run(87.0)],
        'UniKD + DKD': [_run(88.0, 0.11), dict(diverged='loss = nan')],
        'MGKD + UniKD': [dict(diverged='loss = inf')] * 2,
    }
    summary = benchmark.summarise(runs, teacher_top1=91.0)
    assert list(summary) == [benchmark.STUDENT, benchmark.KD, 'UniKD + DKD']
    ours = summary['UniKD + DKD']
    assert (ours['seeds'], ours['diverged']) == (2, 1)
    assert ours['top1'] == dict(mean=88.0, std=0.0)
    assert abs(ours['gain_over_student'] - 7.0) < 1e-9
    assert abs(ours['time_vs_kd'] - 1.1) < 1e-9

    protocol = dict(command='python tools/benchmark.py', device='cpu',
                    machine='x', torch='t', quick=False, seeds=[0, 1],
                    teacher_epochs=3, student_epochs=8, train_subset=10,
                    teacher_data='d', teacher_top1=91.0)
    text = benchmark.markdown(protocol, runs, summary,
                              benchmark.target_checks(summary))
    assert '| UniKD + DKD | 1/2 | 88.00 ± 0.00 |' in text
    assert '- UniKD + DKD, seed 1: loss = nan' in text
    assert '- MGKD + UniKD, seed 0: loss = inf' in text
    assert '- MGKD + UniKD, seed 1: loss = inf' in text
    assert '| MGKD + UniKD |' not in text


def test_run_order_rotates_methods_across_seeds():
    methods = [(f'm{i}', f'c{i}') for i in range(9)]
    order = benchmark.run_order(methods, [0, 1, 2])
    # every (seed, method) once, seed by seed
    assert sorted((s, n) for s, n, _ in order) == sorted(
        (s, n) for s in (0, 1, 2) for n, _ in methods)
    assert [s for s, _, _ in order] == [0] * 9 + [1] * 9 + [2] * 9
    assert all(c == 'c' + n[1:] for _, n, c in order)
    # each method runs at three different places within its seed
    for name, _ in methods:
        places = {i % 9 for i, (_, n, _) in enumerate(order) if n == name}
        assert len(places) == 3
    assert [n for _, n, _ in order[9:12]] == ['m3', 'm4', 'm5']
