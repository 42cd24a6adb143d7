"""bfloat16 autocast training, on CPU as on GPU."""
from contextlib import contextmanager

import torch
from mmengine.optim import OptimWrapper
from mmrazor.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class BF16AutocastOptimWrapper(OptimWrapper):
    """Run the forward pass under ``torch.autocast(dtype=bfloat16)``.

    MMEngine's ``AmpOptimWrapper`` refuses to run without a GPU (fp16 needs a
    CUDA loss scaler). bfloat16 has float32's exponent range and needs no
    loss scaling, so mixed precision on CPU is plain autocast around the
    forward pass; backward and the optimizer step stay as in
    :class:`OptimWrapper`. Modules that must stay in float32 (e.g. UniKD's
    distribution heads and losses) disable autocast locally.
    """

    @contextmanager
    def optim_context(self, model: torch.nn.Module):
        """Gradient-accumulation context of the parent, plus bf16 autocast.

        Args:
            model (nn.Module): The training model.
        """
        device = next(model.parameters()).device.type
        with super().optim_context(model), torch.autocast(
                device_type=device, dtype=torch.bfloat16):
            yield
