"""The benchmark report, built only from current run records.

``docs/<name>.md`` (tables), ``docs/<name>.json`` (the same numbers),
``docs/<name>.png`` (paired differences with their intervals), and the
generated blocks of README.md and the config READMEs; ``<name>``, the blocks
and the score's wording are the protocol's (:class:`bench.task.Output`,
:class:`bench.task.Metric`; ``benchmark`` and top-1 for classification).
"""
import json
import os.path as osp
import re
from collections import Counter, defaultdict
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .collapse import collapse_choice, fmt_worst
from .curves import collapse_curve_lines
from .machine import fingerprint_label
from .plan import LONG, Planner, Run
from .stats import (COLLAPSE_MARGIN, POWER, comparisons, holm,
                    paired_difference, student_reference, summarise)
from .task import BASELINES, Metric

STUDENT = 'student alone'


def machine_label(record: dict) -> str:
    """Where a record trained: its machine fingerprint
    (:func:`bench.machine.fingerprint_label`; device and torch version for
    records from before fingerprints), ``', teacher cached'`` where
    ``model.cache_teacher_outputs`` was on."""
    where = (fingerprint_label(record['machine']) if record.get('machine')
             else f'{record.get("device", "?")}, torch '
             f'{record.get("torch", "?")}')
    return where + (', teacher cached' if record.get('teacher_cache') else '')


def machines(records: Sequence[dict]) -> Dict[str, int]:
    """Machine (:func:`machine_label`) -> number of runs.

    A seed gives every method the same data order and initial student on
    any device; the arithmetic differs, so the report says where each stage
    ran.
    """
    return dict(sorted(Counter(map(machine_label, records)).items()))


def seed_machines_line(records: Sequence[dict]) -> str:
    """Which seeds of a paired comparison trained where, e.g. ``'Trained
    on A (seeds 0, 1, 2) and B (seeds 3, 4); every seed's runs on one
    machine, so each paired difference is within one.'``; the seeds whose
    runs span machines (or lack a fingerprint) are named instead."""
    where: Dict[int, set] = {}
    for r in records:
        where.setdefault(r['seed'], set()).add(machine_label(r))
    by_label: Dict[str, List[int]] = {}
    for seed, labels in sorted(where.items()):
        for label in labels:
            by_label.setdefault(label, []).append(seed)
    parts = [f'{label} (seeds {", ".join(map(str, seeds))})'
             for label, seeds in sorted(by_label.items())]
    if len(parts) < 2:
        return f'Trained on {parts[0]}.' if parts else ''
    split = [s for s, labels in sorted(where.items()) if len(labels) > 1]
    return (f'Trained on {", ".join(parts[:-1])} and {parts[-1]}; ' + (
        f'the runs of seeds {split} span machines (or records from before '
        'fingerprints), so their paired differences may carry a machine '
        'difference too.' if split else
        "every seed's runs on one machine, so each paired difference is "
        'within one.'))


def fmt_pm(summary: dict, field_name: str) -> str:
    """``'85.76 ± 0.23'``: mean ± std of a field of a summary."""
    stat = summary[field_name]
    return f'{stat["mean"]:.2f} ± {stat["std"]:.2f}'


def fmt_seeds(summary: dict) -> str:
    """``'5 (0, 1)'``: seeds (diverged, collapsed); ``?`` where a seed has
    no student-alone run to judge a collapse by."""
    collapsed = summary.get('collapsed')
    return (f'{summary["seeds"]} ({summary["diverged"]}, '
            f'{"?" if collapsed is None else collapsed})')


def fmt_interval(diff: dict) -> str:
    """``'-0.23 [-2.86, +2.40]'``."""
    return (f'{diff["mean"]:+.2f} [{diff["low"]:+.2f}, '
            f'{diff["high"]:+.2f}]')


def fmt_holm(diff: dict) -> str:
    """``' (Holm-adjusted: not separated)'`` where Holm's verdict differs
    from the raw one, else ''."""
    adjusted = diff.get('holm', diff['verdict'])
    return '' if adjusted == diff['verdict'] else (
        f' (Holm-adjusted: {adjusted})')


def fmt_diff(diff: Optional[dict]) -> str:
    if diff is None:
        return '-'
    return (f'{diff["mean"]:+.2f} [{diff["low"]:+.2f}, {diff["high"]:+.2f}] '
            f'{diff["verdict"]}')


def fmt_options(options: dict) -> str:
    """``--cfg-options`` as a table cell; a distillation loss's argument by
    its name alone, once per value with the number of losses it sets
    (e.g. five CWD losses at weight 3: ``loss_weight=3`` on 5 losses), and
    with its loss's name where losses set it to different values
    (``loss_dkd.loss_weight=3``, ``loss_unikd.loss_weight=0.1``)."""
    if not options:
        return 'shipped'
    prefix = 'model.distiller.distill_losses.'
    losses = {k: k[len(prefix):] for k in options if k.startswith(prefix)}
    values = defaultdict(set)
    for key, name in losses.items():
        values[name.split('.')[-1]].add(repr(options[key]))

    def cell(key: str, value: Any) -> str:
        if key not in losses:
            return f'`{key}={value}`'
        arg = losses[key].split('.')[-1]
        return f'`{arg if len(values[arg]) == 1 else losses[key]}={value}`'

    items = Counter(cell(k, v) for k, v in options.items())
    return ', '.join(item if n == 1 else f'{item} on {n} losses'
                     for item, n in items.items())


VERDICT_WORDS = {
    'ahead': 'a gain',
    'behind': 'a loss',
    'not separated': 'no measured gain'
}


