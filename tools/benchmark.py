"""Benchmark our distillers against MMRazor's built-in ones.

Runs a declared protocol (``--protocol``; default
``benchmarks/fashion_mnist/protocol.py``, image classification on
Fashion-MNIST; ``benchmarks/fashion_mnist_det/protocol.py`` is object
detection): tuning on a held-out split (every row tunes only its own loss
values over its declared grid), one-factor ablations, and the final table on
the test split with paired seeds. The protocol names its score, run options,
teacher and outputs (``bench.task``). Every run trains a student with
``tools/train.py`` and writes one small record under ``<protocol's
folder>/records/``; a rerun skips runs whose current record exists and
reruns stale ones, so the protocol can be finished in several sittings, on
several machines (commit the records). The teacher (and the MGKD analyser)
weights are committed with their hashes, so every machine distils from the
same ones.

    python tools/benchmark.py                  # everything missing, report
    python tools/benchmark.py --max-runs 10    # one sitting of 10 runs
    python tools/benchmark.py --jobs 2 --threads 1  # 2 runs at a time
    python tools/benchmark.py --stage tune     # one stage only
    python tools/benchmark.py --list           # planned / done / waiting
    python tools/benchmark.py --report         # rebuild docs from records
    python tools/benchmark.py --quick          # smoke test (tiny, own dirs)
    python tools/benchmark.py --protocol \\
        benchmarks/fashion_mnist_det/protocol.py   # the detection one

The report (``docs/<name>.{md,json,png}``, ``docs/benchmark.*`` for
classification) and the generated blocks of README.md, the config READMEs
and metafiles are built from current records only. One classification run
takes about 2.5 minutes on 2 idle CPU cores. With ``--jobs`` above 1 the
runs share the machine, so their s/iter in the records is
context only; the cost stage measures step times interleaved, alone.
"""
import argparse
import json
import os
import os.path as osp
import shlex
import shutil
import subprocess
import sys
from concurrent.futures import (FIRST_COMPLETED, Future, ThreadPoolExecutor,
                                wait)
from typing import Any, Dict, List, Optional

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmrazor_unified.utils.export import export_weights

from bench import cost as cost_module  # noqa: E402  (after the compat)
from bench.curves import plot_collapse_curves  # noqa: E402
from bench.metafile import update_metafiles  # noqa: E402
from bench.plan import LONG, STAGES, Planner, Protocol, Run  # noqa: E402
from bench.machine import fingerprint  # noqa: E402
from bench.records import (RecordStore, config_hash, file_hash,  # noqa: E402
                           matches)
from bench.report import (Report, collapse_choice_lines,  # noqa: E402
                          cost_choice_lines, output_paths, plot,
                          replace_block, results_block, write_json)
from bench.run import (Context, all_options, execute,  # noqa: E402
                       format_value, max_epochs, present_keys, run_env,
                       weight_options)
from bench.task import Metric  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
BENCH_DIR = 'benchmarks/fashion_mnist'
PROTOCOL = osp.join(BENCH_DIR, 'protocol.py')
# MGKD's stage 2, for the configs that load it (classification)
ANALYSER_CONFIG = ('configs/mgkd/'
                   'mgkd_analyser_resnet18-w16_1xb128_fashion-mnist.py')
