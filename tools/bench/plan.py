"""The benchmark's run list, derived from the declared protocol file.

A protocol file (``benchmarks/<name>/protocol.py``) declares the rows of the
final table, each row's tuning grid, the ablations and the seeds of every
stage, and what it benchmarks (:mod:`.task`: the score, the run options, the
teacher, the outputs). :class:`Planner` turns it into runs, given the
records that exist: a row's *tuned* setting is only known once all its
tuning runs (and its host's) have finished, so later stages are planned as
the earlier ones land, across as many sittings as it takes.
"""
import dataclasses
import runpy
import statistics
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from .task import (CLASSIFICATION, CLASSIFICATION_OUTPUT, Metric, Output,
                   SplitOptions, Teacher, build, classification_options,
                   classification_setup, options_setup)

STAGES = ('tune', 'ablation', 'final')
# the optional stage of a protocol with a `long_schedule`: rows of the final
# table again on some of its seeds, with a longer schedule (test split)
LONG = 'long'
LONG_KEYS = {'rows', 'seeds', 'options', 'row_options'}
# an ablation variant: its name, --cfg-options, another config, and `row`:
# start from that row's tuned setting instead of the ablation's centre
VARIANT_KEYS = {'name', 'options', 'config', 'row'}
# an ablation: its centre row, variants, and optionally its own seeds
# (instead of seeds['ablation']), a rule choosing a default from it, and a
# pinned `centre` (the options it ran around, instead of the row's tuned
# setting: a finished study keeps its records when that setting moves on)
ABLATION_KEYS = {
    'row', 'variants', 'seeds', 'cost_rule', 'collapse_rule', 'centre'
}
# keys of a machine fingerprint (bench.machine) a protocol may pin
MACHINE_KEYS = {'device', 'torch', 'threads', 'cpu_capability', 'cpu', 'isa',
                'gpu'}
# a protocol without `options` declares these (classification)
CLASSIFICATION_KEYS = ('student_epochs', 'train_subset', 'heldout')

Options = Tuple[Tuple[str, Any], ...]


@dataclass(frozen=True)
class Run:
    """One student training: a row (or variant) of one stage, one seed."""
    stage: str
    row: str
    variant: str
    config: str
    options: Options
    seed: int
    host: Optional[str] = None
    group: str = field(default='', compare=False)

    @property
    def split(self) -> str:
        """``'test'`` for the final and long tables, ``'heldout'``
        otherwise."""
        return 'test' if self.stage in ('final', LONG) else 'heldout'

    @property
    def slug(self) -> str:
        """A file-name-safe path ``<stage>/<group or row>/<variant>-s<k>``."""
        return '/'.join([
            self.stage,
            slugify(self.group or self.row), f'{slugify(self.variant)}'
            f'-seed{self.seed}'
        ])


def slugify(name: str) -> str:
    """``'UniKD + KD'`` -> ``'unikd_kd'``."""
    out = ''.join(c.lower() if c.isalnum() else '_' for c in name)
    return '_'.join(part for part in out.split('_') if part)


def as_options(options: Dict[str, Any]) -> Options:
    return tuple(sorted(options.items()))


def split_options(
        ns: Dict[str, Any]) -> Tuple[SplitOptions, Optional[List[str]]]:
    """A protocol file's run options: its ``options``, else those its
    classification keys imply, with the report's lines on them (None:
    :func:`bench.task.options_setup`'s)."""
    if 'options' in ns:
        return build(SplitOptions, 'options', ns['options']), None
    missing = [k for k in CLASSIFICATION_KEYS if k not in ns]
    if missing:
        raise ValueError(
            f'the protocol declares no options and lacks {missing}: expected '
            'options = dict(all=..., heldout=..., test=...) or '
            f'{list(CLASSIFICATION_KEYS)}')
    values = (int(ns['student_epochs']), int(ns['train_subset']),
              tuple(ns['heldout']))
    return classification_options(*values), classification_setup(*values)