def verdict_lines(diffs: List[dict],
                  rows: Dict[str, dict],
                  shown: Optional[Sequence[str]] = None,
                  baselines: Sequence[str] = BASELINES) -> List[str]:
    """Plain statements from the paired test differences.

    Each of our rows (not a built-in, not the student alone) is ahead of
    every built-in distiller only when all its intervals against them lie
    above zero; an add-on row's gain over its host is its paired difference
    with the host row.

    Args:
        diffs (list): :meth:`Report.differences`.
        rows (dict): The protocol's rows (name -> entry with ``host``).
        shown (Sequence[str], optional): Only these of our rows.
        baselines (Sequence[str]): The built-in distillers' rows.

    Returns:
        list[str]: Markdown bullet lines, then one summary line.
    """
    by_pair = {(d['a'], d['b']): d for d in diffs}
    ours = [r for r in rows if r not in baselines and r != STUDENT
            and (shown is None or r in shown)]
    lines, winners, judged = [], [], 0
    for row in ours:
        got = {b: by_pair[(row, b)] for b in baselines if (row, b) in by_pair}
        if len(got) < len(baselines):
            lines.append(f'- **{row}**: not every paired comparison with the '
                         'built-ins has finished yet.')
            continue
        judged += 1
        groups = {
            v: [b for b in baselines if got[b]['verdict'] == v]
            for v in ('ahead', 'not separated', 'behind')
        }
        if len(groups['ahead']) == len(baselines):
            winners.append(row)
            head = 'is ahead of every built-in distiller'
        else:
            head = 'is not ahead of every built-in distiller'
        def named(names: List[str]) -> str:
            return ', '.join(f'{b} ({fmt_interval(got[b])})' for b in names)

        parts = [f'ahead of {named(groups["ahead"]) or "none"}']
        if groups['not separated']:
            parts.append('not separated from ' +
                         named(groups['not separated']))
        if groups['behind']:
            parts.append(f'behind {named(groups["behind"])}')
        changed = [
            f'{b} {got[b]["holm"]}' for b in baselines
            if got[b].get('holm', got[b]['verdict']) != got[b]['verdict']
        ]
        if changed:
            parts.append(f'Holm-adjusted: {", ".join(changed)}')
        text = f'- **{row} {head}**: {"; ".join(parts)}.'
        host = rows[row].get('host')
        if host and (row, host) in by_pair:
            d = by_pair[(row, host)]
            text += (f' Over its host {host} (what {row.split(" + ")[0]} '
                     f'adds): {fmt_diff(d)}, {VERDICT_WORDS[d["verdict"]]}'
                     f'{fmt_holm(d)}.')
        lines.append(text)
    if judged:
        lines += ['', (f'Ahead of every built-in distiller: '
                       f'{", ".join(winners)}.' if winners else
                       'None of these methods is ahead of every built-in '
                       'distiller on this protocol (paired 95 % intervals '
                       'on the test seeds).')]
    return lines