ANALYSER_WEIGHTS = osp.join(BENCH_DIR, 'mgkd_analyser_resnet18-w16.pth')
ANALYSER_KEY = 'model.distiller.connectors.mgkd_analyser.checkpoint'
# order in which `--stage all` trains: the final table before the ablations
# (and last, where the protocol declares one, the long-schedule table)
RUN_ORDER = ('tune', 'final', 'ablation', LONG)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('--stage', choices=[*STAGES, LONG, 'cost', 'all'],
                        default='all')
    parser.add_argument('--rows', nargs='+', default=None,
                        help='only these rows (their hosts come along)')
    parser.add_argument('--max-runs', type=int, default=None,
                        help='stop after this many trainings')
    parser.add_argument('--list', action='store_true',
                        help='print the plan and what is done; run nothing')
    parser.add_argument('--report', action='store_true',
                        help='only rebuild the report from the records')
    parser.add_argument('--quick', action='store_true',
                        help='smoke test: tiny subsets, one seed, own dirs')
    parser.add_argument('--device', choices=['cpu', 'cuda'], default='cpu')
    parser.add_argument('--jobs', type=int, default=1,
                        help='runs training at the same time')
    parser.add_argument('--threads', type=int, default=0,
                        help='torch threads per run (default: torch\'s)')
    parser.add_argument(
        '--cpu-isa',
        choices=['avx2', 'native'],
        default='avx2',
        help='cap the runs\' CPU kernels (torch, oneDNN, MKL) at AVX2 so '
        'AVX2 and AVX-512 machines replay each other (x86-64; default), '
        'or let each machine use its own')
    parser.add_argument(
        '--no-teacher-cache',
        action='store_true',
        help='run the frozen teacher on every batch instead of once per '
        'training view (model.cache_teacher_outputs)')
    parser.add_argument('--cost-rounds', type=int, default=60)
    parser.add_argument('--protocol', default=PROTOCOL)
    parser.add_argument(
        '--work-dir',
        default=None,
        help='default: work_dirs/<report name>[_quick] (work_dirs/benchmark '
        'for classification)')
    parser.add_argument('--records', default=None,
                        help="default: <protocol's folder>/records "
                        '(quick: <work-dir>/records)')
    parser.add_argument('--out-dir', default=None,
                        help='default: docs (quick: the work dir)')
    return parser.parse_args()


def set_defaults(args: argparse.Namespace, protocol: Protocol) -> None:
    """Fill in the protocol's default directories and ``--quick`` rows."""
    name = protocol.output.name
    args.work_dir = args.work_dir or (f'work_dirs/{name}_quick'
                                      if args.quick else f'work_dirs/{name}')
    args.records = args.records or (osp.join(args.work_dir, 'records')
                                    if args.quick else osp.join(
                                        osp.dirname(protocol.path), 'records'))
    args.out_dir = args.out_dir or (args.work_dir if args.quick else 'docs')
    if args.quick and args.rows is None and protocol.output.quick_rows:
        args.rows = list(protocol.output.quick_rows)


def tool(name: str, *args: str, device: str = 'cpu') -> None:
    """Run ``tools/<name>`` with this interpreter from the repository."""
    cmd = [sys.executable, osp.join('tools', name), *args]
    print('\n$ ' + shlex.join(cmd), flush=True)
    env = dict(os.environ)
    if device == 'cpu':
        env['CUDA_VISIBLE_DEVICES'] = ''
    subprocess.run(cmd, cwd=ROOT, check=True, env=env)


def cfg_options(options: Dict[str, Any]) -> List[str]:
    """``--cfg-options k=v ...`` of ``options`` ([] where empty)."""
    return ['--cfg-options', *(f'{k}={format_value(v)}'
                               for k, v in options.items())] if options else []


def test_scores(config: str, ckpt: str, work_dir: str, metric: Metric,
                options: Dict[str, Any]) -> Dict[str, float]:
    """The metric's record fields of ``ckpt`` by ``tools/test.py``."""
    out = osp.join(work_dir, 'test_metrics.json')
    tool('test.py', config, ckpt, '--work-dir', work_dir, '--out', out,
         *cfg_options(options))
    with open(out) as f:
        return metric.read(json.load(f))


def prepare_teacher(args: argparse.Namespace, protocol: Protocol) -> dict:
    """The protocol's committed teacher (trained here if absent); its
    record (its weights' hash and test scores).

    With ``--list`` or ``--report`` nothing is trained: the teacher must
    exist.
    """
    spec = protocol.teacher
    weights = (osp.join(args.work_dir, 'teacher.pth')
               if args.quick else spec.weights)
    record_path = osp.join(args.records, 'teacher.json')
    if osp.isfile(weights) and osp.isfile(record_path):
        with open(record_path) as f:
            record = json.load(f)
        if record['hash'] == file_hash(weights):
            return record
    if args.list or args.report:
        sys.exit(f'No teacher of {protocol.path} ({spec.config}) at '
                 f'{weights} with a matching {record_path}: run the '
                 'benchmark without --list/--report to train it.')
    work_dir = osp.join(args.work_dir, 'teacher')
    train = spec.options('train', args.quick)
    if not osp.isfile(weights):
        tool('train.py', spec.config, '--work-dir', work_dir,
             *cfg_options(train), device=args.device)
        epochs = max_epochs(osp.join(ROOT, spec.config), train)
        export_weights(osp.join(work_dir, f'epoch_{epochs}.pth'), weights)
    record = dict(
        path=weights,
        hash=file_hash(weights),
        **test_scores(spec.config, weights, work_dir, protocol.metric,
                      spec.options('test', args.quick)),
        description=spec.describe(args.quick))
    os.makedirs(args.records, exist_ok=True)
    with open(record_path, 'w') as f:
        json.dump(record, f, indent=1)
    return record