@dataclass
class Protocol:
    """The declared protocol: rows, grids, ablations, seeds, and what it
    benchmarks (:mod:`.task`)."""
    path: str
    rows: Dict[str, dict]
    tuning: Dict[str, List[dict]]
    ablations: Dict[str, dict]
    seeds: Dict[str, List[int]]
    options: SplitOptions = field(default_factory=SplitOptions)
    metric: Metric = CLASSIFICATION
    teacher: Optional[Teacher] = None
    output: Output = field(default_factory=lambda: build(
        Output, 'report', CLASSIFICATION_OUTPUT))
    # the machine fingerprint every final record must carry (the keys given;
    # bench.machine), or None: final records from any machine
    final_machine: Optional[Dict[str, Any]] = None
    # row -> the one point a grid-edge rule added to its grid (already the
    # grid's last point in `tuning`): the cap of 6 points is 7 for them
    grid_extensions: Dict[str, dict] = field(default_factory=dict)
    # the `long` stage: rows (at their tuned settings), seeds (some of the
    # final table's), `options` for all its runs and `row_options` per row
    # (e.g. a longer schedule, warm-ups scaled alike); None: no such stage
    long_schedule: Optional[Dict[str, Any]] = None

    def stages(self) -> Tuple[str, ...]:
        """The stages this protocol declares."""
        return STAGES + ((LONG, ) if self.long_schedule else ())

    def setup(self) -> List[str]:
        """The report's lines on the students and splits: the report's or
        the classification keys' (:func:`split_options`), else
        :func:`bench.task.options_setup`'s."""
        return list(self.output.setup or options_setup(self.options))

    @classmethod
    def load(cls, path: str) -> 'Protocol':
        """Read a protocol file and check its structure.

        Raises:
            ValueError: Naming the protocol's entry that is wrong, with what
                was expected.
        """
        ns = runpy.run_path(path)
        rows = {row['name']: dict(row) for row in ns['rows']}
        options, setup = split_options(ns)
        output = build(Output, 'report', ns.get('report',
                                                CLASSIFICATION_OUTPUT))
        extensions = dict(ns.get('grid_extensions', {}))
        tuning = {
            row: [*grid, *([extensions[row]] if row in extensions else [])]
            for row, grid in ns.get('tuning', {}).items()
        }
        unknown = set(extensions) - set(tuning)
        if unknown:
            raise ValueError(f'grid_extensions names {sorted(unknown)}, '
                             f'which have no tuning grid; grids: '
                             f'{list(tuning)}')
        protocol = cls(
            path=path,
            rows=rows,
            tuning=tuning,
            grid_extensions=extensions,
            long_schedule=ns.get('long_schedule'),
            ablations=dict(ns.get('ablations', {})),
            seeds=dict(ns['seeds']),
            options=options,
            metric=(build(Metric, 'metric', ns['metric'])
                    if 'metric' in ns else CLASSIFICATION),
            teacher=build(Teacher, 'teacher', ns.get('teacher')),
            output=(dataclasses.replace(output, setup=setup)
                    if output.setup is None and setup else output),
            final_machine=ns.get('final_machine'))
        protocol.check()
        return protocol

    def check(self) -> None:
        """Fail early, naming the entry, on an inconsistent protocol."""
        for name, row in self.rows.items():
            host = row.get('host')
            if host is not None and host not in self.rows:
                raise ValueError(f'rows[{name!r}].host = {host!r} is not a '
                                 f'row; rows: {list(self.rows)}')
        for name, grid in self.tuning.items():
            if name not in self.rows:
                raise ValueError(f'tuning[{name!r}]: no such row; rows: '
                                 f'{list(self.rows)}')
            cap = 7 if name in self.grid_extensions else 6
            if not 1 <= len(grid) <= cap:
                raise ValueError(
                    f'tuning[{name!r}] has {len(grid)} points; the budget is '
                    f'1 to {cap} for this row (6, and one more point for a '
                    'row in grid_extensions)')
        for name, ablation in self.ablations.items():
            unknown = set(ablation) - ABLATION_KEYS
            if unknown:
                raise ValueError(f'ablations[{name!r}] has unknown keys '
                                 f'{sorted(unknown)}; allowed: '
                                 f'{sorted(ABLATION_KEYS)}')
            seeds = ablation.get('seeds')
            if seeds is not None and (not seeds or len(set(seeds)) != len(
                    seeds) or not all(isinstance(x, int) for x in seeds)):
                raise ValueError(f'ablations[{name!r}].seeds = {seeds!r}: '
                                 'expected distinct integers')
            if ablation['row'] not in self.rows:
                raise ValueError(f'ablations[{name!r}].row = '
                                 f'{ablation["row"]!r} is not a row')
            centre = ablation.get('centre', {})
            if not isinstance(centre, dict):
                raise ValueError(f'ablations[{name!r}].centre = {centre!r}: '
                                 'expected a dict of --cfg-options')
            names = [v['name'] for v in ablation['variants']]
            if len(set(names)) != len(names) or 'default' in names:
                raise ValueError(f'ablations[{name!r}]: variant names must '
                                 f'be unique and not "default", got {names}')
            rule = ablation.get('cost_rule')
            if rule is not None and (
                    rule.get('authors') not in ['default', *names]
                    or not isinstance(rule.get('budget'), (int, float))
                    or rule['budget'] <= 0):
                raise ValueError(
                    f'ablations[{name!r}].cost_rule = {rule!r}: expected '
                    "authors = 'default' or one of its variants "
                    f'{names} and a positive budget')
            departures = ablation.get('collapse_rule',
                                      {}).get('departures', [])
            if not set(departures) <= set(names):
                raise ValueError(
                    f'ablations[{name!r}].collapse_rule.departures = '
                    f'{departures!r}: expected names of its variants {names}')
            for variant in ablation['variants']:
                unknown = set(variant) - VARIANT_KEYS
                if unknown:
                    raise ValueError(
                        f'ablations[{name!r}] variant {variant.get("name")!r}'
                        f' has unknown keys {sorted(unknown)}; allowed: '
                        f'{sorted(VARIANT_KEYS)}')
                if variant.get('row', ablation['row']) not in self.rows:
                    raise ValueError(f'ablations[{name!r}] variant '
                                     f'{variant["name"]!r}: row '
                                     f'{variant["row"]!r} is not a row')
        machine = self.final_machine
        if machine is not None and (not isinstance(machine, dict)
                                    or not set(machine) <= MACHINE_KEYS):
            raise ValueError(f'final_machine = {machine!r}: expected a dict '
                             f'of some of {sorted(MACHINE_KEYS)}')
        for stage in STAGES:
            if not self.seeds.get(stage):
                raise ValueError(f'seeds[{stage!r}] must list seeds')
        if self.long_schedule is not None:
            self._check_long(self.long_schedule)
        self.metric.check('metric')
        self.options.check('options')
        self.output.check('report', list(self.rows), self.metric)

    def _check_long(self, long: Any) -> None:
        if not isinstance(long, dict) or set(long) - LONG_KEYS:
            raise ValueError(f'long_schedule = {long!r}: expected a dict of '
                             f'some of {sorted(LONG_KEYS)}')
        rows = long.get('rows', [])
        if not rows or not set(rows) <= set(self.rows):
            raise ValueError(f'long_schedule.rows = {rows!r}: expected rows '
                             f'of the protocol {list(self.rows)}')
        seeds = long.get('seeds', [])
        if not seeds or not set(seeds) <= set(self.seeds['final']):
            raise ValueError(f'long_schedule.seeds = {seeds!r}: expected '
                             f'some of the final seeds {self.seeds["final"]}')
        extra = set(long.get('row_options', {})) - set(rows)
        if extra:
            raise ValueError(f'long_schedule.row_options names {sorted(extra)}'
                             f': expected some of its rows {rows}')

    def ablation_seeds(self, name: str) -> List[int]:
        """The seeds of ablation ``name`` (its own, else the stage's)."""
        return list(self.ablations[name].get('seeds',
                                             self.seeds['ablation']))

    def quick(self) -> 'Protocol':
        """A smoke-test version: one seed, two grid points, one variant,
        the long stage at the quick schedule, final runs on any machine."""
        return dataclasses.replace(
            self,
            tuning={k: v[:2]
                    for k, v in self.tuning.items()},
            ablations={
                k: dict(
                    v,
                    variants=v['variants'][:1],
                    **({
                        'seeds': v['seeds'][:1]
                    } if 'seeds' in v else {}))
                for k, v in self.ablations.items()
            },
            seeds={k: v[:1]
                   for k, v in self.seeds.items()},
            long_schedule=self.long_schedule and dict(
                self.long_schedule,
                seeds=self.seeds['final'][:1],
                options={},
                row_options={}),
            final_machine=None)


