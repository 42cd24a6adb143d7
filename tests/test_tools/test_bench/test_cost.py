"""tools/bench/cost.py: the interleaving of the methods' steps."""
from bench.cost import interleave


class Fake:
    """A stepper that logs its turns and takes ``seconds`` per step."""

    def __init__(self, name: str, seconds: float, log: list) -> None:
        self.name, self.seconds, self.log = name, seconds, log

    def step(self) -> float:
        self.log.append(self.name)
        return self.seconds


def test_interleave_rotates_the_order_and_drops_warmup_rounds():
    log = []
    steppers = {n: Fake(n, s, log) for n, s in (('a', 1.0), ('b', 2.0),
                                                ('c', 3.0))}
    times = interleave(steppers, rounds=4, warmup=2)
    rounds = [log[i:i + 3] for i in range(0, len(log), 3)]
    assert rounds == [['a', 'b', 'c'], ['b', 'c', 'a'], ['c', 'a', 'b'],
                      ['a', 'b', 'c'], ['b', 'c', 'a'], ['c', 'a', 'b']]
    # only the timed rounds (the last 4) are kept
    assert times == {'a': [1.0] * 4, 'b': [2.0] * 4, 'c': [3.0] * 4}
