"""Distill on Fashion-MNIST end to end and show what distillation bought.

1. prepare Fashion-MNIST in ``data/fashion_mnist``;
2. the teacher (ResNet_CIFAR-18, width 16): the benchmark's committed
   weights, trained with ``tools/train.py`` from its config (3 epochs,
   seed 0); ``--train-teacher`` trains it here instead;
3. the same student as the distiller's, trained alone (width 4, the 10k
   training subset) with ``tools/train.py``; both cached in the checkpoint
   folder;
4. the student distilled from the teacher with the given config (resuming an
   interrupted run, skipping a finished one), then exported alone;
5. teacher, student alone and distilled student evaluated on the test set
   with ``tools/test.py``; a table with their top-1 and the gain.

The console shows one line per epoch and the table; everything the tools
print (MMEngine's environment, config dumps, hook lists, iteration logs)
goes to ``<work-dir>/logs/<step>.log``. Every step reuses what an earlier run
left, so re-running is cheap.
"""
import argparse
import json
import os
import os.path as osp
import re
import shutil
import subprocess
import sys
import time
import warnings
from typing import List, Optional, TextIO

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TEACHER_CONFIG = 'configs/fashion_mnist/resnet18-w16_1xb128_fashion-mnist.py'
STUDENT_CONFIG = ('configs/fashion_mnist/'
                  'resnet18-w4_1xb128_fashion-mnist-10k.py')
# The UniKD variant that docs/benchmark.md ranks first on this pair.
DISTILL_CONFIG = ('configs/unikd/unikd_kd_'
                  'resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py')
TEACHER_CKPT = 'checkpoints/resnet18-w16_1xb128_fashion-mnist.pth'
# the benchmark's teacher: TEACHER_CONFIG, 3 epochs, seed 0 (its record:
# benchmarks/fashion_mnist/records/teacher.json)
COMMITTED_TEACHER = 'benchmarks/fashion_mnist/teacher_resnet18-w16.pth'

TRAIN_LINE = re.compile(r'Epoch\(train\)\s+\[(\d+)\]\[\s*\d+/\d+\].*?'
                        r'\sloss: ([-\d.naif]+)')
SAVE_LINE = re.compile(r'Saving checkpoint at (\d+) epochs')
VAL_LINE = re.compile(r'Epoch\(val\)\s+\[(\d+)\]\[\s*\d+/\d+\]\s+'
                      r'accuracy/top1: ([\d.]+)')


class Progress:
    """Turns MMEngine's training log into one console line per epoch.

    Args:
        label (str): What is being trained, e.g. ``'teacher'``.
        max_epochs (int, optional): The number of epochs, for ``e/N``.
        out (TextIO, optional): Where the lines go; defaults to stdout.
    """

    def __init__(self,
                 label: str,
                 max_epochs: Optional[int] = None,
                 out: Optional[TextIO] = None) -> None:
        self.label = label
        self.max_epochs = max_epochs
        self.out = out
        self.start = time.time()
        self.loss: Optional[str] = None

    def feed(self, line: str) -> None:
        """Read one line of a tool's output."""
        train = TRAIN_LINE.search(line)
        if train:
            self.loss = train.group(2)
            return
        saved = SAVE_LINE.search(line)
        if saved:
            total = f'/{self.max_epochs}' if self.max_epochs else ''
            loss = f'  loss {self.loss}' if self.loss else ''
            self.emit(f'epoch {saved.group(1)}{total}{loss}')
            return
        val = VAL_LINE.search(line)
        if val:
            self.emit(f'epoch {val.group(1)} validation top-1 '
                      f'{float(val.group(2)):.2f} %')

    def emit(self, text: str) -> None:
        minutes, seconds = divmod(int(time.time() - self.start), 60)
        print(
            f'  {self.label:<18} {text}  [{minutes}m{seconds:02d}s]',
            file=self.out or sys.stdout,
            flush=True)


