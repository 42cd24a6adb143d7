"""Shared fixtures: the Fashion-MNIST data and a tiny trained teacher."""
import os
import os.path as osp

import pytest
import torch
from helpers import DATA_ROOT, SMALL_DATA, TEACHER_CONFIG, run_tool

import mmrazor_unified  # noqa: F401  (compat layer + registration first)

# Tools the tests start run one torch thread each (a test may still set its
# own): `make test` runs two workers on 2 cores, and two 2-thread trainings
# side by side oversubscribe them.
os.environ.setdefault('OMP_NUM_THREADS', '1')


@pytest.fixture(scope='session', autouse=True)
def one_thread():
    """In-process tests use tiny tensors: one thread beats two on 2 cores."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope='session')
def small_data():
    """``--cfg-options`` entries for a small real Fashion-MNIST subset."""
    if not osp.isfile(osp.join(DATA_ROOT, 't10k-labels-idx1-ubyte')):
        pytest.fail('Fashion-MNIST is not prepared: run `make data` (or '
                    'tools/dataset_converters/prepare_fashion_mnist.py)')
    return list(SMALL_DATA)


@pytest.fixture(scope='session')
def tiny_teacher_ckpt(tmp_path_factory, small_data):
    """A Fashion-MNIST teacher trained for a few iterations by tools/train.py.

    Its quality is irrelevant: tests only need real weights of the right
    architecture, produced the way users produce them.
    """
    work_dir = tmp_path_factory.mktemp('teacher')
    run_tool('train.py', TEACHER_CONFIG, '--work-dir', str(work_dir),
             '--cfg-options', 'train_cfg.max_epochs=1',
             'param_scheduler.end=1', *small_data)
    ckpt = work_dir / 'epoch_1.pth'
    assert ckpt.is_file()
    return str(ckpt)


def pytest_collection_modifyitems(items):
    """Tests marked ``minutes`` first (stable order otherwise): with
    ``make test``'s two workers (``-n 2 --dist loadfile``) the longest files
    start first and the short ones fill in, instead of one long file
    running alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker('minutes') is None)
