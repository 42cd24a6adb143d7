"""The Fashion-MNIST detection set (tools/dataset_converters/
prepare_fashion_mnist_det.py) and its MMDetection base config."""
import copy
import json
import os
import os.path as osp
import pickle
import shutil
import sys

import cv2
import numpy as np
import pytest
from helpers import DATA_ROOT, ROOT, run_tool

sys.path.insert(0, osp.join(ROOT, 'tools', 'dataset_converters'))
try:
    import prepare_fashion_mnist_det as det
finally:
    sys.path.pop(0)

TOOL = 'dataset_converters/prepare_fashion_mnist_det.py'
BASE_CONFIG = osp.join(ROOT, 'configs', '_base_', 'datasets',
                       'fashion_mnist_det_128.py')
SMALL = dict(train=30, val=10, test=10)
SPLIT_NAMES = det.SPLITS


@pytest.fixture(scope='module')
def mmdet():
    """Skip where MMDetection's datasets and metrics do not import (they
    need ``mmcv.ops``, which mmcv-lite lacks unless our compat layer
    provides it)."""
    try:
        import mmdet.datasets  # noqa: F401
        import mmdet.evaluation  # noqa: F401
    except ImportError as e:
        pytest.skip(f'mmdet.datasets / mmdet.evaluation do not import: {e}')


@pytest.fixture(scope='module')
def sources():
    if not osp.isfile(osp.join(DATA_ROOT, 't10k-labels-idx1-ubyte')):
        pytest.fail('Fashion-MNIST is not prepared: run `make data`')
    return {p: det.load_source(DATA_ROOT, p) for p in ('train', 't10k')}


@pytest.fixture(scope='module')
def small_set(tmp_path_factory):
    """A small set on 64-px canvases: crowded, so the overlap rule acts."""
    out = str(tmp_path_factory.mktemp('det') / 'fmnist_det')
    det.prepare(DATA_ROOT, out, canvas_size=64, counts=SMALL, seed=3)
    return out


def load(out, split):
    with open(det.ann_path(out, split)) as f:
        return json.load(f)


def read_gray(out, split, file_name):
    return cv2.imread(osp.join(out, split, file_name), cv2.IMREAD_UNCHANGED)


def by_image(coco):
    anns = {img['id']: [] for img in coco['images']}
    for ann in coco['annotations']:
        anns[ann['image_id']].append(ann)
    return anns


def iou(a, b):
    iw = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    ih = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    inter = max(iw, 0) * max(ih, 0)
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def test_cli_builds_keeps_and_rebuilds(tmp_path):
    out = str(tmp_path / 'set')
    args = [
        '--out', out, '--data-root', DATA_ROOT, '--train', '4', '--val', '2',
        '--test', '2'
    ]
    first = run_tool(TOOL, *args)
    assert 'built train, val, test' in first.stdout
    coco = load(out, 'train')
    assert coco['info']['settings']['num_canvases'] == 4
    assert coco['info']['settings']['canvas_size'] == 128
    assert sorted(os.listdir(osp.join(
        out, 'train'))) == [f'{i:06d}.png' for i in range(4)]
    assert 'already prepared' in run_tool(TOOL, *args).stdout
    # another count rebuilds only that split; stale canvases are removed
    val_written = os.stat(det.ann_path(out, 'val')).st_mtime_ns
    args[args.index('--train') + 1] = '3'
    assert 'built train in' in run_tool(TOOL, *args).stdout
    assert len(os.listdir(osp.join(out, 'train'))) == 3
    assert load(out, 'train')['info']['settings']['num_canvases'] == 3
    assert os.stat(det.ann_path(out, 'val')).st_mtime_ns == val_written
    # a deleted image or --force rebuilds
    os.remove(osp.join(out, 'val', '000001.png'))
    assert 'built val in' in run_tool(TOOL, *args).stdout
    assert 'built train, val, test' in run_tool(TOOL, *args, '--force').stdout


