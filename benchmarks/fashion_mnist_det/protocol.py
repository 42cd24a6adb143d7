"""The Fashion-MNIST detection benchmark protocol, declared before running.

Read by ``tools/benchmark.py --protocol benchmarks/fashion_mnist_det/
protocol.py``, with the classification protocol's discipline
(``benchmarks/fashion_mnist/protocol.py``): every run trains the pair's
student (Faster R-CNN R-18 width 8, 32-channel FPN, from scratch) for 3
epochs on the 8000 training canvases with ``tools/train.py`` from the
shipped config of its row plus ``--cfg-options``;

* ``tune``: each distiller's loss weight on a 3-point grid (the shipped
  value, a third of it, three times it), ``seeds['tune']``, validated on the
  held-out canvases (made from training images 50000-59999, never trained
  on). The point with the best mean held-out box mAP is the row's tuned
  setting.
* ``ablation``: one factor at a time around a tuned row, held-out canvases.
* ``final``: every row at its tuned setting, ``seeds['final']`` (disjoint
  from the tuning and ablation seeds), test canvases (t10k images).

The score is COCO box mAP (IoU 0.50:0.95) in points (x100), with AP50 beside
it. All final runs train on CPU with one machine fingerprint
(``final_machine``; the tool leaves them to a matching machine). The teacher (R-34 width 16,
12 epochs on the training canvases) is trained once and committed with its
hash, so every machine distils from the same one.
"""
PAIR = 'faster-rcnn_r34-w16_faster-rcnn_r18-w8_1xb8-3e_fashion-mnist-det.py'
STUDENT = ('configs/fashion_mnist_det/'
           'faster-rcnn_r18-w8_fpn_1xb8-3e_fashion-mnist-det.py')
TEACHER = ('configs/fashion_mnist_det/'
           'faster-rcnn_r34-w16_fpn_1xb8-12e_fashion-mnist-det.py')
LOSSES = 'model.distiller.distill_losses'
DATA = 'data/fashion_mnist_det/'
EPOCHS = 3

metric = dict(
    log_key='coco/bbox_mAP',
    field='box_mAP',
    scale=100,
    label='box mAP',
    chance=0.0,
    extra={'box_AP50': 'coco/bbox_mAP_50'},
    extra_labels={'box_AP50': 'AP50'})

# the test split: the validation loop on the test canvases
TEST_SPLIT = {
    'val_dataloader.dataset.ann_file': 'annotations/test.json',
    'val_dataloader.dataset.data_prefix.img': 'test/',
    'val_evaluator.ann_file': f'{DATA}annotations/test.json',
}
options = dict(
    all={
        'train_cfg.max_epochs': EPOCHS,
        # validate once, at the end: only the final box mAP is reported
        'train_cfg.val_interval': EPOCHS,
        'default_hooks.logger.interval': 50,
    },
    # the configs validate on the held-out canvases as shipped
    heldout={},
    test=TEST_SPLIT,
    # --quick: a few iterations on tiny subsets (a smoke test)
    quick={
        'train_cfg.max_epochs': 1,
        'train_cfg.val_interval': 1,
        'train_dataloader.dataset.indices': 32,
        'val_dataloader.dataset.indices': 16,
        'default_hooks.logger.interval': 2,
    })

teacher = dict(
    config=TEACHER,
    weights='benchmarks/fashion_mnist_det/teacher_faster-rcnn_r34-w16_fpn.pth',
    key='model.teacher_ckpt',
    train_options={'train_cfg.val_interval': 4},
    quick_train_options={
        'train_cfg.max_epochs': 1,
        'train_dataloader.dataset.indices': 32,
    },
    quick_test_options={'test_dataloader.dataset.indices': 16},
    description=f'Faster R-CNN R-34 width 16, 32-channel FPN, `{TEACHER}` '
    '(12 epochs on the 8000 training canvases, from scratch)')

seeds = dict(tune=[0, 1], ablation=[0, 1, 2, 3, 4], final=[100, 101, 102,
                                                           103, 104])
# one machine per table: the classification protocol's fingerprint (CPU, 1
# thread, kernels capped at AVX2, the torch of requirements.txt)
final_machine = dict(
    device='cpu', torch='2.14.1+cu130', threads=1, cpu_capability='AVX2')

# FBKD (configs/fbkd/) does not fit: its non-local connectors make a step
# cost about twice the student alone's (CWD's and PKD's about 1.2x, measured
# interleaved as bench.cost does), some 20 minutes a run against the 15 the
# pair is sized for.
rows = [
    dict(name='student alone', config=STUDENT),
    dict(name='CWD', config=f'configs/cwd/cwd_fpn_{PAIR}'),
    dict(name='PKD', config=f'configs/pkd/pkd_fpn_{PAIR}'),
    dict(name='DKD (RoI)', config=f'configs/dkd/dkd_rcnn_{PAIR}'),
    dict(
        name='UniKD-Det',
        config=f'configs/unikd/unikd_rcnn_{PAIR}',
        host='DKD (RoI)'),
]


