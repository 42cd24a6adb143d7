import torch

from mmrazor_unified.engine.optimizers import BF16AutocastOptimWrapper


def test_forward_in_bf16_weights_stay_fp32():
    model = torch.nn.Linear(4, 2)
    wrapper = BF16AutocastOptimWrapper(
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    before = model.weight.detach().clone()
    with wrapper.optim_context(model):
        out = model(torch.randn(3, 4))
    assert out.dtype == torch.bfloat16
    wrapper.update_params(out.float().pow(2).mean())
    assert model.weight.dtype == torch.float32
    assert not torch.equal(model.weight, before)
    assert model(torch.randn(3, 4)).dtype == torch.float32  # outside context