def run_tool(tool: str,
             *args: str,
             log: str,
             progress: Optional[Progress] = None) -> None:
    """Run ``tools/<tool>`` with this interpreter, its output into ``log``.

    Raises:
        SystemExit: If the tool fails; with the end of its log.
    """
    cmd = [sys.executable, osp.join('tools', tool), *args]
    os.makedirs(osp.dirname(log), exist_ok=True)
    with open(log, 'a', buffering=1) as f:  # line by line, for tail -f
        f.write('$ ' + ' '.join(cmd) + '\n')
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=dict(os.environ, PYTHONUNBUFFERED='1'))
        for line in proc.stdout:
            f.write(line)
            if progress is not None:
                progress.feed(line)
        code = proc.wait()
    if code != 0:
        with open(log) as f:
            tail = ''.join(f.readlines()[-30:])
        raise SystemExit(f'{tool} failed (exit code {code}); its output is '
                         f'in {log}. Last lines:\n{tail}')


def final_checkpoint(work_dir: str, max_epochs: int) -> str:
    return osp.join(work_dir, f'epoch_{max_epochs}.pth')


def train(label: str, config: str, work_dir: str, max_epochs: int, logs: str,
          *options: str) -> str:
    """Train ``config`` unless its last epoch is already saved; return it."""
    ckpt = final_checkpoint(work_dir, max_epochs)
    if osp.isfile(osp.join(ROOT, ckpt)):
        print(f'  {label:<18} reusing {ckpt}', flush=True)
        return ckpt
    args = [config, '--work-dir', work_dir]
    if osp.isfile(osp.join(ROOT, work_dir, 'last_checkpoint')):
        args.append('--resume')  # an interrupted run continues
    print(f'  {label:<18} training ({config})', flush=True)
    run_tool(
        'train.py',
        *args,
        '--cfg-options',
        f'train_cfg.max_epochs={max_epochs}',
        f'param_scheduler.end={max_epochs}',
        *options,
        log=osp.join(logs, f'train_{label.replace(" ", "_")}.log'),
        progress=Progress(label, max_epochs))
    return ckpt


def train_cached(label: str, config: str, cached: str, work_dir: str,
                 max_epochs: int, logs: str, *options: str) -> None:
    """Train ``config`` and export its weights to ``cached``, unless that
    file exists."""
    if osp.isfile(osp.join(ROOT, cached)):
        print(f'  {label:<18} cached: {cached}', flush=True)
        return
    ckpt = train(label, config, work_dir, max_epochs, logs, *options)
    os.makedirs(osp.dirname(osp.join(ROOT, cached)), exist_ok=True)
    with warnings.catch_warnings():  # the frameworks' import-time warnings
        warnings.simplefilter('ignore')
        from mmrazor_unified.utils.export import export_weights
    export_weights(osp.join(ROOT, ckpt), osp.join(ROOT, cached))


def copy_committed_teacher(cached: str) -> None:
    """Put the committed teacher at ``cached`` unless a file is there."""
    if osp.isfile(osp.join(ROOT, cached)):
        print(f'  {"teacher":<18} cached: {cached}', flush=True)
        return
    os.makedirs(osp.dirname(osp.join(ROOT, cached)), exist_ok=True)
    shutil.copyfile(osp.join(ROOT, COMMITTED_TEACHER), osp.join(ROOT, cached))
    print(f'  {"teacher":<18} committed weights {COMMITTED_TEACHER} -> '
          f'{cached} (--train-teacher trains it)', flush=True)


def test(config: str, ckpt: str, work_dir: str, logs: str, *options:
         str) -> float:
    """Evaluate ``ckpt`` with ``config``; return its top-1 accuracy."""
    out = osp.join(work_dir, 'test_metrics.json')
    os.makedirs(osp.join(ROOT, work_dir), exist_ok=True)
    run_tool(
        'test.py',
        config,
        ckpt,
        '--work-dir',
        work_dir,
        '--out',
        out,
        *(['--cfg-options', *options] if options else []),
        log=osp.join(logs, f'{osp.basename(work_dir)}.log'))
    with open(osp.join(ROOT, out)) as f:
        return json.load(f)['accuracy/top1']


