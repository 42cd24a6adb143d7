"""Build a small real-image detection set from Fashion-MNIST (COCO format).

Each canvas (``--canvas-size`` square, black background like the items') gets
1-4 Fashion-MNIST items pasted at random positions, each resized by a random
factor in [0.75, 2] (OpenCV bilinear resize of the 28x28 item to a square of
``round(28 * factor)`` pixels, so 21-56 px). The whole resized item lies
inside the canvas.

Rules:

* **Box**: the tight box of the item's nonzero pixels after resizing, in
  canvas pixels, COCO ``[x, y, w, h]`` (pixel ``x`` to ``x + w - 1`` inclusive
  are covered), ``area = w * h``. Items are pasted with a pixel-wise maximum,
  so every item's own nonzero pixels stay nonzero on the canvas.
* **Overlap**: a placement whose box has IoU > ``MAX_IOU`` (0.3) with a box
  already on the canvas is rejected and another position is drawn, up to
  ``MAX_TRIES`` (50) positions; if none fits, the item is left out of that
  canvas (it still counts as used).
* **Label**: the item's Fashion-MNIST class; ``category_id`` is the class
  + 1 (COCO ids start at 1), named as Fashion-MNIST's classes, so MMDetection's
  label index equals the Fashion-MNIST class.
* **Splits**: ``train`` canvases draw only training images 0-49999, ``val``
  (held out) only training images 50000-59999, ``test`` only the t10k test
  images; each image is used at most once per split (a seeded permutation of
  the split's images, consumed in order). Each annotation records its item's
  ``source_index`` in the idx file (``info.settings.source`` names the file).
  Each split has its own random stream (``numpy.random.default_rng([seed,
  split_number])``), so a split's content depends only on the seed, the
  canvas size and its own canvas count.

Output: ``<out>/{train,val,test}/NNNNNN.png`` (8-bit grayscale PNG; MMCV's
``LoadImageFromFile`` reads them as 3-channel BGR by default) and
``<out>/annotations/{train,val,test}.json``. The settings are stored in each
JSON's ``info.settings``: a split whose JSON holds the requested settings and
whose images are all present is kept, any other is rebuilt (``--force``
rebuilds all). The JSON is written last, so an interrupted run is redone.
"""
import argparse
import json
import os
import os.path as osp
import struct
import sys
import time
from typing import Dict, List, Optional, Tuple

import cv2
import numpy as np

FORMAT_VERSION = 1
CLASSES = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal',
           'Shirt', 'Sneaker', 'Bag', 'Ankle boot')
SPLITS = ('train', 'val', 'test')
# split -> (idx file prefix, first index, stop index)
SOURCES = {
    'train': ('train', 0, 50000),
    'val': ('train', 50000, 60000),
    'test': ('t10k', 0, 10000),
}
ITEM_SIZE = 28
ITEMS_PER_CANVAS = (1, 4)  # inclusive
SCALE_RANGE = (0.75, 2.0)
MAX_IOU = 0.3
MAX_TRIES = 50
DEFAULT_COUNTS = {'train': 8000, 'val': 1000, 'test': 1000}

PREPARE_HINT = ('Prepare Fashion-MNIST with `make data` (or `python tools/'
                'dataset_converters/prepare_fashion_mnist.py --out-dir '
                '{root}`).')
_IMAGE_MAGIC, _LABEL_MAGIC = 2051, 2049


