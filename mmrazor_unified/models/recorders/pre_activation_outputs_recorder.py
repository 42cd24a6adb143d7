"""A recorder of a block's output before its final (in-place) activation."""
from typing import Any, List, Optional, Tuple

import torch
from mmrazor.models.task_modules.recorder.base_recorder import BaseRecorder
from mmrazor.registry import TASK_UTILS
from torch import nn

from .module_lookup import get_submodule


@TASK_UTILS.register_module()
class PreActivationOutputsRecorder(BaseRecorder):
    """Record the output of a block *before* its last activation.

    A residual block ends with ``out = relu(conv_branch + identity)``; UniKD's
    authors distill the teacher's stage feature before that ReLU (the
    "pre-activation" feature, which keeps the negative values). MMPretrain's
    ``BasicBlock`` and ``Bottleneck`` call one ``nn.ReLU(inplace=True)``
    module several times, the last time on the residual sum, so neither the
    block's output nor a ``ModuleInputs`` recorder on the ReLU (a forward
    hook: the input tensor has been overwritten by then) gives that sum.

    This recorder clones the input of ``activation`` (a sub-module of
    ``source``) in a forward *pre*-hook, i.e. before the in-place operation,
    at every call, and when ``source`` returns it records the clone of the
    last call: the input of the activation that produced the block's output.
    On the first recorded forward it checks that ``source``'s output really
    is ``activation`` applied to the recorded tensor, so a block that does
    not end with that activation fails with a clear error instead of
    silently recording some other tensor. In a distiller config it is written
    ``dict(type='PreActivationOutputs', source='backbone.layer1.1')`` (the
    last block of stage 1).

    Args:
        source (str): Name of the block (as in ``model.named_modules()``)
            whose pre-activation output is recorded, e.g. the last block of
            a stage: ``'backbone.layer1.1'`` for a ResNet-18 or a
            ResNet_CIFAR-18, ``'backbone.layer1.2'`` for a ResNet-34/50.
        activation (str): Name of the activation module relative to
            ``source``. Defaults to ``'relu'`` (MMPretrain's ResNet blocks).
    """

    def __init__(self, source: str, activation: str = 'relu') -> None:
        for key, value in (('source', source), ('activation', activation)):
            if not isinstance(value, str) or not value:
                raise ValueError(
                    f'`{key}` must be a non-empty module name, got {value!r}.')
        super().__init__(source)
        self.activation = activation
        self._recording = False
        self._checking = False
        self._verified = False
        self._last_input: Optional[torch.Tensor] = None
        self._act: Optional[nn.Module] = None
        self._handles: List = []

    def prepare_from_model(self, model: Optional[nn.Module] = None) -> None:
        """Hook ``source`` and its ``activation``.

        Args:
            model (nn.Module): The model that holds ``source``.
        """
        if model is None:
            raise ValueError(f'{type(self).__name__} needs a model.')
        block = get_submodule(model, self.source, 'source')
        self._act = get_submodule(block, self.activation, 'activation')
        for handle in self._handles:  # re-initialisation: drop old hooks
            handle.remove()
        self._handles = [
            self._act.register_forward_pre_hook(self._pre_hook),
            block.register_forward_hook(self._hook)
        ]
        self._verified = False

    def _pre_hook(self, module: nn.Module, inputs: Tuple) -> None:
        """Keep a copy of the activation's input before it is overwritten."""
        if self._recording and not self._checking:
            self._last_input = inputs[0].clone()

    def _hook(self, module: nn.Module, inputs: Tuple, outputs: Any) -> None:
        """Record the input of the activation's last call in ``source``."""
        if not self._recording:
            return
        pre_act, self._last_input = self._last_input, None
        if pre_act is None:
            raise RuntimeError(
                f'`activation` {self.activation!r} was not called during '
                f'the forward of `source` {self.source!r}.')
        if not self._verified:
            self._verify(pre_act, outputs)
        self.data_buffer.append(pre_act)

    def _verify(self, pre_act: torch.Tensor, outputs: Any) -> None:
        """Check ``outputs == activation(pre_act)`` (once)."""
        self._checking = True  # the check's own call must not be recorded
        try:
            with torch.no_grad():
                expected = self._act(pre_act.detach().clone())
        finally:
            self._checking = False
        if not (isinstance(outputs, torch.Tensor) and outputs.shape
                == expected.shape and torch.equal(outputs.detach(), expected)):
            raise ValueError(
                f'The output of `source` {self.source!r} is not `activation` '
                f'{self.activation!r} applied to the input of its last call, '
                'so the block does not end with that activation; point '
                '`source` at a block whose last operation is `activation` '
                "(e.g. a ResNet block with activation='relu').")
        self._verified = True

    def __enter__(self) -> None:
        """Start recording (after clearing the previous records)."""
        super().__enter__()
        self._recording = True
        self._last_input = None

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        """Stop recording."""
        super().__exit__(exc_type, exc_value, traceback)
        self._recording = False
        self._last_input = None
