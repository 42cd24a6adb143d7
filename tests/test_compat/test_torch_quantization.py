import sys

import pytest
import torch

import mmrazor_unified  # noqa: F401
from mmrazor_unified.compat import torch_quantization
from mmrazor_unified.compat.torch_quantization import (
    LazyBackendConfigs, QuantizationUnavailableError, needs_patch,
    patch_torch_quantization)


def test_mmrazor_models_import_and_register_all_modules():
    import mmrazor.models  # noqa: F401
    from mmrazor.registry import MODELS
    from mmrazor.utils import register_all_modules
    register_all_modules(init_default_scope=False)
    assert 'SingleTeacherDistill' in MODELS.module_dict


def test_patch_is_idempotent():
    mapping = sys.modules[torch_quantization._MAPPING_MODULE]
    assert patch_torch_quantization() is False  # already applied at import
    assert sys.modules[torch_quantization._MAPPING_MODULE] is mapping
    from torch.ao.quantization import fuser_method_mappings as fmm
    assert fmm.reverse2 is fmm._reverse2


def test_noop_on_torch_that_does_not_need_it(monkeypatch):
    monkeypatch.setattr(torch, '__version__', '2.0.1')
    assert needs_patch() is False
    assert patch_torch_quantization() is False


def test_backend_configs_fail_clearly_when_used():
    from mmrazor.structures.quantization import BackendConfigs
    assert isinstance(BackendConfigs, LazyBackendConfigs)
    assert set(BackendConfigs) == {'academic', 'native', 'tensorrt',
                                   'openvino'}
    with pytest.raises(QuantizationUnavailableError, match='torch'):
        BackendConfigs['native']
    with pytest.raises(KeyError):
        BackendConfigs['no-such-backend']


def test_quantizer_fails_at_build_with_clear_message():
    from mmrazor.registry import MODELS
    cfg = dict(
        type='mmrazor.TorchNativeQuantizer',
        global_qconfig=dict(
            w_observer=dict(type='mmrazor.PerChannelMinMaxObserver'),
            a_observer=dict(type='mmrazor.MovingAverageMinMaxObserver'),
            w_fake_quant=dict(type='mmrazor.FakeQuantize'),
            a_fake_quant=dict(type='mmrazor.FakeQuantize'),
            w_qscheme=dict(qdtype='qint8', bit=8, is_symmetry=True),
            a_qscheme=dict(qdtype='quint8', bit=8, is_symmetry=True)))
    with pytest.raises(QuantizationUnavailableError,
                       match='quantization backend config'):
        MODELS.build(cfg)
