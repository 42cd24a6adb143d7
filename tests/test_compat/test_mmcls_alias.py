import numpy as np
import torch

import mmrazor_unified  # noqa: F401
from mmrazor_unified.compat.mmcls_alias import install_mmcls_alias


def test_alias_resolves_renamed_names():
    from mmcls.datasets.transforms.formatting import PackClsInputs
    from mmcls.structures import ClsDataSample
    from mmpretrain.datasets.transforms import PackInputs
    from mmpretrain.structures import DataSample
    assert ClsDataSample is DataSample
    assert PackClsInputs is PackInputs
    assert install_mmcls_alias() is False  # idempotent


def test_kd_soft_ce_loss_is_real():
    from mmrazor.models.losses import KDSoftCELoss
    preds_T = torch.randn(4, 10)
    loss_same = KDSoftCELoss(tau=2.0)(preds_T.clone(), preds_T)
    loss_diff = KDSoftCELoss(tau=2.0)(torch.randn(4, 10), preds_T)
    assert torch.isfinite(loss_same) and loss_diff > loss_same


def test_crd_pipeline_packs_inputs():
    from mmrazor.datasets.transforms import PackCRDClsInputs
    results = dict(
        img=np.zeros((8, 8, 3), dtype=np.uint8),
        gt_label=np.array(3),
        sample_idx=5,
        contrast_sample_idxs=np.arange(4))
    packed = PackCRDClsInputs()(results)
    assert packed['inputs'].shape == (3, 8, 8)
    sample = packed['data_samples']
    assert int(sample.gt_label) == 3
    assert list(sample.contrast_sample_idxs) == [0, 1, 2, 3]