def loss_weight(names: list, value: float) -> dict:
    """One grid point: ``loss_weight`` of each named distillation loss."""
    return {f'{LOSSES}.{name}.loss_weight': value for name in names}


def unikd_weight(scale: float) -> dict:
    """One UniKD-Det grid point: the whole unified loss scaled (its feature
    term's weight 1 and its self-consistency term's 0.1 alike)."""
    return {
        f'{LOSSES}.loss_unikd.loss_weight': scale,
        f'{LOSSES}.loss_unikd.consistency_weight': round(0.1 * scale, 4),
    }


CWD_LOSSES = [f'loss_cwd_fpn{i}' for i in range(5)]
PKD_LOSSES = [f'loss_pkd_fpn{i}' for i in range(4)]
# shipped weights: MMRazor's (CWD 10, PKD 6), the authors' DKD 1
# and UniKD 1 + 0.1
tuning = {
    'CWD': [{}, loss_weight(CWD_LOSSES, 3), loss_weight(CWD_LOSSES, 30)],
    'PKD': [{}, loss_weight(PKD_LOSSES, 2), loss_weight(PKD_LOSSES, 18)],
    'DKD (RoI)': [{}, loss_weight(['loss_dkd'], 0.3),
                  loss_weight(['loss_dkd'], 3)],
    'UniKD-Det': [{}, unikd_weight(0.3), unikd_weight(3)],
}

# Grid edges (the classification protocol's rule, issue 26; declared here
# after the first tuning seed of CWD, PKD and DKD (RoI), before any second
# seed of theirs and before any extension ran): where a row's best mean
# held-out box mAP over both tuning seeds lies at the edge of its grid, the
# next value of the grid's x3 progression becomes its last point, once:
# CWD 90 or 1, PKD 54 or 2/3, DKD (RoI) 9 or 0.1, UniKD-Det 9 or 0.1 (its
# consistency weight 0.1 of that). A row gets its entry when both of its
# tuning seeds are in.
grid_extensions = {
    # 30 of 3, 10, 30: 59.7 against 56.65 at the shipped 10; 90 then
    # reached 59.65, so the row stays tuned at 30
    'CWD': loss_weight(CWD_LOSSES, 90),
    # 18 of 2, 6, 18: 59.25 against 58.65 at the shipped 6; 54 then
    # reached 55.8, so the row stays tuned at 18
    'PKD': loss_weight(PKD_LOSSES, 54),
    # 3 of 0.3, 1, 3: 60.0 against 58.4 at the shipped 1; 9 then diverged
    # on seed 0 and reached 46.1 on seed 1, so the row stays tuned at 3
    'DKD (RoI)': loss_weight(['loss_dkd'], 9),
    # 0.3 of 0.3, 1, 3 (on DKD 3): 58.5 against 55.8 at the shipped 1;
    # 0.1 then reached 58.7, so the row is tuned at 0.1
    'UniKD-Det': unikd_weight(0.1),
}

# UniKD-Det's two behaviours of the authors' code that look like slips
# (configs/unikd/README.md, deviation table): each alternative is a switch,
# the default only if it is ahead of the authors' behaviour on the held-out
# canvases (paired interval over these seeds above zero).
UNIKD = f'{LOSSES}.loss_unikd'
ablations = {
    'UniKD-Det': dict(
        row='UniKD-Det',
        variants=[
            dict(
                name="student's box samples tied to its own deltas",
                options={f'{UNIKD}.student_box_target': 'student'}),
            dict(
                name='box divergence: MSE instead of a softmax KL',
                options={f'{UNIKD}.box_divergence': 'mse'}),
        ]),
    # the reference of the collapse rule on every held-out seed in use
    'student alone: collapse reference': dict(
        row='student alone',
        seeds=sorted({*seeds['tune'], *seeds['ablation']}),
        variants=[]),
}

report = dict(
    name='benchmark_det',
    # every row is compared with these (each with the student alone), and
    # an add-on row with its host: UniKD-Det against the student alone,
    # CWD, PKD and DKD (RoI)
    baselines=['student alone', 'CWD', 'PKD', 'DKD (RoI)'],
    block='benchmark-det',
    readme_blocks={
        'README.md': {},
        'configs/unikd/README.md': dict(
            rows=['student alone', 'DKD (RoI)', 'UniKD-Det'],
            ablation='UniKD-Det'),
        'configs/cwd/README.md': dict(rows=['student alone', 'CWD']),
        'configs/pkd/README.md': dict(rows=['student alone', 'PKD']),
    },
    cost_reference='student alone',
    cost_batch_size=8,
    quick_rows=['student alone', 'CWD', 'UniKD-Det'],
    metafile=dict(
        task='Object Detection',
        dataset='Fashion-MNIST detection canvases',
        metrics={
            'box AP': 'box_mAP',
            'box AP50': 'box_AP50'
        }))