class Report:
    """Collects what the records say about a protocol.

    Args:
        planner (Planner): The protocol's planner (current records only).
        cost (dict | None): The interleaved cost measurement, if any.
        extras (dict): Other records by name (teacher, analyser).
        records_dir (str): Where the records are (named in the report).
        quick (bool): Whether these are the quick mode's records.
        step_cost (dict | None): ``docs/step_cost.json`` (model-only step
            costs of the rows and cost-knob variants), if measured.
    """

    def __init__(self,
                 planner: Planner,
                 cost: Optional[dict],
                 extras: Dict[str, dict],
                 records_dir: str = 'benchmarks/fashion_mnist/records',
                 quick: bool = False,
                 step_cost: Optional[dict] = None) -> None:
        self.planner = planner
        self.protocol = planner.protocol
        self.cost = cost
        self.step_cost = step_cost
        self.extras = extras
        self.records_dir = records_dir
        self.quick = quick
        self.metric = self.protocol.metric
        self._reference: Optional[Dict[tuple, float]] = None

    def _records(self, runs: Sequence[Run]) -> List[dict]:
        return [r for r in map(self.planner.lookup, runs) if r is not None]

    def status(self) -> List[dict]:
        """Per stage: planned runs, finished runs, and what waits."""
        out = []
        for stage in self.protocol.stages():
            runs = self.planner.runs(stage)
            done = self._records(runs)
            out.append(
                dict(
                    stage=stage,
                    total=self.planner.size(stage),
                    planned=len(runs),
                    finished=len(done),
                    missing=[r.slug for r in runs
                             if self.planner.lookup(r) is None],
                    waiting=self.planner.blocked(stage),
                    machines=machines(done)))
        return out

    def reference(self) -> Dict[tuple, float]:
        """The student alone's score by (split, seed), from its final runs
        and every ablation run of its row: what a collapse is judged
        against (:func:`bench.stats.is_collapsed`). Read once per report."""
        if self._reference is None:
            runs = [] if STUDENT not in self.protocol.rows else (
                self.planner.final_runs(STUDENT) + [
                    r for name in self.protocol.ablations
                    for r in self.planner.ablation_runs(name)
                    if r.row == STUDENT
                ])
            self._reference = student_reference(self._records(runs),
                                                self.metric)
        return self._reference

    def _summarise(self,
                   row: str,
                   records: Sequence[dict],
                   reference: Optional[Dict[tuple, float]] = None) -> dict:
        """:func:`summarise`, collapses judged (against ``reference``, by
        default :meth:`reference`) except for the student."""
        return summarise(
            records, self.metric, None if row == STUDENT else
            (self.reference() if reference is None else reference))

    def final(self) -> Dict[str, dict]:
        """Row -> summary and records of its final runs (finished ones)."""
        return self._table(self.planner.final_runs, self.reference())

    def long(self) -> Dict[str, dict]:
        """:meth:`final` for the long-schedule stage; collapses judged
        against the student alone on the same schedule."""
        runs = self.planner.long_runs(STUDENT) if (
            STUDENT in self.protocol.rows) else []
        return self._table(self.planner.long_runs,
                           student_reference(self._records(runs),
                                             self.metric))

    def _table(self, runs_of, reference: Dict[tuple, float]) -> Dict[
            str, dict]:
        out = {}
        for row in self.protocol.rows:
            runs = runs_of(row)
            records = self._records(runs)
            if records:
                out[row] = dict(
                    summary=self._summarise(row, records, reference),
                    records=records,
                    complete=len(records) == len(runs),
                    options=dict(runs[0].options))
        return out

    def differences(self, final: Dict[str, dict]) -> List[dict]:
        """Paired differences of the final table."""
        baselines = self.protocol.output.baselines
        ours = [r for r in self.protocol.rows
                if r not in baselines and r != STUDENT]
        pairs = comparisons(self.protocol.rows, ours, baselines)
        # a baseline list may name the student alone: no row against itself
        pairs = [(b, STUDENT) for b in baselines if b != STUDENT] + pairs
        out = []
        for a, b in pairs:
            if a in final and b in final:
                diff = paired_difference(final[a]['records'],
                                         final[b]['records'], self.metric)
                if diff is not None:
                    out.append(dict(a=a, b=b, **diff))
        # the family: every row of the paired-difference table
        for d, adjusted in zip(out, holm(out)):
            d['holm'] = adjusted
        return out

    def tuning(self) -> Dict[str, List[dict]]:
        """Row -> its tuning table (finished points only)."""
        out = {}
        for row, grid in self.protocol.tuning.items():
            runs = self.planner.tuning_runs(row)
            table = self.planner.tuning_table(row)
            if table is None:  # partial: list the points that finished
                table = []
                for i, point in enumerate(grid):
                    recs = self._records([r for r in runs
                                          if r.variant == ('shipped' if i == 0
                                                           else f'point{i}')])
                    if recs:
                        table.append(
                            dict(
                                label=recs[0]['variant'],
                                options=point,
                                results=recs,
                                score=summarise(recs, self.metric)[
                                    self.metric.field]['mean']))
                complete = False
            else:
                complete = True
            if table:
                best = (max(table, key=lambda p: p['score'])['label']
                        if complete else None)
                out[row] = [dict(p, chosen=p['label'] == best) for p in table]
        return out

    def _ablation_records(self, name: str) -> Dict[str, List[dict]]:
        """Variant -> its finished records, for one ablation."""
        by_variant: Dict[str, List[dict]] = {}
        for run in self.planner.ablation_runs(name):
            record = self.planner.lookup(run)
            if record is not None:
                by_variant.setdefault(run.variant, []).append(record)
        return by_variant

    def ablations(self) -> Dict[str, List[dict]]:
        """Ablation -> variants with summaries and paired differences."""
        out = {}
        for name in self.protocol.ablations:
            by_variant = self._ablation_records(name)
            row_of = {
                r.variant: r.row
                for r in self.planner.ablation_runs(name)
            }
            default = by_variant.get('default', [])
            rows = []
            for variant, records in by_variant.items():
                rows.append(
                    dict(
                        variant=variant,
                        summary=self._summarise(row_of[variant], records),
                        options=records[0]['options'],
                        vs_default=None if variant == 'default' else
                        paired_difference(records, default, self.metric)))
            if rows:
                out[name] = rows
        return out

    def cost_choices(self) -> Dict[str, dict]:
        """Ablation -> :func:`cost_choice` of its ``cost_rule`` (ablations
        with a rule, once ``docs/step_cost.json`` gives the costs)."""
        if not self.step_cost:
            return {}
        out = {}
        for name, ablation in self.protocol.ablations.items():
            if 'cost_rule' in ablation:
                records = self._ablation_records(name)
                variants = ['default'] + [
                    v['name'] for v in ablation['variants']
                ]
                out[name] = cost_choice(
                    ablation['cost_rule'], ablation['row'],
                    {v: records.get(v, [])
                     for v in variants}, self.step_cost['methods'],
                    len(self.protocol.ablation_seeds(name)), self.metric)
        return out

    def collapse_choice(self) -> Optional[dict]:
        """:func:`bench.collapse.collapse_choice` over the ablations with a
        ``collapse_rule`` (None where the protocol declares none)."""
        names = [n for n, a in self.protocol.ablations.items()
                 if 'collapse_rule' in a]
        if not names:
            return None
        settings: Dict[str, List[dict]] = {}
        runs: Dict[str, int] = {}
        for name in names:
            by_variant = self._ablation_records(name)
            seeds = len(self.protocol.ablation_seeds(name))
            variants = ['default'] + [
                v['name'] for v in self.protocol.ablations[name]['variants']
            ]
            for variant in variants:
                settings.setdefault(variant, []).extend(
                    by_variant.get(variant, []))
                runs[variant] = runs.get(variant, 0) + seeds
        first = self.protocol.ablations[names[0]]
        methods = (self.step_cost or {}).get('methods', {})
        gflop = {
            v: methods[key]['gflop']
            for v in settings for key in [
                first['row'] if v == 'default' else f'{first["row"]}, {v}'
            ] if key in methods
        }
        choice = collapse_choice(settings, runs,
                                 first['collapse_rule']['departures'],
                                 self.reference(), gflop, self.metric)
        return dict(choice, ablations=names)

    def study_groups(self) -> Dict[str, List[dict]]:
        """The runs of every setting of the collapse study, per row
        (``'<row>, <setting>'``); {} where the protocol declares none."""
        groups: Dict[str, List[dict]] = {}
        for name, ablation in self.protocol.ablations.items():
            if 'collapse_rule' in ablation:
                for variant, records in self._ablation_records(name).items():
                    groups[f'{ablation["row"]}, {variant}'] = records
        return groups

    def collapse_groups(self) -> Dict[str, List[dict]]:
        """The runs whose curves explain collapses: :meth:`study_groups`
        and every final row (``'<row>, final'``)."""
        return {
            **self.study_groups(),
            **{
                f'{row}, final': entry['records']
                for row, entry in self.final().items()
            }
        }

    def _collapse_curve_lines(self) -> List[str]:
        table = collapse_curve_lines(self.collapse_groups(), self.reference(),
                                     self.metric)
        if not table:
            return []
        text = ('Per epoch, the mean of each logged term of every collapsed '
                "run against the median of the same setting's runs that did "
                'not collapse, and the first epoch where the run is more than '
                "10 % above that median (from the records' `curves`).")
        if any('collapse_rule' in a
               for a in self.protocol.ablations.values()):
            text += (" The collapse study's settings, each run's "
                     '`student.loss`: ![collapse curves]'
                     f'({self.protocol.output.name}_collapse.png)')
        return ['', '## Curves of the collapsed runs', '', text, '', *table]

    def repeats(self) -> List[dict]:
        """Runs that trained the same resolved config (same config hash,
        seed included): a tuned point's runs again as an ablation's
        ``default``. Their spread is the run-to-run noise of one
        configuration (another machine, other arithmetic), with no method
        change at all."""
        groups: Dict[str, List[dict]] = {}
        for stage in self.protocol.stages():
            for run in self.planner.runs(stage):
                record = self.planner.lookup(run)
                if record is not None and record.get('config_hash'):
                    groups.setdefault(record['config_hash'], []).append({
                        'slug': run.slug,
                        'device': record.get('device', '?'),
                        self.metric.field: self.metric.score(record)
                    })
        return [
            dict(
                config_hash=key,
                runs=runs,
                spread=max(map(self.metric.score, runs)) -
                min(map(self.metric.score, runs)))
            for key, runs in groups.items() if len(runs) > 1
        ]

    def as_dict(self) -> dict:
        final = self.final()
        out = dict(
            status=self.status(),
            tuning=self.tuning(),
            ablations=self.ablations(),
            final={k: dict(v, records=None)
                   for k, v in final.items()},
            differences=self.differences(final),
            cost_choices=self.cost_choices(),
            collapse_choice=self.collapse_choice(),
            repeats=self.repeats(),
            cost=self.cost,
            extras=self.extras)
        if self.protocol.long_schedule:
            long = self.long()
            out.update(
                long={k: dict(v, records=None)
                      for k, v in long.items()},
                long_differences=self.differences(long))
        return out

    def markdown(self, command: str) -> str:
        """The whole report as Markdown."""
        data = self.as_dict()
        final = self.final()
        p = self.protocol
        metric = self.metric
        lines = [
            f'# {p.output.heading()}', '',
            'Generated by `tools/benchmark.py` from the run records in '
            f'`{self.records_dir}/`; do not edit by hand. '
            f'Last command: `{command}`.', '',
            *([self._quick_line(), ''] if self.quick else []),
            '## Protocol', '',
            f'- declared in `{p.path}` before running;',
            *p.setup(),
            f'- seeds: tuning {p.seeds["tune"]} per grid point, ablations '
            f'{p.seeds["ablation"]}, final {p.seeds["final"]} (fixed before '
            'looking);',
            '- a distiller\'s frozen teacher runs once per training view '
            '(`model.cache_teacher_outputs`, where a config\'s only random '
            'transform is `RandomFlip`): the same teacher records and losses '
            'as a pass per batch, at a fraction of the compute;',
            '- a diverged run (stopped by `NonFiniteLossHook`) counts at '
            f'chance ({metric.chance:g}{metric.unit}) in means and paired '
            'differences, and is counted;',
            '- paired differences: per seed, a minus b; 95 % t interval '
            '(SciPy); "ahead" only when the interval lies above zero.',
        ]
        lines += self._declared_lines()
        teacher = self.extras.get('teacher')
        if teacher:
            lines.append(
                f'- teacher: {teacher["description"]}, test {metric.prose} '
                f'{teacher[metric.field]:.2f}{metric.unit}, weights '
                f'`{teacher["path"]}` (sha256 {teacher["hash"]}).')
        lines += ['', '## Status', '',
                  '| stage | runs in the protocol | planned now | finished | '
                  'trained on (runs) | waiting for tuning |',
                  '|---|---|---|---|---|---|']
        for s in data['status']:
            lines.append(f'| {s["stage"]} | {s["total"]} | {s["planned"]} | '
                         f'{s["finished"]} | '
                         + ', '.join(f'{k}: {v}'
                                     for k, v in s['machines'].items())
                         + f' | {", ".join(s["waiting"]) or "-"} |')
        lines += self._final_lines(final, data['differences'])
        if self.protocol.long_schedule:
            lines += self._long_lines(self.long(), data['long_differences'],
                                      final)
        lines += self._tuning_lines(data['tuning'])
        lines += self.ablation_lines(data['ablations'])
        for name, choice in data['cost_choices'].items():
            lines += cost_choice_lines(name, choice, metric)
        if data['collapse_choice']:
            lines += collapse_choice_lines(data['collapse_choice'],
                                           self.studied(), metric)
        lines += self._collapse_curve_lines()
        lines += self._repeat_lines(data['repeats'])
        lines += self._cost_lines()
        analyser = self.extras.get('analyser')
        if analyser:
            lines += self.analyser_lines(analyser)
        missing = [m for s in data['status'] for m in s['missing']]
        if missing:
            lines += ['', f'## Missing runs ({len(missing)})', '',
                      'Planned but without a current record (stale records '
                      'of changed configs count as missing):', '']
            lines += [f'- `{m}`' for m in missing[:60]]
            if len(missing) > 60:
                lines.append(f'- … and {len(missing) - 60} more')
        return '\n'.join(lines) + '\n'

    def _quick_line(self) -> str:
        """The quick mode's warning, with its epochs and training images
        (from the protocol's quick options; ``?`` where they set none)."""
        options = self.protocol.options.resolve('test', 0, quick=True)
        return (f'**Quick mode: {options.get("train_cfg.max_epochs", "?")} '
                'epoch(s) on '
                f'{options.get("train_dataloader.dataset.indices", "?")} '
                'images, one seed; a smoke test, the numbers mean nothing.**')

    def _declared_lines(self) -> List[str]:
        """The protocol's optional declarations, one line each: grid edges,
        the final table's machine, the longer schedule."""
        p, lines = self.protocol, []
        if p.grid_extensions:
            lines.append(
                '- grid edges: a row whose best held-out point lay at its '
                "grid's edge got the next value of that progression, once "
                f'({", ".join(p.grid_extensions)}; *edge* in the tuning '
                'table);')
        long = p.long_schedule
        if p.final_machine:
            stages = 'final and longer-schedule' if long else 'final'
            machine = ', '.join(f'{k} {v}' for k, v in p.final_machine.items())
            lines.append(
                f'- one machine per table: every {stages} run trains on '
                f'{machine}; a record from another machine is stale, and the '
                'tool leaves those runs to a matching one;')
        if long:
            options = long.get('options', {})
            given = fmt_options(options) if options else 'the same options'
            lines.append(
                f'- longer schedule: {", ".join(long["rows"])} at their tuned '
                f'settings, with {given}, on seeds {list(long["seeds"])} of '
                'the final table (test split), paired with its runs of those '
                'seeds.')
        return lines

    def studied(self) -> str:
        """The method of the collapse study: its first ablation's row, up to
        its host (``'UniKD'`` for ``'UniKD + KD'``)."""
        first = next(a for a in self.protocol.ablations.values()
                     if 'collapse_rule' in a)
        return first['row'].split(' + ')[0]

    def _final_lines(self, final: dict, diffs: List[dict]) -> List[str]:
        lines = ['', '## Final table (test set)', '']
        if not final:
            return lines + ['No final run has finished yet.']
        student = final.get(STUDENT)
        metric = self.metric
        extra = list(metric.extra)
        lines += [
            '| method | host | seeds (diverged, collapsed) | '
            + ''.join(f'{metric.header(f)} | ' for f in metric.fields)
            + 'vs host '
            '[95 % CI] | gain vs student | s/iter | MiB peak | '
            'training-only params | setting |',
            '|---|---|---|' + '---|' * len(extra) + '---|---|---|---|---|---|'
            '---|'
        ]
        by_pair = {(d['a'], d['b']): d for d in diffs}
        for row, f in final.items():
            host = self.protocol.rows[row].get('host')
            s = f['summary']
            gain = '-'
            if student:
                base = student['summary'][metric.field]['mean']
                gain = f'{s[metric.field]["mean"] - base:+.2f}'
            seeds = fmt_seeds(s) + (
                '' if f['complete'] else ' incomplete')
            lines.append(
                f'| {row} | {host or "-"} | {seeds} | '
                + ''.join(f'{fmt_pm(s, field)} | ' for field in metric.fields)
                + f'{fmt_diff(by_pair.get((row, host)))} | {gain} | '
                f'{s.get("sec_per_iter", 0):.3f} | '
                f'{s.get("peak_memory_mb", 0):.0f} | '
                f'{s.get("training_only_params", 0):,} | '
                f'{fmt_options(f["options"])} |')
        lines += [
            '', 'Collapsed: a finished run less than '
            f'{COLLAPSE_MARGIN:g} point above the student alone at the same '
            f'seed; it stays in the mean at its {metric.what} and is never '
            'rerun.',
            '', 's/iter: median of MMEngine\'s 10-iteration means (data '
            'included), median over seeds; end-to-end context only (it '
            'drifts with host load; see the cost section). MiB peak: on '
            'cuda the peak CUDA memory MMEngine logs (it includes the cached '
            'teacher records where the teacher cache is on: for UniKD the '
            'teacher\'s 28×28 stage), on CPU the peak RSS of the training '
            'process; the runs of this table trained on '
            + ', '.join(f'{k} ({v})' for k, v in machines(
                [r for f in final.values() for r in f['records']]).items())
            + '.', '',
            '### Paired differences (a − b, 95 % interval)', '',
            *difference_table(diffs)
        ]
        lines += ['', f'![paired differences]({self.protocol.output.name}'
                  '.png)', '', '### Verdict', '']
        return lines + self.verdicts(final, diffs)

    def verdicts(self,
                 final: Dict[str, dict],
                 diffs: List[dict],
                 shown: Optional[Sequence[str]] = None) -> List[str]:
        """:func:`verdict_lines` of ``shown`` rows (all where None), drawn
        from the complete final table only, never from its first seeds."""
        complete = all(
            final.get(row, {}).get('complete') for row in self.protocol.rows)
        return verdict_lines(diffs if complete else [], self.protocol.rows,
                             shown, self.protocol.output.baselines)

    def _long_lines(self, long: Dict[str, dict], diffs: List[dict],
                    final: Dict[str, dict]) -> List[str]:
        """The long-schedule table beside the final table's runs of the
        same rows and seeds, and its own paired differences."""
        spec = self.protocol.long_schedule
        metric = self.metric
        per_row = spec.get('row_options', {})
        lines = [
            '', '## Longer schedule (test set)', '',
            f'Rows {", ".join(spec["rows"])} again at their tuned settings, '
            f'on final seeds {spec["seeds"]}, with '
            f'{fmt_options(spec.get("options", {}))}'
            + ''.join(f'; {row}: {fmt_options(o)}'
                      for row, o in per_row.items())
            + '. Collapses are judged against the student alone on the same '
            'schedule.', ''
        ]
        if not long:
            return lines + ['No long-schedule run has finished yet.']
        lines += [
            f'| method | seeds (diverged, collapsed) | {metric.label} | '
            f'{metric.label}, final table, same seeds | long − final '
            '[95 % CI] |', '|---|---|---|---|---|'
        ]
        for row, f in long.items():
            seeds = {r['seed'] for r in f['records']}
            same = [
                r for r in final.get(row, {}).get('records', [])
                if r['seed'] in seeds
            ]
            short = summarise(same, metric) if same else None
            lines.append(
                f'| {row} | {fmt_seeds(f["summary"])}'
                f'{"" if f["complete"] else " incomplete"} | '
                f'{fmt_pm(f["summary"], metric.field)} | '
                f'{fmt_pm(short, metric.field) if short else "-"} | '
                f'{fmt_diff(paired_difference(f["records"], same, metric))} '
                '|')
        return lines + [
            '', '### Paired differences, longer schedule (a − b)', '',
            *difference_table(diffs)
        ]

    def _tuning_lines(self, tuning: Dict[str, List[dict]]) -> List[str]:
        name = self.metric.prose
        lines = ['', '## Tuning (held-out split)', '',
                 'Each row tunes only its own loss values; an add-on row '
                 'starts from its host\'s tuned setting. ✓ marks the point '
                 f'taken (best mean held-out {name}; ties go to the shipped '
                 'setting); *edge* marks a point the grid-edge rule added '
                 '(a row whose best point lay at its grid\'s edge gets the '
                 'next value of that progression, once).', '',
                 f'| row | point | own options | held-out {name} per seed | '
                 'mean | |', '|---|---|---|---|---|---|']
        for row, table in tuning.items():
            extension = self.protocol.grid_extensions.get(row)
            for point in table:
                edge = ' *edge*' if point['options'] == extension else ''
                per_seed = ', '.join(
                    'diverged' if r.get('diverged') else
                    f'{self.metric.score(r):.2f}' for r in point['results'])
                lines.append(
                    f'| {row} | {point["label"]}{edge} | '
                    f'{fmt_options(point["options"])} | {per_seed} | '
                    f'{point["score"]:.2f} | '
                    f'{"✓" if point["chosen"] else ""} |')
        return lines

    def ablation_lines(self,
                       ablations: Dict[str, List[dict]],
                       heading: str = '##') -> List[str]:
        """The tables of ``ablations`` (:meth:`ablations` entries), each
        with its centre row and seeds from the protocol."""
        lines = []
        for name, rows in ablations.items():
            ablation = self.protocol.ablations[name]
            centre = (f'{ablation["row"]} at the setting it was declared '
                      f'around ({fmt_options(ablation["centre"])})'
                      if 'centre' in ablation else
                      f'the tuned {ablation["row"]}')
            lines += ablation_table(name, centre, rows,
                                    self.protocol.ablation_seeds(name),
                                    self.metric, heading)
            records = [r for rs in self._ablation_records(name).values()
                       for r in rs]
            lines += ['', seed_machines_line(records)] if records else []
        return lines

    def _repeat_lines(self, repeats: List[dict]) -> List[str]:
        if not repeats:
            return []
        lines = [
            '', '## Repeated runs of one configuration', '',
            'Runs with the same config hash (resolved config and seed): a '
            'tuned point\'s seeds again as its ablation\'s `default`, '
            'sometimes on another device. They differ by run-to-run noise '
            f'alone; the largest spread of the {len(repeats)} is '
            f'{max(r["spread"] for r in repeats):.2f} points'
            + ''.join(f'; {label}: {len(group)} of them, largest spread '
                      f'{max(r["spread"] for r in group):.2f}'
                      for label, group in split_by_device(repeats))
            + '. Where a spread is not zero, one seed does not reproduce '
            'its run, so a paired difference carries that noise too.', '',
            f'| config hash | runs (device: {self.metric.prose}) | spread |',
            '|---|---|---|'
        ]
        for r in sorted(repeats, key=lambda r: -r['spread']):
            runs = '; '.join(f'`{x["slug"]}` ({x["device"]}: '
                             f'{self.metric.score(x):.2f})' for x in r['runs'])
            lines.append(f'| {r["config_hash"]} | {runs} | '
                         f'{r["spread"]:.2f} |')
        return lines

    def _cost_lines(self) -> List[str]:
        lines = ['', '## Cost of a training step (interleaved)', '']
        if not self.cost:
            return lines + ['Not measured yet (`python tools/benchmark.py '
                            '--stage cost`).']
        c = self.cost
        ref = self.protocol.output.cost_reference
        # records before the rotation (bench.cost.interleave) have no order;
        # those since it also hold the batches and weights (bench.cost)
        order = ('in an order rotated from round to round, every method on '
                 'the same batches at learning rate 0 (the same arithmetic; '
                 'the weights stay at their start, where without the '
                 'schedule\'s warm-up a distilled detector diverges within '
                 'a few dozen steps)' if c.get('order') == 'rotated' else
                 'in the same order every round')
        machine = (f'on {fingerprint_label(c["machine"])}'
                   if c.get('machine') else 'machine not recorded')
        lines += [
            f'`{c["command"]}`: {c["rounds"]} rounds; in each round every '
            'method runs one full training step (next batch from its '
            'dataloader, data preprocessor, forward, backward, optimizer '
            'step; the teacher runs every step, as in a plain '
            '`tools/train.py` run without `model.cache_teacher_outputs`) in '
            f'turn, {order}, on {c["threads"]} CPU thread(s), batch '
            f'{c["batch_size"]}, {machine}. Ratio = the method\'s step time '
            f'over {ref}\'s in the same round; median over rounds, with the '
            'interquartile range.', '',
            f'| method | ms/step (median) | vs {ref} (median) | '
            'IQR of the ratio |', '|---|---|---|---|'
        ]
        for row, m in c['methods'].items():
            lines.append(f'| {row} | {m["ms"]:.1f} | {m["ratio"]:.2f}× | '
                         f'{m["ratio_q1"]:.2f}–{m["ratio_q3"]:.2f}'
                         f'{" (stale)" if m.get("stale") else ""} |')
        if c.get('control'):
            m = c['control']
            lines += [
                '', f'Control: a second copy of {ref}, built after the '
                f'others, measured {m["ratio"]:.2f}× {ref} (IQR '
                f'{m["ratio_q1"]:.2f}–{m["ratio_q3"]:.2f}): a ratio that far '
                'from 1 or closer is within this measurement\'s noise.'
            ]
        stale = [row for row, m in c['methods'].items() if m.get('stale')]
        if stale:
            lines += [
                '', f'Stale (measured on another config or tuned setting '
                f'than the current one): {", ".join(stale)}. Rerun '
                '`python tools/benchmark.py --stage cost`.'
            ]
        return lines

    @staticmethod
    def analyser_lines(analyser: dict) -> List[str]:
        lines = [
            '', '## MGKD analyser (stage 2)', '',
            f'`{analyser["config"]}`, trained by '
            '`tools/analysis_tools/mgkd_analyser.py` on training images '
            '0-50k until its mean held-out agreement with the teacher '
            f'stopped improving: best epoch {analyser["best_epoch"]} of '
            f'{analyser["epochs"]}; weights `{analyser["path"]}` (sha256 '
            f'{analyser["hash"]}). A constant branch would agree with the '
            'teacher as often as the teacher predicts its most frequent '
            'class (majority).', '',
            '| split | teacher top-1 | majority | branch (code, τ) | top-1 | '
            'agreement |', '|---|---|---|---|---|---|'
        ]
        for split in ('heldout', 'test'):
            part = analyser[split]
            for b in part['branches']:
                lines.append(
                    f'| {split} | {part["teacher_top1"]:.2f} | '
                    f'{part["teacher_majority"]:.2f} | ({b["code_dim"]}, '
                    f'{b["tau"]:g}) | {b["top1"]:.2f} | '
                    f'{b["agreement"]:.2f} |')
        return lines