def test_deterministic_from_seed(tmp_path, small_set):
    again = str(tmp_path / 'again')
    det.prepare(DATA_ROOT, again, canvas_size=64, counts=SMALL, seed=3)
    for split in SPLIT_NAMES:
        with open(det.ann_path(small_set, split), 'rb') as f1, \
                open(det.ann_path(again, split), 'rb') as f2:
            assert f1.read() == f2.read()
        for name in os.listdir(osp.join(small_set, split)):
            with open(osp.join(small_set, split, name), 'rb') as f1, \
                    open(osp.join(again, split, name), 'rb') as f2:
                assert f1.read() == f2.read(), (split, name)
    other = str(tmp_path / 'other')
    det.prepare(DATA_ROOT, other, canvas_size=64, counts=SMALL, seed=4)
    for split in SPLIT_NAMES:
        assert load(other, split)['annotations'] != load(small_set,
                                                         split)['annotations']
    # a split depends on its own count only
    more = str(tmp_path / 'more')
    det.prepare(
        DATA_ROOT, more, canvas_size=64, counts=dict(SMALL, train=40), seed=3)
    assert load(more, 'val') == load(small_set, 'val')
    assert load(more, 'train') != load(small_set, 'train')


def test_split_provenance_and_labels(small_set, sources):
    ranges = {'train': (0, 50000), 'val': (50000, 60000), 'test': (0, 10000)}
    for split in SPLIT_NAMES:
        coco = load(small_set, split)
        prefix = 't10k' if split == 'test' else 'train'
        source = coco['info']['settings']['source']
        assert source['images'] == f'{prefix}-images-idx3-ubyte'
        assert source['index_range'] == list(ranges[split])
        indices = [a['source_index'] for a in coco['annotations']]
        assert len(indices) >= SMALL[split]  # at least one item per canvas
        assert len(set(indices)) == len(indices)  # each item at most once
        start, stop = ranges[split]
        assert all(start <= i < stop for i in indices), split
        labels = sources[prefix][1]
        for ann in coco['annotations']:
            assert ann['category_id'] == int(labels[ann['source_index']]) + 1
    cats = load(small_set, 'train')['categories']
    assert [c['name'] for c in cats] == list(det.CLASSES)
    assert [c['id'] for c in cats] == list(range(1, 11))