def read_idx(path: str, magic: int, root: str) -> np.ndarray:
    """Read an unzipped idx file, failing clearly if missing or damaged.

    Args:
        path (str): Path of an ``*-ubyte`` file.
        magic (int): The magic number its header must carry.
        root (str): The Fashion-MNIST directory, for the hint.

    Returns:
        np.ndarray: uint8 array of shape ``(N, *dims)``.
    """
    hint = PREPARE_HINT.format(root=root)
    if not osp.isfile(path):
        raise FileNotFoundError(f'Fashion-MNIST file not found: {path}. '
                                f'{hint}')
    ndim = magic - 2048
    header_size = 4 + 4 * ndim
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < header_size:
        raise ValueError(f'Fashion-MNIST file {path} is damaged: empty or '
                         f'truncated header ({len(data)} bytes). {hint}')
    got_magic, *dims = struct.unpack(f'>{1 + ndim}i', data[:header_size])
    if got_magic != magic:
        raise ValueError(f'Fashion-MNIST file {path} is damaged: magic number '
                         f'{got_magic}, expected {magic}. {hint}')
    expected = header_size + int(np.prod(dims))
    if len(data) != expected:
        raise ValueError(f'Fashion-MNIST file {path} is damaged: {len(data)} '
                         f'bytes, expected {expected}. {hint}')
    return np.frombuffer(data, np.uint8, offset=header_size).reshape(dims)


def load_source(data_root: str, prefix: str) -> Tuple[np.ndarray, np.ndarray]:
    """Images ``(N, 28, 28)`` and labels ``(N,)`` of ``train`` or ``t10k``."""
    images = read_idx(
        osp.join(data_root, f'{prefix}-images-idx3-ubyte'), _IMAGE_MAGIC,
        data_root)
    labels_path = osp.join(data_root, f'{prefix}-labels-idx1-ubyte')
    labels = read_idx(labels_path, _LABEL_MAGIC, data_root)
    hint = PREPARE_HINT.format(root=data_root)
    if images.shape[1:] != (ITEM_SIZE,
                            ITEM_SIZE) or len(images) != len(labels):
        raise ValueError(f'Fashion-MNIST files {prefix}-*-ubyte in '
                         f'{data_root} do not match: images {images.shape}, '
                         f'labels {labels.shape}. {hint}')
    if labels.max(initial=0) >= len(CLASSES):
        raise ValueError(f'Fashion-MNIST file {labels_path} is damaged: '
                         f'label {labels.max()} out of range. {hint}')
    return images, labels