def result_table(rows: List[tuple], gain: float) -> str:
    """The console table: (model, what it is, top-1) rows and the gain."""
    lines = [
        f'  {name:<18} {what:<44} {acc:6.2f} %' for name, what, acc in rows
    ]
    lines.append(f'  {"gain":<18} {"distilled student - student alone":<44} '
                 f'{gain:+6.2f} points')
    return '\n'.join(lines)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        '--config', default=DISTILL_CONFIG, help='distillation config')
    parser.add_argument(
        '--train-teacher',
        action='store_true',
        help='train the teacher here instead of copying the committed '
        f'weights ({COMMITTED_TEACHER})')
    parser.add_argument(
        '--teacher-epochs',
        type=int,
        default=3,
        help='with --train-teacher (the committed teacher trained 3)')
    parser.add_argument('--student-epochs', type=int, default=8)
    parser.add_argument('--work-dir', default='work_dirs/demo')
    parser.add_argument(
        '--checkpoints',
        default='checkpoints',
        help='folder of the cached teacher and student alone, and of the '
        'exported distilled student')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        default=[],
        help='key=value overrides for every training and test run')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    os.chdir(ROOT)
    logs = osp.join(args.work_dir, 'logs')
    start = time.time()
    print(f'Fashion-MNIST demo; tool output goes to {logs}/', flush=True)
    run_tool(
        'dataset_converters/prepare_fashion_mnist.py',
        log=osp.join(logs, 'prepare_data.log'))

    epochs = args.student_epochs
    teacher_ckpt = osp.join(args.checkpoints, osp.basename(TEACHER_CKPT))
    if args.train_teacher:
        train_cached('teacher', TEACHER_CONFIG, teacher_ckpt,
                     osp.join(args.work_dir, 'teacher'), args.teacher_epochs,
                     logs, *args.cfg_options)
    else:
        copy_committed_teacher(teacher_ckpt)
    teacher_epochs = args.teacher_epochs if args.train_teacher else 3
    alone_ckpt = osp.join(
        args.checkpoints,
        f'{osp.splitext(osp.basename(STUDENT_CONFIG))[0]}_{epochs}e.pth')
    train_cached('student alone', STUDENT_CONFIG, alone_ckpt,
                 osp.join(args.work_dir, 'student_alone'), epochs, logs,
                 f'train_cfg.val_interval={epochs}', *args.cfg_options)

    name = osp.splitext(osp.basename(args.config))[0]
    ckpt = train('distilled student', args.config,
                 osp.join(args.work_dir, name), epochs, logs,
                 f'model.teacher_ckpt={teacher_ckpt}',
                 f'train_cfg.val_interval={epochs}', *args.cfg_options)
    student_ckpt = osp.join(args.checkpoints, f'{name}_student.pth')
    run_tool(
        'model_converters/export_student.py',
        ckpt,
        student_ckpt,
        log=osp.join(logs, 'export_student.log'))

    print('  evaluating on the test set', flush=True)
    rows = []
    for label, what, config, weights in (
        ('teacher', f'ResNet_CIFAR-18 w16, {teacher_epochs} epochs',
         TEACHER_CONFIG, teacher_ckpt),
        ('student alone', f'ResNet_CIFAR-18 w4, {epochs} epochs',
         STUDENT_CONFIG, alone_ckpt),
        ('distilled student', 'the same student and schedule, distilled',
         STUDENT_CONFIG, student_ckpt),
    ):
        acc = test(config, weights,
                   osp.join(args.work_dir, 'test_' + label.replace(' ', '_')),
                   logs, *args.cfg_options)
        rows.append((label, what, acc))

    minutes, seconds = divmod(int(time.time() - start), 60)
    print('\n' + '=' * 78)
    print(f'Fashion-MNIST test set, top-1 (distiller: {name})')
    print(result_table(rows, rows[2][2] - rows[1][2]))
    print('One seed: seeds differ by up to about a point. Paired figures over '
          'several\nseeds and methods: docs/benchmark.md.')
    print(f'Distilled student alone (no teacher or distillation parts): '
          f'{student_ckpt}')
    print(f'Done in {minutes}m{seconds:02d}s; logs in {logs}/')
    print('=' * 78)


if __name__ == '__main__':
    main()
