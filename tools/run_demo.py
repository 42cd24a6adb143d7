"""The main job on the embedded default: distill on Fashion-MNIST end to end.

1. prepare Fashion-MNIST in ``data/fashion_mnist``;
2. train the teacher (ResNet_CIFAR-18, width 16) with ``tools/train.py``,
   unless ``checkpoints/`` already holds it;
3. distill the student (width 4) with ``tools/train.py`` and the given
   distillation config (resuming an interrupted run, skipping a finished one);
4. export the student alone and evaluate teacher and student on the test set
   with ``tools/test.py``, then print both accuracies.

Every step reuses what an earlier run left, so re-running is cheap.
"""
import argparse
import json
import os
import os.path as osp
import subprocess
import sys

from mmrazor_unified.utils.export import export_weights

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TEACHER_CONFIG = 'configs/fashion_mnist/resnet18-w16_1xb128_fashion-mnist.py'
STUDENT_CONFIG = ('configs/fashion_mnist/'
                  'resnet18-w4_1xb128_fashion-mnist-10k.py')
DISTILL_CONFIG = ('configs/unikd/unikd_dkd_'
                  'resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py')
TEACHER_CKPT = 'checkpoints/resnet18-w16_1xb128_fashion-mnist.pth'


def run_tool(tool: str, *args: str) -> None:
    """Run one of our tools in a subprocess with this interpreter."""
    cmd = [sys.executable, osp.join('tools', tool), *args]
    print('\n$ ' + ' '.join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)


def final_checkpoint(work_dir: str, max_epochs: int) -> str:
    return osp.join(work_dir, f'epoch_{max_epochs}.pth')


def train(config: str, work_dir: str, max_epochs: int, *options: str) -> str:
    """Train ``config`` unless its last epoch is already saved; return it."""
    ckpt = final_checkpoint(work_dir, max_epochs)
    if osp.isfile(osp.join(ROOT, ckpt)):
        print(f'Reusing {ckpt}', flush=True)
        return ckpt
    args = [config, '--work-dir', work_dir]
    if osp.isfile(osp.join(ROOT, work_dir, 'last_checkpoint')):
        args.append('--resume')  # an interrupted run continues
    run_tool('train.py', *args, '--cfg-options', *options)
    return ckpt


def test(config: str, ckpt: str, work_dir: str) -> float:
    """Evaluate ``ckpt`` with ``config``; return its top-1 accuracy."""
    out = osp.join(work_dir, 'test_metrics.json')
    run_tool('test.py', config, ckpt, '--work-dir', work_dir, '--out', out)
    with open(osp.join(ROOT, out)) as f:
        return json.load(f)['accuracy/top1']


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--config', default=DISTILL_CONFIG,
                        help='distillation config')
    parser.add_argument('--teacher-epochs', type=int, default=3)
    parser.add_argument('--student-epochs', type=int, default=8)
    parser.add_argument('--work-dir', default='work_dirs/demo')
    args = parser.parse_args()
    os.chdir(ROOT)

    run_tool('dataset_converters/prepare_fashion_mnist.py')

    if not osp.isfile(TEACHER_CKPT):
        ckpt = train(TEACHER_CONFIG, osp.join(args.work_dir, 'teacher'),
                     args.teacher_epochs,
                     f'train_cfg.max_epochs={args.teacher_epochs}',
                     f'param_scheduler.end={args.teacher_epochs}')
        os.makedirs(osp.dirname(TEACHER_CKPT), exist_ok=True)
        export_weights(ckpt, TEACHER_CKPT)
    print(f'Teacher checkpoint: {TEACHER_CKPT}', flush=True)

    name = osp.splitext(osp.basename(args.config))[0]
    distill_dir = osp.join(args.work_dir, name)
    ckpt = train(args.config, distill_dir, args.student_epochs,
                 f'model.teacher_ckpt={TEACHER_CKPT}',
                 f'train_cfg.max_epochs={args.student_epochs}',
                 f'param_scheduler.end={args.student_epochs}',
                 f'train_cfg.val_interval={args.student_epochs}')
    student_ckpt = osp.join('checkpoints', f'{name}_student.pth')
    run_tool('model_converters/export_student.py', ckpt, student_ckpt)

    teacher_acc = test(TEACHER_CONFIG, TEACHER_CKPT,
                       osp.join(args.work_dir, 'test_teacher'))
    student_acc = test(STUDENT_CONFIG, student_ckpt,
                       osp.join(args.work_dir, 'test_student'))
    print('\n' + '=' * 60)
    print(f'Distiller: {args.config}')
    print(f'Teacher (resnet18-w16) test top-1: {teacher_acc:.2f} %')
    print(f'Student (resnet18-w4)  test top-1: {student_acc:.2f} %')
    print(f'Student checkpoint (no teacher/distillation parts): '
          f'{student_ckpt}')
    print('=' * 60)


if __name__ == '__main__':
    main()
