"""The Fashion-MNIST benchmark protocol, declared before running.

Read by ``tools/benchmark.py``. Every run trains a student with
``tools/train.py`` from the shipped config of its row plus ``--cfg-options``:

* ``tune``: every point of a row's grid, ``seeds['tune']``, validated on the
  held-out split (training images ``heldout``, never trained on). The point
  with the best mean held-out top-1 is the row's tuned setting.
* ``ablation``: one factor at a time around the tuned setting of a row,
  ``seeds['ablation']``, held-out split.
* ``final``: every row at its tuned setting, ``seeds['final']``, test set.

An add-on row (``host`` set) runs with its host's tuned options plus its own:
its grid only holds the add-on's own values, so it differs from the host row
by the add-on alone. Options are ``--cfg-options`` keys; a point may also
name another ``config`` (used for variants that change more than values).

Changing anything here or in a config changes the runs' config hashes; the
tool then reruns the affected runs instead of mixing stale records in.
"""
TAIL = 'resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py'
KD_LOSS = 'model.distiller.distill_losses.loss_kl'
DKD_LOSS = 'model.distiller.distill_losses.loss_dkd'

student_epochs = 8
# students train on the first `train_subset` training images
train_subset = 10000
# held-out split for tuning and ablations: training images [50000, 60000)
heldout = (50000, 60000)
seeds = dict(tune=[0, 1], ablation=[0, 1, 2], final=[0, 1, 2, 3, 4])

rows = [
    dict(
        name='student alone',
        config='configs/fashion_mnist/resnet18-w4_1xb128_fashion-mnist-10k.py'
    ),
    dict(name='KD', config=f'configs/kd/kd_logits_{TAIL}'),
    dict(name='DKD', config=f'configs/dkd/dkd_logits_{TAIL}'),
    dict(
        name='FitNets + KD',
        config=f'configs/fitnets/fitnets_kd_{TAIL}',
        host='KD'),
    dict(name='DIST', config=f'configs/dist/dist_logits_{TAIL}'),
    dict(
        name='UniKD + KD', config=f'configs/unikd/unikd_kd_{TAIL}',
        host='KD'),
    dict(
        name='UniKD + DKD',
        config=f'configs/unikd/unikd_dkd_{TAIL}',
        host='DKD'),
    dict(
        name='MGKD + KD', config=f'configs/mgkd/mgkd_kd_{TAIL}', host='KD'),
    dict(
        name='MGKD + UniKD',
        config=f'configs/mgkd/mgkd_unikd_{TAIL}',
        host='UniKD + KD'),
]

# Tuning grids: at most 6 points per row, each a dict of --cfg-options; the
# first point is the shipped setting. Rows without a grid run as shipped.
tuning = {
    'KD': [
        {},
        {f'{KD_LOSS}.tau': 1},
        {f'{KD_LOSS}.tau': 2},
        {f'{KD_LOSS}.tau': 8},
        {f'{KD_LOSS}.loss_weight': 0.5},
        {f'{KD_LOSS}.loss_weight': 2},
    ],
    'DKD': [
        {},
        {f'{DKD_LOSS}.beta': 1},
        {f'{DKD_LOSS}.beta': 4},
        {f'{DKD_LOSS}.beta': 8},
        {'custom_hooks.0.warmup_epochs': 2},
        {'custom_hooks.0.warmup_epochs': 4},
    ],
    'FitNets + KD': [
        {},
        {'model.distiller.distill_losses.loss_s3.loss_weight': 1},
        {'model.distiller.distill_losses.loss_s3.loss_weight': 3},
        {'model.distiller.distill_losses.loss_s3.loss_weight': 30},
    ],
    'DIST': [
        {},
        {'model.distiller.distill_losses.loss_dist.loss_weight': 1},
        {'model.distiller.distill_losses.loss_dist.loss_weight': 4},
        {'model.distiller.distill_losses.loss_dist.tau': 2},
        {'model.distiller.distill_losses.loss_dist.tau': 4},
    ],
    # UniKD and MGKD grids: filled in with their issues' configs
}

# Ablations: name -> dict(row=<row whose tuned setting is the centre>,
# variants=[dict(name=..., options={...}, config=optional)]).
ablations = {}
