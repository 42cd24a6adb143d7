"""Fashion-MNIST detection set: MMDetection's ``CocoDataset``, clear errors.

The data set is built by
``tools/dataset_converters/prepare_fashion_mnist_det.py`` (``make data``).
MMDetection's ``CocoDataset`` fails on a missing annotation file with a bare
``FileNotFoundError``, and on a missing image only when the pipeline reaches
it; this subclass checks both when the data set is built and names the file
and the command that builds it.

MMDetection is imported only when the data set is built, so
``mmrazor_unified`` imports without it: the registered name is a builder
function, and the class itself is created on first use (and is reachable as
``mmrazor_unified.datasets.fashion_mnist_det.FashionMNISTDetDataset``, so
instances pickle into data loader workers).
"""
import os
import os.path as osp
from typing import List

from mmrazor.registry import DATASETS

CLASSES = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal',
           'Shirt', 'Sneaker', 'Bag', 'Ankle boot')
PALETTE = [(220, 20, 60), (119, 11, 32), (0, 0, 142), (0, 0, 230),
           (106, 0, 228), (0, 60, 100), (0, 80, 100), (250, 170, 30),
           (100, 170, 30), (220, 220, 0)]
BUILD_HINT = ('Build the data set with `make data` (or `python tools/'
              'dataset_converters/prepare_fashion_mnist_det.py --out {out}`, '
              'with the --canvas-size and canvas counts if not the defaults; '
              'it rebuilds missing files, --force rebuilds all).')

_CLASS = None


def _dataset_class() -> type:
    """Create the ``CocoDataset`` subclass (imports MMDetection)."""
    global _CLASS
    if _CLASS is not None:
        return _CLASS
    try:
        from mmdet.datasets import CocoDataset
    except ImportError as e:
        raise ImportError(
            'FashionMNISTDetDataset needs MMDetection 3.x (`pip install '
            f'mmdet`) with importable `mmdet.datasets`: {e}') from e

    class FashionMNISTDetDataset(CocoDataset):
        """Fashion-MNIST items on canvases, COCO format (see module doc).

        Same arguments as :class:`mmdet.datasets.CocoDataset`; the classes
        default to Fashion-MNIST's.
        """

        METAINFO = dict(classes=CLASSES, palette=PALETTE)

        def _hint(self) -> str:
            # <out>/annotations/<split>.json
            out = osp.dirname(osp.dirname(self.ann_file)) or '.'
            return BUILD_HINT.format(out=out)

        def load_data_list(self) -> List[dict]:
            """Check the annotation file and every image, then load."""
            if not osp.isfile(self.ann_file):
                raise FileNotFoundError(
                    'Fashion-MNIST detection annotations not found: '
                    f'{self.ann_file}. {self._hint()}')
            try:
                data_list = super().load_data_list()
            except (ValueError, KeyError, TypeError, IndexError) as e:
                # json.JSONDecodeError is a ValueError
                raise ValueError(
                    'Fashion-MNIST detection annotations are damaged: '
                    f'{self.ann_file} ({type(e).__name__}: {e}). '
                    f'{self._hint()}') from e
            missing = [
                info['img_path'] for info in data_list
                if not _nonempty_file(info['img_path'])
            ]
            if missing:
                raise FileNotFoundError(
                    f'Fashion-MNIST detection image missing or empty: '
                    f'{missing[0]} ({len(missing)} of the {len(data_list)} '
                    f'images listed in {self.ann_file}). {self._hint()}')
            return data_list

    FashionMNISTDetDataset.__module__ = __name__
    FashionMNISTDetDataset.__qualname__ = 'FashionMNISTDetDataset'
    _CLASS = FashionMNISTDetDataset
    return _CLASS


def _nonempty_file(path: str) -> bool:
    try:
        return os.stat(path).st_size > 0
    except OSError:
        return False


def __getattr__(name: str):
    # PEP 562: the class appears as a module attribute on first access
    if name == 'FashionMNISTDetDataset':
        return _dataset_class()
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


@DATASETS.register_module(name='FashionMNISTDetDataset')
def build_fashion_mnist_det(**kwargs):
    """Build the Fashion-MNIST detection data set (a ``CocoDataset``).

    Registered as ``mmrazor.FashionMNISTDetDataset``. Build it inside
    ``_scope_='mmdet'`` so its pipeline resolves MMDetection's transforms,
    as ``configs/_base_/datasets/fashion_mnist_det_128.py`` does.

    Args:
        **kwargs: Arguments of :class:`mmdet.datasets.CocoDataset`.
    """
    return _dataset_class()(**kwargs)