def point_label(index: int) -> str:
    return 'shipped' if index == 0 else f'point{index}'


def held_out_score(results: Sequence[dict], metric: Metric) -> float:
    """Mean held-out score of finished runs, diverged ones at chance."""
    return statistics.mean(metric.score(r) for r in results)


class Planner:
    """Plans runs from a protocol and a record lookup.

    Args:
        protocol (Protocol): The declared protocol.
        lookup (Callable[[Run], Optional[dict]]): Returns the current
            (non-stale) record of a run, or None if it has not finished.
    """

    def __init__(self, protocol: Protocol,
                 lookup: Callable[[Run], Optional[dict]]) -> None:
        self.protocol = protocol
        self.lookup = lookup

    def _config(self, row: str) -> str:
        return self.protocol.rows[row]['config']

    def host_options(self, row: str) -> Optional[Dict[str, Any]]:
        """The tuned options of ``row``'s host ({} without a host)."""
        host = self.protocol.rows[row].get('host')
        return {} if host is None else self.tuned_options(host)

    def tuning_runs(self, row: str) -> List[Run]:
        """The tuning runs of ``row`` ([] if its host is not tuned yet)."""
        base = self.host_options(row)
        if base is None or row not in self.protocol.tuning:
            return []
        return [
            Run('tune', row, point_label(i), self._config(row),
                as_options({
                    **base,
                    **point
                }), seed, self.protocol.rows[row].get('host'))
            for i, point in enumerate(self.protocol.tuning[row])
            for seed in self.protocol.seeds['tune']
        ]

    def tuning_table(self, row: str) -> Optional[List[dict]]:
        """Per grid point: options, held-out results and score.

        None while any tuning run of the row is missing.
        """
        runs = self.tuning_runs(row)
        if not runs:
            return None
        table = []
        for i, point in enumerate(self.protocol.tuning[row]):
            label = point_label(i)
            results = [self.lookup(r) for r in runs if r.variant == label]
            if any(r is None for r in results):
                return None
            table.append(
                dict(
                    label=label,
                    options=point,
                    results=results,
                    score=held_out_score(results, self.protocol.metric)))
        return table

    def tuned_options(self, row: str) -> Optional[Dict[str, Any]]:
        """Host options + the best grid point of ``row``; None if unknown.

        The best point has the highest mean held-out score; ties go to the
        earlier point (the shipped setting first).
        """
        base = self.host_options(row)
        if base is None:
            return None
        if row not in self.protocol.tuning:
            return base
        table = self.tuning_table(row)
        if table is None:
            return None
        best = max(table, key=lambda p: p['score'])  # first max wins ties
        return {**base, **best['options']}

    def ablation_centre(self, name: str) -> Optional[Dict[str, Any]]:
        """The options ablation ``name`` runs around: its pinned
        ``centre``, else its row's tuned setting (None until tuned)."""
        ablation = self.protocol.ablations[name]
        if 'centre' in ablation:
            return dict(ablation['centre'])
        return self.tuned_options(ablation['row'])

    def ablation_runs(self, name: str) -> List[Run]:
        """Runs of one ablation ([] until its centre row is tuned)."""
        ablation = self.protocol.ablations[name]
        centre = self.ablation_centre(name)
        if centre is None:
            return []
        variants = [dict(name='default')] + list(ablation['variants'])
        runs = []
        for variant in variants:
            row = variant.get('row', ablation['row'])
            base = centre if row == ablation['row'] else self.tuned_options(
                row)  # another row at its own tuned setting
            if base is None:
                continue
            options = {**base, **variant.get('options', {})}
            config = variant.get('config', self._config(row))
            for seed in self.protocol.ablation_seeds(name):
                runs.append(
                    Run('ablation', row, variant['name'], config,
                        as_options(options), seed,
                        self.protocol.rows[row].get('host'), name))
        return runs

    def final_runs(self, row: str) -> List[Run]:
        """The final-table runs of ``row`` ([] until it is tuned)."""
        options = self.tuned_options(row)
        if options is None:
            return []
        return [
            Run('final', row, 'tuned', self._config(row),
                as_options(options), seed,
                self.protocol.rows[row].get('host'))
            for seed in self.protocol.seeds['final']
        ]

    def long_runs(self, row: str) -> List[Run]:
        """The long-schedule runs of ``row`` ([] until it is tuned, or if
        it is not a row of the protocol's ``long_schedule``)."""
        long = self.protocol.long_schedule
        options = self.tuned_options(row)
        if not long or row not in long['rows'] or options is None:
            return []
        options = {
            **options,
            **long.get('options', {}),
            **long.get('row_options', {}).get(row, {})
        }
        return [
            Run(LONG, row, 'tuned', self._config(row), as_options(options),
                seed, self.protocol.rows[row].get('host'))
            for seed in long['seeds']
        ]

    def runs(self, stage: str,
             rows: Optional[Sequence[str]] = None) -> List[Run]:
        """Every run of ``stage`` that can be planned now, in run order."""
        selected = [r for r in self.protocol.rows if rows is None or r in rows]
        if stage == 'tune':
            runs = [r for row in selected for r in self.tuning_runs(row)]
        elif stage == 'ablation':
            runs = [
                r for name, a in self.protocol.ablations.items()
                if rows is None or a['row'] in rows
                for r in self.ablation_runs(name)
            ]
        elif stage == 'final':
            runs = [r for row in selected for r in self.final_runs(row)]
        elif stage == LONG:
            runs = [r for row in selected for r in self.long_runs(row)]
        else:
            raise ValueError(f'unknown stage {stage!r}; one of '
                             f'{self.protocol.stages()}')
        return rotate_by_seed(runs)

    def size(self, stage: str) -> int:
        """Runs of ``stage`` in the whole protocol, planned or not yet."""
        p = self.protocol
        if stage == 'tune':
            points = sum(len(grid) for grid in p.tuning.values())
        elif stage == 'ablation':
            return sum((len(a['variants']) + 1) * len(p.ablation_seeds(n))
                       for n, a in p.ablations.items())
        elif stage == LONG:
            long = p.long_schedule or {}
            return len(long.get('rows', [])) * len(long.get('seeds', []))
        else:
            points = len(p.rows)
        return points * len(p.seeds[stage])

    def blocked(self, stage: str) -> List[str]:
        """Rows (or ablations) of ``stage`` that wait for tuning runs."""
        p = self.protocol
        if stage == 'ablation':
            return [
                n for n in p.ablations if self.ablation_centre(n) is None
            ]
        if stage == 'tune':
            return [
                row for row in p.rows
                if row in p.tuning and self.host_options(row) is None
            ]
        rows = ((p.long_schedule or {}).get('rows', [])
                if stage == LONG else list(p.rows))
        return [row for row in rows if self.tuned_options(row) is None]


def rotate_by_seed(runs: List[Run]) -> List[Run]:
    """Seed by seed, the list of (row, variant) rotated from seed to seed.

    Each configuration runs early, in the middle and late, and none always
    follows the same one, so drifts of the machine's speed spread over all.
    """
    seeds = sorted({r.seed for r in runs})
    keys = list(dict.fromkeys((r.group, r.row, r.variant) for r in runs))
    by_key = {(r.group, r.row, r.variant, r.seed): r for r in runs}
    order = []
    for i, seed in enumerate(seeds):
        shift = i * len(keys) // len(seeds)
        for key in keys[shift:] + keys[:shift]:
            run = by_key.get((*key, seed))
            if run is not None:
                order.append(run)
    return order