def split_by_device(repeats: List[dict]) -> List[tuple]:
    """(label, repeats) for the repeats whose runs all trained on the CPU,
    and for those where one ran on CUDA (empty groups left out)."""
    on_cpu = [r for r in repeats
              if all(x['device'] == 'cpu' for x in r['runs'])]
    with_cuda = [r for r in repeats if r not in on_cpu]
    return [(label, group) for label, group in (
        ('all runs on cpu', on_cpu), ('a run on cuda', with_cuda)) if group]


def ablation_table(name: str,
                   centre: str,
                   rows: List[dict],
                   seeds: Sequence[int],
                   metric: Metric,
                   heading: str = '##') -> List[str]:
    """One ablation's table (Markdown lines, a heading first).

    Args:
        name (str): The ablation's name in the protocol.
        centre (str): What ``default`` is, e.g. ``'the tuned KD'``.
        rows (list): :meth:`Report.ablations` entries of this ablation.
        seeds (Sequence[int]): The ablation seeds the protocol declares.
        metric (Metric): The protocol's score.
        heading (str): The Markdown heading level of its title.
    """
    lines = [
        '', f'{heading} Ablation: {name} (held-out split)', '',
        f'One factor at a time around {centre}, seeds '
        f'{list(seeds)}; paired difference against `default` (that '
        'setting). A variant reads "ahead" or "behind" only when its interval '
        'excludes zero.', '',
        f'| variant | seeds (diverged, collapsed) | held-out {metric.prose} | '
        'vs default '
        '[95 % CI] |', '|---|---|---|---|'
    ]
    for r in rows:
        s = r['summary']
        lines.append(f'| {r["variant"]} | {fmt_seeds(s)} | '
                     f'{fmt_pm(s, metric.field)} | '
                     f'{fmt_diff(r["vs_default"])} |')
    return lines