def _reconstructs(ann, canvas, others, item):
    """Whether some resize of the source item, cut to its own nonzero
    pixels, has exactly the annotated box size and shows on the canvas
    there (equal where no other box lies, below the canvas elsewhere)."""
    x, y, w, h = ann['bbox']
    shown = canvas[y:y + h, x:x + w].astype(int)
    alone = np.ones_like(shown, bool)
    for o in others:
        ox, oy, ow, oh = o['bbox']
        alone[max(oy - y, 0):max(oy + oh - y, 0),
              max(ox - x, 0):max(ox + ow - x, 0)] = False
    for side in range(21, 57):
        patch = cv2.resize(item, (side, side), interpolation=cv2.INTER_LINEAR)
        ys, xs = np.nonzero(patch)
        crop = patch[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(int)
        if crop.shape == (h, w) and (crop <= shown).all() and (
                crop[alone] == shown[alone]).all():
            return True
    return False


def test_boxes_tight_inside_and_overlap_limited(small_set, sources):
    for split in SPLIT_NAMES:
        coco = load(small_set, split)
        images = sources['t10k' if split == 'test' else 'train'][0]
        anns = by_image(coco)
        for img in coco['images']:
            assert (img['width'], img['height']) == (64, 64)
            canvas = read_gray(small_set, split, img['file_name'])
            assert canvas.shape == (64, 64) and canvas.dtype == np.uint8
            covered = np.zeros_like(canvas, bool)
            boxes = anns[img['id']]
            assert 1 <= len(boxes) <= 4
            for k, ann in enumerate(boxes):
                x, y, w, h = ann['bbox']
                assert x >= 0 and y >= 0 and w > 0 and h > 0
                assert x + w <= 64 and y + h <= 64
                assert ann['area'] == w * h and ann['iscrowd'] == 0
                covered[y:y + h, x:x + w] = True
                # tight: each edge of the box touches a nonzero pixel
                region = canvas[y:y + h, x:x + w]
                assert region[0].any() and region[-1].any()
                assert region[:, 0].any() and region[:, -1].any()
                others = boxes[:k] + boxes[k + 1:]
                assert _reconstructs(ann, canvas, others,
                                     images[ann['source_index']]), ann
                for other in others:
                    assert iou(ann['bbox'], other['bbox']) <= det.MAX_IOU
            # no unlabelled item: every nonzero pixel lies in a box
            assert not canvas[~covered].any()


def test_some_canvases_are_crowded(small_set):
    """The 64-px set reaches the overlap rule: boxes overlap, within it."""
    coco = load(small_set, 'train')
    ious = [
        iou(a['bbox'], b['bbox']) for anns in by_image(coco).values()
        for i, a in enumerate(anns) for b in anns[i + 1:]
    ]
    assert max(ious) > 0 and max(ious) <= det.MAX_IOU


def test_pycocotools_loads(small_set):
    from pycocotools.coco import COCO
    for split in SPLIT_NAMES:
        coco = COCO(det.ann_path(small_set, split))
        assert len(coco.getImgIds()) == SMALL[split]
        names = [c['name'] for c in coco.loadCats(coco.getCatIds())]
        assert names == list(det.CLASSES)
        assert len(coco.getAnnIds()) == len(
            load(small_set, split)['annotations'])


def _partial_root(tmp_path):
    """A Fashion-MNIST directory with the training files only."""
    root = tmp_path / 'fmnist'
    root.mkdir()
    for name in ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'):
        os.symlink(osp.join(DATA_ROOT, name), root / name)
    return root


def test_missing_or_damaged_input_names_the_file(tmp_path):
    root = _partial_root(tmp_path)
    out = str(tmp_path / 'out')
    with pytest.raises(FileNotFoundError) as info:
        det.prepare(str(root), out, counts=dict(train=2, val=2, test=2))
    missing = str(root / 't10k-images-idx3-ubyte')
    assert missing in str(info.value) and 'make data' in str(info.value)
    assert 'prepare_fashion_mnist.py' in str(info.value)
    proc = run_tool(
        TOOL,
        '--data-root',
        str(root),
        '--out',
        out,
        '--train',
        '2',
        '--val',
        '2',
        '--test',
        '2',
        check=False)
    assert proc.returncode != 0
    assert missing in proc.stderr and 'make data' in proc.stderr
    assert 'Traceback' not in proc.stderr
    # the splits that could be built were written
    assert osp.isfile(det.ann_path(out, 'train'))
    # a truncated file
    (root / 't10k-images-idx3-ubyte').write_bytes(
        open(osp.join(DATA_ROOT, 't10k-images-idx3-ubyte'), 'rb').read(100))
    os.symlink(
        osp.join(DATA_ROOT, 't10k-labels-idx1-ubyte'),
        root / 't10k-labels-idx1-ubyte')
    with pytest.raises(ValueError, match='damaged') as info:
        det.prepare(str(root), out, counts=dict(train=2, val=2, test=2))
    assert missing in str(info.value) and 'make data' in str(info.value)


def test_too_many_canvases_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match='ask for fewer canvases'):
        det.generate_split('val', np.ones((60000, 28, 28), np.uint8),
                           np.zeros(60000, np.uint8), 5000, 128, 0)
    with pytest.raises(ValueError, match='canvas-size'):
        det.generate_split('val', np.ones((60000, 28, 28), np.uint8),
                           np.zeros(60000, np.uint8), 1, 48, 0)


# ---- MMDetection: the base config, CocoDataset and CocoMetric ----


@pytest.fixture(scope='module')
def set_128(tmp_path_factory):
    out = str(tmp_path_factory.mktemp('det128') / 'fmnist_det')
    det.prepare(DATA_ROOT, out, counts=dict(train=6, val=4, test=5), seed=1)
    return out


def _config(tmp_path, data_root, head):
    """Load a child of the base config (``head`` = its first lines), with
    every data root pointed at ``data_root``."""
    from mmengine.config import Config
    child = tmp_path / f'child_{abs(hash(head))}.py'
    child.write_text(head)
    cfg = Config.fromfile(str(child))
    root = data_root.rstrip('/') + '/'
    for split in SPLIT_NAMES:
        cfg[f'{split}_dataloader'].dataset.data_root = root
    for split in ('val', 'test'):
        cfg[f'{split}_evaluator'].ann_file = \
            f'{root}annotations/{split}.json'
    return cfg


HEADS = {
    'mmdet':
    f"_base_ = [{BASE_CONFIG!r}]\ndefault_scope = 'mmdet'\n",
    'mmrazor':
    f"_base_ = [{BASE_CONFIG!r}]\ndefault_scope = 'mmrazor'\n",
    'package_path':
    "_base_ = ['mmrazor_unified::_base_/datasets/"
    "fashion_mnist_det_128.py']\ndefault_scope = 'mmrazor'\n",
}