def box_iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """IoU of one ``[x, y, w, h]`` pixel box with each of ``boxes``."""
    if len(boxes) == 0:
        return np.zeros(0)
    x1 = np.maximum(box[0], boxes[:, 0])
    y1 = np.maximum(box[1], boxes[:, 1])
    x2 = np.minimum(box[0] + box[2], boxes[:, 0] + boxes[:, 2])
    y2 = np.minimum(box[1] + box[3], boxes[:, 1] + boxes[:, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    union = box[2] * box[3] + boxes[:, 2] * boxes[:, 3] - inter
    return inter / union


def tight_box(patch: np.ndarray) -> Optional[Tuple[int, int, int, int]]:
    """``(x, y, w, h)`` of the nonzero pixels of ``patch``, None if blank."""
    cols = np.flatnonzero(patch.any(axis=0))
    if len(cols) == 0:
        return None
    rows = np.flatnonzero(patch.any(axis=1))
    return (int(cols[0]), int(rows[0]), int(cols[-1] - cols[0] + 1),
            int(rows[-1] - rows[0] + 1))


def settings_for(split: str, num_canvases: int, canvas_size: int,
                 seed: int) -> dict:
    """Everything that determines a split's content (stored in the JSON)."""
    prefix, start, stop = SOURCES[split]
    return dict(
        format_version=FORMAT_VERSION,
        split=split,
        num_canvases=num_canvases,
        canvas_size=canvas_size,
        seed=seed,
        source=dict(
            images=f'{prefix}-images-idx3-ubyte',
            labels=f'{prefix}-labels-idx1-ubyte',
            index_range=[start, stop]),
        items_per_canvas=list(ITEMS_PER_CANVAS),
        scale_range=list(SCALE_RANGE),
        resize='cv2.INTER_LINEAR',
        max_iou=MAX_IOU,
        max_tries=MAX_TRIES)


def generate_split(split: str, images: np.ndarray, labels: np.ndarray,
                   num_canvases: int, canvas_size: int,
                   seed: int) -> Tuple[List[np.ndarray], dict]:
    """Compose one split's canvases.

    Args:
        split (str): ``'train'``, ``'val'`` or ``'test'``.
        images (np.ndarray): The whole source file's images ``(N, 28, 28)``.
        labels (np.ndarray): Their labels ``(N,)``.
        num_canvases (int): How many canvases to make.
        canvas_size (int): Canvas side in pixels.
        seed (int): The random seed.

    Returns:
        tuple: The canvases (uint8 ``(S, S)`` arrays) and the COCO dict
        without ``info`` (images, annotations, categories).
    """
    _, start, stop = SOURCES[split]
    max_side = round(ITEM_SIZE * SCALE_RANGE[1])
    if canvas_size < max_side:
        raise ValueError(f'--canvas-size must be at least {max_side} (the '
                         f'largest item), got {canvas_size}.')
    rng = np.random.default_rng([seed, SPLITS.index(split)])
    pool = start + rng.permutation(stop - start)
    counts = rng.integers(
        ITEMS_PER_CANVAS[0], ITEMS_PER_CANVAS[1] + 1, size=num_canvases)
    if counts.sum() > len(pool):
        raise ValueError(
            f'{num_canvases} {split} canvases need {counts.sum()} items, but '
            f'the {split} split has {len(pool)} images (indices {start}-'
            f'{stop - 1}); ask for fewer canvases.')
    canvases, coco_images, annotations = [], [], []
    next_item = 0
    for i in range(num_canvases):
        canvas = np.zeros((canvas_size, canvas_size), np.uint8)
        boxes = np.zeros((0, 4), np.int64)
        for _ in range(counts[i]):
            while True:  # skip blank items (none in Fashion-MNIST)
                if next_item >= len(pool):
                    raise ValueError(f'The {split} split ran out of items; '
                                     'ask for fewer canvases.')
                index = int(pool[next_item])
                next_item += 1
                side = int(round(ITEM_SIZE * rng.uniform(*SCALE_RANGE)))
                patch = cv2.resize(
                    images[index], (side, side),
                    interpolation=cv2.INTER_LINEAR)
                box_in_patch = tight_box(patch)
                if box_in_patch is not None:
                    break
            for _ in range(MAX_TRIES):
                px, py = rng.integers(0, canvas_size - side + 1, size=2)
                box = np.array([
                    px + box_in_patch[0], py + box_in_patch[1],
                    box_in_patch[2], box_in_patch[3]
                ])
                if (box_iou(box, boxes) <= MAX_IOU).all():
                    break
            else:
                continue  # no position fits: leave the item out
            region = canvas[py:py + side, px:px + side]
            np.maximum(region, patch, out=region)
            boxes = np.concatenate([boxes, box[None]])
            x, y, w, h = (int(v) for v in box)
            annotations.append(
                dict(
                    id=len(annotations) + 1,
                    image_id=i + 1,
                    category_id=int(labels[index]) + 1,
                    bbox=[x, y, w, h],
                    area=w * h,
                    iscrowd=0,
                    source_index=index))
        canvases.append(canvas)
        coco_images.append(
            dict(
                id=i + 1,
                file_name=f'{i:06d}.png',
                width=canvas_size,
                height=canvas_size))
    categories = [
        dict(id=k + 1, name=name, supercategory='fashion')
        for k, name in enumerate(CLASSES)
    ]
    return canvases, dict(
        images=coco_images, annotations=annotations, categories=categories)


def ann_path(out: str, split: str) -> str:
    return osp.join(out, 'annotations', f'{split}.json')


def is_built(out: str, split: str, settings: dict) -> bool:
    """Whether the split's JSON holds ``settings`` and its images exist."""
    try:
        with open(ann_path(out, split)) as f:
            coco = json.load(f)
        if coco['info']['settings'] != settings:
            return False
        return all(
            osp.getsize(osp.join(out, split, img['file_name'])) > 0
            for img in coco['images'])
    except (OSError, ValueError, KeyError, TypeError):
        return False


def write_split(out: str, split: str, canvases: List[np.ndarray], coco: dict,
                settings: dict) -> None:
    """Drop the split's old canvases, write the new PNGs, then the JSON."""
    img_dir = osp.join(out, split)
    os.makedirs(img_dir, exist_ok=True)
    os.makedirs(osp.join(out, 'annotations'), exist_ok=True)
    json_path = ann_path(out, split)
    if osp.exists(json_path):
        os.remove(json_path)  # no valid JSON while the images change
    # Remove (not overwrite) our old canvases: overwriting by truncation
    # makes ext4 flush each file on close, 5x slower here.
    for name in os.listdir(img_dir):
        stem, ext = osp.splitext(name)
        if ext == '.png' and len(stem) == 6 and stem.isdigit():
            os.remove(osp.join(img_dir, name))
    for canvas, img in zip(canvases, coco['images']):
        ok, png = cv2.imencode('.png', canvas)
        assert ok, 'PNG encoding failed'
        with open(osp.join(img_dir, img['file_name']), 'wb') as f:
            f.write(png.tobytes())
    info = dict(
        description='Fashion-MNIST items pasted onto black canvases '
        '(tools/dataset_converters/prepare_fashion_mnist_det.py)',
        settings=settings)
    tmp = json_path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(dict(info=info, **coco), f, separators=(',', ':'))
    os.replace(tmp, json_path)


def prepare(data_root: str = 'data/fashion_mnist',
            out: str = 'data/fashion_mnist_det',
            canvas_size: int = 128,
            counts: Optional[Dict[str, int]] = None,
            seed: int = 0,
            force: bool = False) -> Dict[str, str]:
    """Build (or keep) each split; return ``{split: 'built' | 'kept'}``."""
    counts = dict(DEFAULT_COUNTS, **(counts or {}))
    for split, n in counts.items():
        if n < 0:
            raise ValueError(f'--{split} must be >= 0, got {n}.')
    status, sources = {}, {}
    for split in SPLITS:
        settings = settings_for(split, counts[split], canvas_size, seed)
        if not force and is_built(out, split, settings):
            status[split] = 'kept'
            continue
        prefix = SOURCES[split][0]
        if prefix not in sources:
            sources[prefix] = load_source(data_root, prefix)
        canvases, coco = generate_split(split, *sources[prefix], counts[split],
                                        canvas_size, seed)
        write_split(out, split, canvases, coco, settings)
        status[split] = 'built'
    return status


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument(
        '--data-root',
        default='data/fashion_mnist',
        help='unzipped Fashion-MNIST idx files')
    parser.add_argument('--out', default='data/fashion_mnist_det')
    parser.add_argument('--canvas-size', type=int, default=128)
    for split in SPLITS:
        parser.add_argument(
            f'--{split}',
            type=int,
            default=DEFAULT_COUNTS[split],
            help=f'number of {split} canvases')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--force',
        action='store_true',
        help='rebuild even if the outputs match')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    start = time.perf_counter()
    try:
        status = prepare(args.data_root, args.out, args.canvas_size,
                         {s: getattr(args, s)
                          for s in SPLITS}, args.seed, args.force)
    except (OSError, ValueError) as e:
        sys.exit(f'error: {e}')
    if all(s == 'kept' for s in status.values()):
        print(f'Fashion-MNIST detection set already prepared in {args.out}')
    else:
        built = ', '.join(s for s in SPLITS if status[s] == 'built')
        print(f'Fashion-MNIST detection set prepared in {args.out} (built '
              f'{built} in {time.perf_counter() - start:.1f} s)')


if __name__ == '__main__':
    main()