def prepare_analyser(args: argparse.Namespace, teacher: dict,
                     teacher_key: str, records: str) -> Optional[str]:
    """The committed MGKD stage-2 analyser (trained here if absent).

    Trained by ``tools/analysis_tools/mgkd_analyser.py`` (held-out
    stopping); its branch report becomes the ``mgkd_analyser.json`` record.
    With ``--list`` or ``--report`` nothing is trained: None if absent.
    """
    weights = (osp.join(args.work_dir, 'mgkd_analyser.pth')
               if args.quick else ANALYSER_WEIGHTS)
    record_path = osp.join(records, 'mgkd_analyser.json')
    if osp.isfile(weights) and osp.isfile(record_path):
        with open(record_path) as f:
            record = json.load(f)
        if (record['hash'], record['teacher_hash']) == (file_hash(weights),
                                                         teacher['hash']):
            return weights
    if args.list or args.report:
        return None  # its runs show as missing
    work_dir = osp.join(args.work_dir, 'mgkd_analyser')
    quick = [
        'train_dataloader.dataset.index_range=(0,320)',
        'val_dataloader.dataset.index_range=(50000,50256)',
        'test_dataloader.dataset.indices=256', 'train_cfg.max_epochs=1'
    ]
    tool('analysis_tools/mgkd_analyser.py', ANALYSER_CONFIG, '--work-dir',
         work_dir, '--cfg-options', f'{teacher_key}={teacher["path"]}',
         *(quick if args.quick else []), device=args.device)
    with open(osp.join(work_dir, 'branch_accuracy.json')) as f:
        report = json.load(f)
    shutil.copyfile(report['analyser_ckpt'], weights)
    report.update(
        path=weights, hash=file_hash(weights), teacher_hash=teacher['hash'])
    with open(record_path, 'w') as f:
        json.dump(report, f, indent=1)
    return weights


def with_hosts(protocol: Protocol, rows: Optional[List[str]]) -> Optional[
        List[str]]:
    """``rows`` plus, recursively, their hosts (in protocol order)."""
    if rows is None:
        return None
    unknown = set(rows) - set(protocol.rows)
    if unknown:
        sys.exit(f'unknown --rows {sorted(unknown)}; rows: '
                 f'{list(protocol.rows)}')
    wanted = set(rows)
    for row in rows:
        host = protocol.rows[row].get('host')
        while host:
            wanted.add(host)
            host = protocol.rows[host].get('host')
    return [r for r in protocol.rows if r in wanted]


def restrict(protocol: Protocol, rows: Optional[List[str]]) -> Protocol:
    """The protocol with only ``rows`` (and the ablations centred on them,
    and only those rows in its long schedule)."""
    if rows is None:
        return protocol
    long = protocol.long_schedule
    if long is not None:
        kept = [row for row in long['rows'] if row in rows]
        protocol.long_schedule = dict(
            long,
            rows=kept,
            row_options={
                k: v
                for k, v in long.get('row_options', {}).items() if k in kept
            }) if kept else None
    protocol.rows = {k: v for k, v in protocol.rows.items() if k in rows}
    protocol.tuning = {k: v for k, v in protocol.tuning.items() if k in rows}
    protocol.ablations = {
        k: v
        for k, v in protocol.ablations.items()
        if v['row'] in rows and all(
            x.get('row', v['row']) in rows for x in v['variants'])
    }
    return protocol


