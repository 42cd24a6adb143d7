import os.path as osp
import sys

from helpers import ROOT, run_tool


def test_prepare_then_reuse(tmp_path):
    out = str(tmp_path / 'fmnist')
    first = run_tool('dataset_converters/prepare_fashion_mnist.py',
                     '--out-dir', out)
    assert 'prepared in' in first.stdout
    sys.path.insert(0, osp.join(ROOT, 'tools', 'dataset_converters'))
    try:
        from prepare_fashion_mnist import NAMES, is_prepared
    finally:
        sys.path.pop(0)
    assert is_prepared(out)
    assert osp.getsize(osp.join(out, NAMES[0])) == 16 + 60000 * 28 * 28
    second = run_tool('dataset_converters/prepare_fashion_mnist.py',
                      '--out-dir', out)
    assert 'already prepared' in second.stdout
