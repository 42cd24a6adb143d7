import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub

import mmrazor_unified  # noqa: F401
from mmrazor_unified.compat.checkpoint import history_buffer_getattr


def test_mmengine_checkpoint_loads_with_weights_only(tmp_path):
    hub = MessageHub('ckpt-test')
    hub.update_scalar('train/loss', 1.5)
    hub.update_scalar('train/lr', np.float64(0.1))
    ckpt = dict(
        state_dict={'w': torch.ones(2)},
        message_hub=hub.state_dict(),
        meta=dict(epoch=1, seed=np.int64(3)))
    path = tmp_path / 'ckpt.pth'
    torch.save(ckpt, path)
    loaded = torch.load(path, map_location='cpu')  # weights_only default
    buffer = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.current() == 1.5
    assert loaded['meta']['seed'] == 3


def test_restricted_getattr_refuses_other_attributes():
    assert history_buffer_getattr(HistoryBuffer, 'mean') is HistoryBuffer.mean
    with pytest.raises(pickle.UnpicklingError, match='only'):
        history_buffer_getattr(HistoryBuffer, '__init_subclass__')
    with pytest.raises(pickle.UnpicklingError):
        history_buffer_getattr(np, 'load')