class Benchmark:
    """Protocol, records, planner and run context of one invocation."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        protocol = Protocol.load(args.protocol)
        set_defaults(args, protocol)
        if args.quick:
            protocol = protocol.quick()
        self.protocol = restrict(protocol, with_hosts(protocol, args.rows))
        self.teacher = prepare_teacher(args, protocol)
        weights = {protocol.teacher.key: self.teacher['path']}
        self.context = Context(
            root=ROOT,
            work_dir=args.work_dir,
            weights=weights,
            device=args.device,
            quick=args.quick,
            threads=args.threads,
            teacher_cache=not args.no_teacher_cache,
            isa=args.cpu_isa)
        self.store = RecordStore(args.records, self.fingerprint)
        self.planner = Planner(self.protocol, self.store.current)
        # slugs of the runs that failed (not diverged) in this invocation,
        # with why: not retried (a run's options may hold lists: runs are
        # not hashable, their slugs are)
        self.failed: Dict[str, str] = {}
        # why this machine may not train final runs ('' if it may; None
        # until checked, see machine_mismatch)
        self.mismatch: Optional[str] = None
        # configs parsed once for all the hashes of this invocation
        self.configs: Dict[str, Any] = {}

    def weights_for(self, run: Run) -> Dict[str, Optional[str]]:
        """The checkpoint options of ``run``; trains MGKD's stage 2 for the
        first run that needs it (None where ``--list``/``--report`` cannot
        train it)."""
        if ANALYSER_KEY not in self.context.weights and present_keys(
                osp.join(ROOT, run.config), (ANALYSER_KEY, )):
            self.context.weights[ANALYSER_KEY] = prepare_analyser(
                self.args, self.teacher, self.protocol.teacher.key,
                self.args.records)
        return weight_options(self.context, run.config)

    def fingerprint(self, run: Run) -> dict:
        """The hashes a record of ``run`` must carry to be current."""
        weights = self.weights_for(run)
        out = dict(
            config_hash=config_hash(
                run.config,
                all_options(self.protocol, run, self.args.quick),
                ROOT,
                weights,
                cache=self.configs))
        for key, path in sorted(weights.items()):
            # no weights yet: no record can be current
            out[f'weights_hash.{key}'] = file_hash(path) if path else None
        if run.stage in ('final', LONG) and self.protocol.final_machine:
            # one machine per table: a final (or long-schedule) record from
            # another is stale
            out['machine'] = dict(self.protocol.final_machine)
        return out

    def stages(self) -> List[str]:
        stage = self.args.stage
        declared = self.protocol.stages()
        if stage not in (*declared, 'cost', 'all'):
            sys.exit(f'--stage {stage}: {self.protocol.path} declares no '
                     f'such stage (no long_schedule); stages: {declared}')
        return [s for s in RUN_ORDER if s in declared] if stage == 'all' else (
            [] if stage == 'cost' else [stage])

    def machine_mismatch(self) -> Optional[str]:
        """Why this machine may not train final or long-schedule runs (its
        fingerprint differs from the protocol's ``final_machine``), or None
        when it may."""
        wanted = self.protocol.final_machine
        if not wanted:
            return None
        context = self.context
        here = fingerprint(context.device, run_env(context), context.isa)
        if matches(here, wanted):
            return None
        differ = {
            k: here.get(k)
            for k, v in wanted.items() if here.get(k) != v
        }
        return (f'final_machine = {wanted!r} in {self.protocol.path}, but '
                f'this machine (--device {context.device}, --threads '
                f'{context.threads}, --cpu-isa {context.isa}) has {differ}: '
                'final and long-schedule records from it would be stale, so '
                'those runs are left for a matching machine')

    def pending(self) -> List[Run]:
        stages = self.stages()
        if set(stages) & {'final', LONG} and self.mismatch is None:
            self.mismatch = self.machine_mismatch() or ''
            if self.mismatch:
                print(f'Skipping final and long-schedule runs: '
                      f'{self.mismatch}', flush=True)
        if self.mismatch:
            stages = [s for s in stages if s not in ('final', LONG)]
        return [
            run for stage in stages
            for run in self.planner.runs(stage)
            if self.store.current(run) is None
            and run.slug not in self.failed
        ]

    def run_all(self) -> None:
        """Train missing runs, ``--jobs`` at a time, up to ``--max-runs``.

        The plan is renewed whenever a run finishes: tuned settings (and so
        the runs of add-on rows, ablations and the final table) appear as
        tuning records land. A run that fails (other than by diverging)
        writes no record and is not retried here; the others go on.
        """
        started = 0
        with ThreadPoolExecutor(self.args.jobs) as pool:
            running: Dict[Future, Run] = {}
            while True:
                busy = {r.slug for r in running.values()}
                pending = [r for r in self.pending() if r.slug not in busy]
                while pending and len(running) < self.args.jobs and (
                        self.args.max_runs is None
                        or started < self.args.max_runs):
                    run = pending.pop(0)
                    self.weights_for(run)  # before the run reads them
                    stale = (' (replacing a stale record)'
                             if self.store.is_stale(run) else '')
                    print(f'[{len(pending) + 1} runs pending] {run.slug}'
                          f'{stale}', flush=True)
                    running[pool.submit(execute, self.context, self.protocol,
                                        run)] = run
                    started += 1
                if not running:
                    break
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    run = running.pop(future)
                    try:
                        self.store.write(run, future.result())
                    except Exception as error:  # noqa: BLE001
                        print(f'[{run.slug}] FAILED: {error}', flush=True)
                        self.failed[run.slug] = str(error)

    def cost_methods(self) -> Dict[str, dict]:
        methods = {}
        for row, entry in self.protocol.rows.items():
            tuned = self.planner.tuned_options(row)
            methods[row] = dict(
                config=entry['config'],
                options={
                    **(tuned if tuned is not None else {}),
                    **weight_options(self.context, entry['config'])
                },
                tuned=tuned is not None)
        return methods

    def cost_hashes(self, methods: Dict[str, dict]) -> Dict[str, str]:
        """Method -> hash of the resolved config its cost is measured on
        (:meth:`cost_methods`), to tell a cost record gone stale."""
        return {
            name: config_hash(
                m['config'], m['options'], ROOT, cache=self.configs)
            for name, m in methods.items()
        }

    def measure_cost(self) -> None:
        """Measure the cost stage (in a child with the runs' environment,
        :func:`bench.cost.measure_in_child`) and write its record, which
        carries that machine fingerprint."""
        rounds = 4 if self.args.quick else self.args.cost_rounds
        env = run_env(self.context)
        methods = self.cost_methods()
        output = self.protocol.output
        measured = cost_module.measure_in_child(
            env, self.args.threads, methods=methods, root=ROOT,
            rounds=rounds, warmup=2, reference=output.cost_reference)
        result = measured['methods']
        control = result.pop(cost_module.CONTROL)
        hashes = self.cost_hashes(methods)
        protocol = ([] if osp.abspath(self.args.protocol) == osp.abspath(
            PROTOCOL) else
                    ['--protocol', osp.relpath(self.args.protocol, ROOT)])
        record = dict(
            command=shlex.join([
                'python', 'tools/benchmark.py', *protocol, '--stage', 'cost',
                '--cost-rounds',
                str(rounds), *(['--threads', str(self.args.threads)]
                               if self.args.threads else [])
            ]),
            rounds=rounds,
            order='rotated',
            machine=fingerprint(self.context.device, env, self.context.isa),
            control=control,
            threads=measured['threads'],
            batch_size=output.cost_batch_size,
            methods={
                name: dict(
                    m, tuned=methods[name]['tuned'], config_hash=hashes[name])
                for name, m in result.items()
            })
        with open(osp.join(self.args.records, 'cost.json'), 'w') as f:
            json.dump(record, f, indent=1)

    def extras(self) -> dict:
        out = dict(teacher=self.teacher)
        path = osp.join(self.args.records, 'mgkd_analyser.json')
        if osp.isfile(path):
            with open(path) as f:
                out['analyser'] = json.load(f)
        return out

    def cost(self) -> Optional[dict]:
        """The interleaved cost record, each method marked ``stale`` where
        its config or tuned setting changed since (or no hash was kept)."""
        path = osp.join(self.args.records, 'cost.json')
        if not osp.isfile(path):
            return None
        with open(path) as f:
            record = json.load(f)
        current = self.cost_hashes(self.cost_methods())
        for name, m in record['methods'].items():
            m['stale'] = m.get('config_hash') != current.get(name)
        return record

    def step_cost(self) -> Optional[dict]:
        """The protocol's ``report.step_cost`` (docs/step_cost.json of
        tools/analysis_tools/step_cost.py for classification), for the full
        protocol's cost rules; None in quick mode, if it names none or if
        not measured."""
        path = self.protocol.output.step_cost
        if self.args.quick or not path or not osp.isfile(osp.join(ROOT,
                                                                  path)):
            return None
        with open(osp.join(ROOT, path)) as f:
            return json.load(f)

    def report(self, command: str) -> str:
        report = Report(self.planner, self.cost(), self.extras(),
                        self.args.records, self.args.quick, self.step_cost())
        output = self.protocol.output
        paths = output_paths(self.args.out_dir, output.name)
        os.makedirs(self.args.out_dir, exist_ok=True)
        text = report.markdown(command)
        with open(paths['md'], 'w') as f:
            f.write(text)
        data = report.as_dict()
        write_json(data, paths['json'])
        plot(data['differences'], paths['png'], self.protocol.metric)
        plot_collapse_curves(
            report.study_groups(), report.reference(), self.protocol.metric,
            osp.join(self.args.out_dir, f'{output.name}_collapse.png'))
        if not self.args.quick:
            final = report.final()
            for path, block in output.readme_blocks.items():
                replace_block(
                    osp.join(ROOT, path),
                    self.readme_block(report, final, data, path, block),
                    output.markers)
            update_metafiles(ROOT, self.protocol, final, data['differences'])
        return text

    def readme_block(self, report: Report, final: Dict[str, dict],
                     data: dict, path: str, block: dict) -> str:
        """The generated block of the README at ``path``: the final table
        of its rows, their verdicts, its ablation (with its cost rule) and,
        where asked for, the collapse study's choice and the MGKD
        analyser."""
        output, metric = self.protocol.output, self.protocol.metric
        rows = block.get('rows') or list(self.protocol.rows)
        doc = f'docs/{output.name}.md'
        body = results_block(
            final, data['differences'], rows, metric, doc,
            osp.relpath(doc, osp.dirname(path) or '.'),
            report.verdicts(final, data['differences'], rows))
        name = block.get('ablation')
        if name in data['ablations']:
            body += '\n' + '\n'.join(
                report.ablation_lines({name: data['ablations'][name]},
                                      heading='###'))
        if name in data['cost_choices']:
            body += '\n' + '\n'.join(
                cost_choice_lines(name, data['cost_choices'][name], metric,
                                  heading='###'))
        if block.get('collapse') and data['collapse_choice']:
            body += '\n' + '\n'.join(
                collapse_choice_lines(data['collapse_choice'],
                                      report.studied(), metric,
                                      heading='###'))
        analyser = self.extras().get('analyser')
        if block.get('analyser') and analyser:
            body += '\n' + '\n'.join(Report.analyser_lines(analyser)[2:])
        return body


def report_args(args: argparse.Namespace) -> argparse.Namespace:
    """The arguments of the report after a sitting: ``--rows`` restricts
    the runs, not the report, whose README blocks and docs cover the whole
    protocol (``--quick`` keeps its rows: its report is its own)."""
    if args.rows is None or args.quick:
        return args
    return argparse.Namespace(**{**vars(args), 'rows': None})


def main() -> None:
    args = parse_args()
    os.chdir(ROOT)
    command = shlex.join(['python', 'tools/benchmark.py', *sys.argv[1:]])
    bench = Benchmark(args)
    if args.list:
        for stage in bench.protocol.stages():
            runs = bench.planner.runs(stage)
            done = sum(bench.store.current(r) is not None for r in runs)
            print(f'{stage}: {done} / {len(runs)} finished; waiting: '
                  f'{bench.planner.blocked(stage) or "-"}')
            for run in runs:
                state = ('done' if bench.store.current(run) else
                         'stale' if bench.store.is_stale(run) else 'missing')
                print(f'  {state:8s} {run.slug}  {dict(run.options)}')
        return
    failed = {}
    if not args.report:
        bench.run_all()
        failed = bench.failed
        if not failed and args.stage in ('cost', 'all') and (
                args.stage == 'cost' or not bench.pending()):
            bench.measure_cost()
    scope = report_args(args)
    if scope is not args:
        bench = Benchmark(scope)
    print(bench.report(command))
    if failed:
        sys.exit('Failed runs (no record written):\n' + '\n'.join(
            f'  {slug}: {why}' for slug, why in failed.items()))


if __name__ == '__main__':
    main()