def cost_choice(rule: dict, centre: str, records: Dict[str, List[dict]],
                step_cost: Dict[str, dict], seeds: int,
                metric: Metric) -> dict:
    """The default an ablation's ``cost_rule`` picks (rule: see
    ``benchmarks/fashion_mnist/protocol.py``).

    Args:
        rule (dict): ``authors`` (``'default'`` or a variant name: the
            authors' setting) and ``budget`` (times KD's step).
        centre (str): The ablation's centre row; ``step_cost`` names the
            ``default`` by it and a variant as ``'<centre>, <variant>'``.
        records (dict): Every variant of the ablation -> its records.
        step_cost (dict): Method name -> ``gflop`` and ``ms`` of one step
            (``docs/step_cost.json``'s ``methods``), ``'KD'`` included.
        seeds (int): Seeds per variant; a setting short of them waits.
        metric (Metric): The protocol's score.

    Returns:
        dict: ``rule``; ``settings``, the variants with a measured cost,
        cheapest first (``flops_vs_kd``, ``time_vs_kd``, ``within_budget``,
        ``runs``, ``summary``, ``vs_authors``: the paired difference against
        the authors' setting); ``chosen``, the variant the rule picks, None
        while a setting misses runs.
    """
    kd = step_cost['KD']
    authors = records[rule['authors']]
    settings = []
    for variant, recs in records.items():
        name = centre if variant == 'default' else f'{centre}, {variant}'
        if name not in step_cost:
            continue  # not a cost knob
        flops = step_cost[name]['gflop'] / kd['gflop']
        time = step_cost[name]['ms'] / kd['ms']
        settings.append(
            dict(
                variant=variant,
                flops_vs_kd=flops,
                time_vs_kd=time,
                within_budget=max(flops, time) <= rule['budget'],
                runs=len(recs),
                summary=summarise(recs, metric) if recs else None,
                vs_authors=None if variant == rule['authors'] else
                paired_difference(recs, authors, metric)))
    settings.sort(key=lambda s: s['flops_vs_kd'])
    by_name = {s['variant']: s for s in settings}
    if rule['authors'] not in by_name:
        raise ValueError(f'cost_rule.authors = {rule["authors"]!r} has no '
                         'step cost; rerun tools/analysis_tools/'
                         'step_cost.py with --variants')
    chosen = None
    if all(s['runs'] == seeds for s in settings):
        # the authors' setting is within the budget itself, or the cheapest
        # other setting within it that is not behind the authors'
        fits = [
            s for s in settings if s['within_budget'] and
            (s['vs_authors'] or {}).get('verdict', 'behind') != 'behind'
        ]
        if by_name[rule['authors']]['within_budget'] or not fits:
            chosen = rule['authors']
        else:
            chosen = fits[0]['variant']
    return dict(rule=rule, settings=settings, chosen=chosen)