@pytest.mark.parametrize('head', list(HEADS))
def test_base_config_loads_with_mmdet(head, tmp_path, set_128, mmdet):
    from mmengine.registry import DefaultScope
    from mmengine.runner import Runner
    cfg = _config(tmp_path, set_128, HEADS[head])
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        for split in SPLIT_NAMES:
            loader = Runner.build_dataloader(
                copy.deepcopy(cfg[f'{split}_dataloader']))
            dataset = loader.dataset
            assert type(dataset).__name__ == 'FashionMNISTDetDataset'
            # pickles, as spawned data loader workers need
            assert len(pickle.loads(pickle.dumps(dataset))) == len(dataset)
            assert dataset.metainfo['classes'] == det.CLASSES
            coco = load(set_128, split)
            assert len(dataset) == len(coco['images'])
            anns = by_image(coco)
            for i in range(len(dataset)):
                sample = dataset[i]
                assert tuple(sample['inputs'].shape) == (3, 128, 128)
                meta = sample['data_samples']
                gt = meta.gt_instances
                expected = sorted((a['category_id'] - 1, a['bbox'])
                                  for a in anns[meta.img_id])
                got = sorted(
                    (int(label), [round(float(v)) for v in box])
                    for label, box in zip(gt.labels, gt.bboxes.tensor))
                if split != 'train':  # train flips at random
                    assert got == [(k, [x, y, x + w, y + h])
                                   for k, (x, y, w, h) in expected]
                assert sorted(g[0] for g in got) == [e[0] for e in expected]
            batch = next(iter(loader))
            assert len(batch['inputs']) == min(loader.batch_size, len(dataset))
        # the pipeline variables build on their own too (a user's dataset
        # dict that reuses them need not carry the mmdet scope)
        from mmengine.dataset import Compose
        for pipeline in (cfg.train_pipeline, cfg.test_pipeline):
            assert len(Compose(
                copy.deepcopy(pipeline)).transforms) == len(pipeline)


def test_coco_metric_scores_ground_truth_as_perfect(tmp_path, set_128, mmdet):
    from mmengine.evaluator import Evaluator
    from mmengine.registry import DefaultScope
    from mmengine.runner import Runner
    cfg = _config(tmp_path, set_128, HEADS['mmrazor'])
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        for split in ('val', 'test'):
            loader = Runner.build_dataloader(
                copy.deepcopy(cfg[f'{split}_dataloader']))
            evaluator = Evaluator(copy.deepcopy(cfg[f'{split}_evaluator']))
            evaluator.dataset_meta = loader.dataset.metainfo
            for batch in loader:
                preds = []
                for sample in batch['data_samples']:
                    gt = sample.gt_instances
                    preds.append(
                        dict(
                            img_id=sample.img_id,
                            ori_shape=sample.ori_shape,
                            pred_instances=dict(
                                bboxes=gt.bboxes.tensor,
                                scores=gt.bboxes.tensor.new_ones(len(gt)),
                                labels=gt.labels)))
                evaluator.process(preds, batch)
            metrics = evaluator.evaluate(len(loader.dataset))
            assert metrics['coco/bbox_mAP'] == pytest.approx(1.0)
            assert metrics['coco/bbox_mAP_50'] == pytest.approx(1.0)


def test_missing_annotation_or_image_names_file_and_command(
        tmp_path, set_128, mmdet):
    from mmengine.registry import DefaultScope
    from mmengine.runner import Runner
    broken = str(tmp_path / 'broken')
    shutil.copytree(set_128, broken)
    cfg = _config(tmp_path, broken, HEADS['mmrazor'])
    os.remove(det.ann_path(broken, 'val'))
    os.remove(osp.join(broken, 'train', '000002.png'))
    with open(det.ann_path(broken, 'test'), 'w') as f:
        f.write('{"images": [')  # cut short
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        cases = [('val', FileNotFoundError, det.ann_path(broken, 'val')),
                 ('train', FileNotFoundError,
                  osp.join(broken, 'train', '000002.png')),
                 ('test', ValueError, det.ann_path(broken, 'test'))]
        for split, error, path in cases:
            with pytest.raises(error) as info:
                Runner.build_dataloader(
                    copy.deepcopy(cfg[f'{split}_dataloader']))
            message = str(info.value)
            assert path in message, message
            assert 'make data' in message, message
            assert 'prepare_fashion_mnist_det.py --out ' + broken in message
