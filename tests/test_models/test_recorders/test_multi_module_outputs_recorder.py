"""Tests of MultiModuleOutputsRecorder."""
import pytest
import torch
from torch import nn

import mmrazor_unified  # noqa: F401  (compat layer + registration first)
from mmrazor.models.task_modules import RecorderManager
from mmrazor_unified.models.recorders import MultiModuleOutputsRecorder


class ToyModel(nn.Module):
    """``stage1`` and ``stage2`` run twice per forward, ``head`` once."""

    def __init__(self):
        super().__init__()
        self.stage1 = nn.Linear(3, 4)
        self.stage2 = nn.Linear(4, 3)
        self.head = nn.Linear(3, 2)

    def forward(self, x):
        for _ in range(2):
            x = self.stage2(self.stage1(x))
        return self.head(x)


def _recorder(model, sources):
    recorder = MultiModuleOutputsRecorder(sources)
    recorder.initialize(model)
    return recorder


def test_records_all_sources_in_order():
    model = ToyModel()
    recorder = _recorder(model, ['stage2', 'stage1'])
    x = torch.randn(5, 3)
    with recorder:
        model(x)
    out2, out1 = recorder.get_record_data()
    first1 = model.stage1(x)
    assert torch.equal(out1, first1)
    assert torch.equal(out2, model.stage2(first1))

    second2, second1 = recorder.get_record_data(record_idx=1)
    assert torch.equal(second1, model.stage1(out2))
    assert torch.equal(second2, model.stage2(second1))
    assert torch.equal(recorder.get_record_data(1, data_idx=1), second1)


def test_buffer_reset_and_recording_only_inside_context():
    model = ToyModel()
    recorder = _recorder(model, ['stage1', 'head'])
    with recorder:
        model(torch.randn(1, 3))
    model(torch.randn(1, 3))  # outside the context: not recorded
    assert [len(b) for b in recorder.data_buffer] == [2, 1]
    with recorder:
        model(torch.randn(1, 3))
    assert [len(b) for b in recorder.data_buffer] == [2, 1]
    with pytest.raises(IndexError, match="'head' was recorded 1 time"):
        recorder.get_record_data(record_idx=1)
    with pytest.raises(IndexError, match='data_idx=2'):
        recorder.get_record_data(data_idx=2)


def test_reinitialisation_does_not_duplicate_records():
    model = ToyModel()
    recorder = _recorder(model, ['head'])
    recorder.initialize(model)
    with recorder:
        model(torch.randn(1, 3))
    assert len(recorder.data_buffer[0]) == 1


def test_built_by_recorder_manager():
    model = ToyModel()
    manager = RecorderManager(
        dict(
            stages=dict(
                type='MultiModuleOutputs', sources=['stage1', 'stage2'])))
    manager.initialize(model)
    with manager:
        model(torch.randn(2, 3))
    record = manager.get_recorder('stages').get_record_data()
    assert isinstance(record, tuple) and len(record) == 2
    assert record[0].shape == (2, 4) and record[1].shape == (2, 3)


def test_unknown_source_lists_close_names():
    with pytest.raises(ValueError, match=r"'stage3'.*ToyModel.*'stage1'"):
        _recorder(ToyModel(), ['stage1', 'stage3'])
    for bad in ('stage1', []):
        with pytest.raises(ValueError, match='sources'):
            MultiModuleOutputsRecorder(bad)
