"""Export the student of a distillation checkpoint for deployment.

The result has no ``architecture.`` prefix and none of the teacher,
connectors, distribution heads or MGKD parts, so the student's own config
loads it: ``python tools/test.py STUDENT_CONFIG OUT``. Its meta keeps the
run's ``dataset_meta`` (the class names), which MMDetection's
``init_detector`` and inferencers read: a detection student is a plain
MMDetection checkpoint, for MMDetection's own tools too.
"""
import argparse

from mmrazor_unified.utils.export import export_student


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('checkpoint', help='distillation checkpoint')
    parser.add_argument('out', help='path of the student-only checkpoint')
    args = parser.parse_args()
    n = export_student(args.checkpoint, args.out)
    print(f'Wrote {n} student tensors to {args.out}')


if __name__ == '__main__':
    main()