def cost_choice_lines(name: str, choice: dict, metric: Metric,
                      heading: str = '##') -> List[str]:
    """Markdown lines of a :func:`cost_choice`: its rule, its table and the
    default it picks."""
    rule = choice['rule']
    authors, budget = rule['authors'], rule['budget']
    lines = [
        '', f'{heading} Default by {metric.what} for its cost: {name}', '',
        "Rule, declared in the protocol before the ablation's last seed ran: "
        'a setting is within the budget when its step FLOPs and its '
        f'model-only step time (`docs/step_cost.md`) are both at most '
        f"{budget:g}× KD's. The authors' setting (`{authors}`) stays the "
        'default where it is within the budget itself; otherwise the '
        'cheapest setting within the budget that is not behind it on the '
        "held-out split becomes the default, and the authors' setting stays "
        'where every such setting is behind. "Not behind" over a few seeds '
        'is weak evidence: it means no loss was measured, not that none '
        'exists.', '',
        '| setting | step FLOPs vs KD | step time vs KD | within the budget '
        f"| held-out {metric.prose} | vs the authors' setting [95 % CI] |",
        '|---|---|---|---|---|---|'
    ]
    for s in choice['settings']:
        label = s['variant']
        if label == authors and "the authors'" not in label:
            label += " (the authors')"
        score = (f'{fmt_pm(s["summary"], metric.field)} ({s["runs"]} seeds)'
                 if s['summary'] else 'not run yet')
        lines.append(f'| {label} | {s["flops_vs_kd"]:.2f}× | '
                     f'{s["time_vs_kd"]:.2f}× | '
                     f'{"yes" if s["within_budget"] else "no"} | {score} | '
                     f'{fmt_diff(s["vs_authors"])} |')
    chosen = choice['chosen']
    if chosen is None:
        verdict = 'Waiting for runs: every setting needs all its seeds.'
    else:
        verdict = (f'**The rule picks `{chosen}`**'
                   + (" (the authors' setting)" if chosen == authors else '')
                   + (': the shipped default.' if chosen == 'default' else
                      ': not the shipped default (`default`) yet.'))
    return lines + ['', verdict]


