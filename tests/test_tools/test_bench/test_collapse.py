"""bench.collapse: the collapse study's choice of a default."""
from bench.collapse import collapse_choice
from conftest import TOP1

ROWS = ('U + KD', 'U + DKD')
SEEDS = (2, 3, 200)
# the student alone at 85.0 on every held-out seed: 85.99 is a collapse
REFERENCE = {('heldout', s): 85.0 for s in SEEDS}
DEPARTURES = ('detach', 'ramp')
GFLOP = {'default': 9.06, 'wide': 9.43}


def runs(values):
    """Records of one setting: ``values`` per (row, seed), in order."""
    it = iter(values)
    return [dict(row=row, seed=seed, split='heldout', top1=next(it),
                 diverged=None) for row in ROWS for seed in SEEDS]


def choose(settings):
    return collapse_choice(settings, {k: 6 for k in settings}, DEPARTURES,
                           REFERENCE, GFLOP, TOP1)


GOOD = [88.0, 88.2, 88.1, 88.3, 88.0, 88.2]
COLLAPSING = [88.0, 85.5, 88.1, 88.3, 88.0, 88.2]


def test_waits_for_every_run():
    choice = choose({'default': runs(GOOD)[:5], 'detach': runs(GOOD)})
    assert choice['chosen'] is None and 'waiting' in choice['why']


def test_the_cheapest_qualifying_authors_setting_not_behind_another():
    choice = choose({'default': runs(GOOD), 'wide': runs(GOOD),
                     'detach': runs(GOOD)})
    assert choice['pick'] == 'default' == choice['chosen']
    # the cheaper one behind the wider one: the wider one
    wider = [v + 1 + 0.01 * i for i, v in enumerate(GOOD)]
    choice = choose({'default': runs(GOOD), 'wide': runs(wider)})
    assert choice['pick'] == 'wide'


def test_a_collapsing_default_hands_over_to_what_qualifies():
    choice = choose({'default': runs(COLLAPSING), 'wide': runs(GOOD),
                     'detach': runs(GOOD), 'ramp': runs(GOOD)})
    summary = choice['settings']['default']
    assert summary['collapsed'] == 1 and not summary['qualifies']
    assert summary['collapsed_seeds'] == [('U + KD', 3)]
    assert summary['worst'] == dict(row='U + KD', seed=3, top1=85.5)
    assert choice['chosen'] == 'wide'


def test_departures_only_when_nothing_else_qualifies_or_ahead():
    better = [v + 1 + 0.01 * i for i, v in enumerate(GOOD)]
    choice = choose({'default': runs(COLLAPSING), 'wide': runs(COLLAPSING),
                     'detach': runs(GOOD), 'ramp': runs(better)})
    assert choice['pick'] is None and choice['chosen'] == 'ramp'
    # a qualifying default: a departure must be ahead of it
    choice = choose({'default': runs(GOOD), 'detach': runs(better),
                     'ramp': runs(GOOD)})
    assert choice['settings']['detach']['vs_pick']['verdict'] == 'ahead'
    assert choice['chosen'] == 'detach'
    choice = choose({'default': runs(GOOD), 'ramp': runs(GOOD)})
    assert choice['chosen'] == 'default'


def test_nothing_qualifies_the_default_stays():
    # ahead of the default, and collapsing on the same seed
    better = [v + 0.3 + 0.01 * i for i, v in enumerate(COLLAPSING)]
    choice = choose({'default': runs(COLLAPSING), 'ramp': runs(better)})
    assert choice['chosen'] == 'default' == choice['versus']
    assert 'no setting qualifies' in choice['why']
    # every setting is still set against the default that stays
    assert choice['settings']['ramp']['vs']['verdict'] == 'ahead'
    assert choice['settings']['default']['vs'] is None
