import os
import shutil

import pytest

from mmrazor_unified.datasets import LocalFashionMNIST

from helpers import DATA_ROOT

FILES = ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte',
         't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte')


def test_loads_real_data(small_data):
    train = LocalFashionMNIST(
        data_root=DATA_ROOT, indices=100, pipeline=[dict(type='PackInputs')])
    test = LocalFashionMNIST(data_root=DATA_ROOT, test_mode=True)
    assert len(train) == 100 and len(test) == 10000
    sample = train[0]
    assert sample['inputs'].shape == (1, 28, 28)
    assert 0 <= int(sample['data_samples'].gt_label) < 10


def test_missing_files_say_how_to_prepare(tmp_path):
    with pytest.raises(FileNotFoundError,
                       match='prepare_fashion_mnist.py') as err:
        LocalFashionMNIST(data_root=str(tmp_path))
    assert 'train-images-idx3-ubyte' in str(err.value)


@pytest.mark.parametrize('size', [0, 10, 16 + 784 * 5 + 3])
def test_truncated_file_is_reported(tmp_path, small_data, size):
    for name in FILES:
        shutil.copy(os.path.join(DATA_ROOT, name), tmp_path / name)
    with open(tmp_path / FILES[0], 'r+b') as f:
        f.truncate(size)
    with pytest.raises(ValueError, match=FILES[0]):
        LocalFashionMNIST(data_root=str(tmp_path))


def test_index_range_selects_a_contiguous_block(small_data):
    full = LocalFashionMNIST(data_root=DATA_ROOT)
    block = LocalFashionMNIST(
        data_root=DATA_ROOT, index_range=(59990, 60000))
    assert len(block) == 10
    assert block.get_gt_labels().tolist() == \
        full.get_gt_labels()[59990:].tolist()


@pytest.mark.parametrize('kwargs, message', [
    (dict(index_range=(10, 5)), '0 <= start < stop'),
    (dict(index_range=(0, 5), indices=5), 'not both'),
    (dict(index_range=(59990, 60010)), 'exceeds the split'),
])
def test_bad_index_range_is_reported(small_data, kwargs, message):
    with pytest.raises(ValueError, match=message):
        LocalFashionMNIST(data_root=DATA_ROOT, **kwargs)