def plot(differences: List[dict], path: str, metric: Metric) -> None:
    """Paired differences with their 95 % intervals (a forest plot)."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    labels = [f'{d["a"]} − {d["b"]}' for d in differences]
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(labels) + 1.2))
    for i, d in enumerate(differences):
        color = {'ahead': 'tab:green', 'behind': 'tab:red'}.get(
            d['verdict'], 'tab:gray')
        ax.plot([d['low'], d['high']], [i, i], color=color, lw=2)
        ax.plot(d['mean'], i, 'o', color=color)
    ax.axvline(0, color='black', lw=0.8)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel(f'paired {metric.prose} difference (points), 95 % '
                  'interval')
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def replace_block(path: str, body: str, markers: Tuple[str, str]) -> bool:
    """Replace the generated block of a Markdown file; False if absent.

    Args:
        path (str): The Markdown file.
        body (str): The block's new text.
        markers (tuple[str, str]): Its begin and end lines
            (:attr:`bench.task.Output.markers`).
    """
    begin, end = markers
    with open(path) as f:
        text = f.read()
    pattern = re.compile(re.escape(begin) + '.*?' + re.escape(end), re.S)
    if not pattern.search(text):
        return False
    new = pattern.sub(lambda _: f'{begin}\n{body}\n{end}', text)
    if new != text:
        with open(path, 'w') as f:
            f.write(new)
    return True


def results_block(final: Dict[str, dict],
                  diffs: List[dict],
                  rows: Sequence[str],
                  metric: Metric,
                  doc: str,
                  link: str,
                  verdicts: Sequence[str] = ()) -> str:
    """A short table of ``rows`` for a README block: the score and each
    extra metric field (mean ± std over the test seeds), the paired
    differences on the score.

    Args:
        final (dict): :meth:`Report.final`.
        diffs (list): :meth:`Report.differences`.
        rows (Sequence[str]): Rows to show (and differences they lead).
        metric (Metric): The protocol's score.
        doc (str): The full report (``docs/benchmark.md``).
        link (str): Relative path of ``doc`` from the README.
        verdicts (Sequence[str]): :func:`verdict_lines` for these rows.
    """
    lines = [
        '| method | seeds (diverged, collapsed) | '
        + ' | '.join(f'test {metric.header(f)}' for f in metric.fields)
        + ' |', '|---|---|---|' + '---|' * len(metric.extra)
    ]
    for row in rows:
        if row in final:
            s = final[row]['summary']
            lines.append(f'| {row} | {fmt_seeds(s)}'
                         f'{"" if final[row]["complete"] else " incomplete"}'
                         ' | ' + ' | '.join(fmt_pm(s, f)
                                            for f in metric.fields) + ' |')
        else:
            lines.append(f'| {row} | 0 | not run yet |'
                         + ' - |' * len(metric.extra))
    shown = [d for d in diffs if d['a'] in rows]
    if shown:
        lines += [
            '', '| a − b | seeds | difference [95 % CI] | Holm | '
            'detectable |', '|---|---|---|---|---|'
        ]
        lines += [
            f'| {d["a"]} − {d["b"]} | {d["n"]} | {fmt_diff(d)} | '
            f'{d.get("holm", "-")} | {d["detectable"]:.2f} |' for d in shown
        ]
    if verdicts:
        lines += ['', *verdicts]
    lines += ['', f'Generated from the run records; protocol, tuning, '
              f'ablations and costs: [{doc}]({link}).']
    return '\n'.join(lines)


def write_json(data: dict, path: str) -> None:
    with open(path, 'w') as f:
        json.dump(data, f, indent=1, default=str)
        f.write('\n')


def output_paths(out_dir: str, name: str) -> Dict[str, str]:
    """``<out_dir>/<name>.{md,json,png}`` by extension."""
    return {
        ext: osp.join(out_dir, f'{name}.{ext}')
        for ext in ('md', 'json', 'png')
    }


def difference_table(diffs: List[dict]) -> List[str]:
    """The paired differences of one table, with their Holm-adjusted
    verdicts (the family: these comparisons) and detectable differences."""
    return [
        f'Holm: the verdict adjusted for the {len(diffs)} comparisons of '
        'this table (family-wise 5 %). Detectable: the smallest true '
        f'difference this design detects with {POWER:.0%} power, '
        '(t₀.₉₇₅ + t₀.₈₀) · SD / √n from the spread of the paired '
        'differences.', '',
        '| a | b | seeds | difference [95 % CI] | Holm | detectable |',
        '|---|---|---|---|---|---|', *(
            f'| {d["a"]} | {d["b"]} | {d["n"]} | {fmt_diff(d)} | '
            f'{d.get("holm", "-")} | {d["detectable"]:.2f} |' for d in diffs)
    ]


def collapse_choice_lines(choice: dict,
                          method: str,
                          metric: Metric,
                          heading: str = '##') -> List[str]:
    """Markdown lines of :meth:`Report.collapse_choice`: every setting over
    both rows of the study, and the default the rule picks.

    Args:
        choice (dict): :meth:`Report.collapse_choice`.
        method (str): The method studied (``'UniKD'``).
        metric (Metric): The protocol's score.
        heading (str): The Markdown heading level of its title.
    """
    lines = [
        '', f'{heading} {method} collapse study: the default it picks', '',
        f'Settings studied over {", ".join(choice["ablations"])} together '
        '(held-out split; a run is collapsed when it ends less than '
        f'{COLLAPSE_MARGIN:g} point above the student alone at its seed). '
        'Rule, declared in the protocol before the runs: a setting qualifies '
        "with zero collapses and divergences; among the authors'-code "
        'settings the cheapest not behind another is picked; a departure '
        "from the authors' code is chosen only if none of those qualifies "
        'or if it is ahead of the pick. Each setting is set against the '
        'pick, or, where nothing qualifies, against what stays the '
        'default (paired by row and seed).', '',
        '| setting | departure | runs | collapsed | diverged | '
        f'mean {metric.prose} | '
        f'worst seed | vs `{choice.get("versus") or "the pick"}` '
        '[95 % CI] | qualifies |',
        '|---|---|---|---|---|---|---|---|---|'
    ]
    for name, s in choice['settings'].items():
        collapsed = '?' if s['collapsed'] is None else str(s['collapsed'])
        if s['collapsed_seeds']:
            collapsed += ' (' + ', '.join(
                f'{row} seed {seed}'
                for row, seed in s['collapsed_seeds']) + ')'
        mean = '-' if s['mean'] is None else f'{s["mean"]:.2f}'
        lines.append(
            f'| {name} | {"yes" if s["departure"] else "no"} | {s["runs"]}'
            f'{"" if s["complete"] else " (incomplete)"} | {collapsed} | '
            f'{s["diverged"]} | {mean} | {fmt_worst(s["worst"], metric)} | '
            f'{fmt_diff(s.get("vs"))} | '
            f'{"yes" if s["qualifies"] else "no"} |')
    verdict = (f'**The rule picks `{choice["chosen"]}`**: {choice["why"]}.'
               if choice['chosen'] else f'Not decided yet: {choice["why"]}.')
    return lines + ['', verdict]
