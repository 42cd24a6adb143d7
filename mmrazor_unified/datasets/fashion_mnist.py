import os.path as osp
import struct
from typing import List, Optional, Sequence

from mmpretrain.datasets import FashionMNIST
from mmrazor.registry import DATASETS

PREPARE_HINT = ('Prepare it with `python tools/dataset_converters/'
                'prepare_fashion_mnist.py --out-dir {root}` (uses the Debian '
                'package dataset-fashion-mnist, or downloads it).')
# idx file magic numbers: unsigned byte data, 3 dims (images) / 1 dim (labels)
_IMAGE_MAGIC, _LABEL_MAGIC = 2051, 2049


def check_idx_file(path: str, magic: int) -> int:
    """Check an unzipped idx file's header and size.

    Args:
        path (str): Path of an ``*-ubyte`` file.
        magic (int): The magic number the header must carry.

    Returns:
        int: The number of items in the file.
    """
    ndim = magic - 2048
    header_size = 4 + 4 * ndim
    with open(path, 'rb') as f:
        header = f.read(header_size)
    if len(header) < header_size:
        raise ValueError(f'{path} is empty or truncated: {len(header)} bytes, '
                         f'expected a {header_size}-byte idx header.')
    got_magic, *dims = struct.unpack(f'>{1 + ndim}i', header)
    if got_magic != magic:
        raise ValueError(f'{path} is not an idx file of this kind: magic '
                         f'number {got_magic}, expected {magic}.')
    item_bytes = 1
    for d in dims[1:]:
        item_bytes *= d
    expected = header_size + dims[0] * item_bytes
    actual = osp.getsize(path)
    if actual != expected:
        raise ValueError(f'{path} is truncated or corrupt: {actual} bytes, '
                         f'expected {expected} for {dims[0]} items.')
    return dims[0]


@DATASETS.register_module()
class LocalFashionMNIST(FashionMNIST):
    """Fashion-MNIST read from unzipped local idx files, never downloaded.

    Same samples and metainfo as MMPretrain's ``FashionMNIST``. A missing,
    empty or truncated file fails at build time with a message naming the file
    and how to prepare the data, instead of an attempted download or a
    reshape error.

    Examples:
        >>> # a held-out split: training images 50k-60k, for validation
        >>> val_dataset = dict(type='mmrazor.LocalFashionMNIST',
        ...     data_root='data/fashion_mnist', test_mode=False,
        ...     index_range=(50000, 60000))

    Args:
        data_root (str): Directory with the four unzipped ``*-ubyte`` files.
        index_range (Sequence[int], optional): ``(start, stop)``: keep the
            images ``start <= i < stop`` of the split (a contiguous
            ``indices``, short enough for ``--cfg-options``). Not together
            with ``indices``. Defaults to None (all images).
        **kwargs: Other arguments of :class:`mmpretrain.datasets.FashionMNIST`
            (``test_mode=True`` selects the test files).
    """

    def __init__(self,
                 data_root: str = '',
                 index_range: Optional[Sequence[int]] = None,
                 **kwargs) -> None:
        kwargs.setdefault('download', False)
        if index_range is not None:
            if kwargs.get('indices') is not None:
                raise ValueError(
                    'Give `index_range` or `indices`, not both: got '
                    f'index_range={index_range!r}, '
                    f'indices={kwargs["indices"]!r}.')
            if (len(index_range) != 2
                    or not 0 <= index_range[0] < index_range[1]):
                raise ValueError('`index_range` must be (start, stop) with '
                                 f'0 <= start < stop, got {index_range!r}.')
            kwargs['indices'] = list(range(*index_range))
        self.index_range = index_range
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Check the files, then load them as MMPretrain does."""
        root = self.data_prefix['root']
        files = self.test_list if self.test_mode else self.train_list
        paths = [osp.join(root, name[:-len('.gz')]) for name, _ in files]
        missing = [p for p in paths if not osp.isfile(p)]
        if missing:
            raise FileNotFoundError(
                f'Fashion-MNIST not found: missing {", ".join(missing)}. ' +
                PREPARE_HINT.format(root=root))
        num_images = check_idx_file(paths[0], _IMAGE_MAGIC)
        num_labels = check_idx_file(paths[1], _LABEL_MAGIC)
        if num_images != num_labels:
            raise ValueError(f'{paths[0]} holds {num_images} images but '
                             f'{paths[1]} {num_labels} labels.')
        if self.index_range is not None and self.index_range[1] > num_images:
            raise ValueError(
                f'`index_range` {tuple(self.index_range)} exceeds the split: '
                f'{paths[0]} holds {num_images} images.')
        return super().load_data_list()

    def _check_exists(self) -> bool:
        # Only the split in use must exist (the parent wants all four files).
        files = self.test_list if self.test_mode else self.train_list
        root = self.data_prefix['root']
        return all(
            osp.isfile(osp.join(root, name[:-len('.gz')]))
            for name, _ in files)
