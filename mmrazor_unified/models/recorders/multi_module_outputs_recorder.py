"""A recorder of the outputs of several modules at once."""
from functools import partial
from typing import Any, List, Optional, Sequence, Tuple

from mmrazor.models.task_modules.recorder.base_recorder import BaseRecorder
from mmrazor.registry import TASK_UTILS
from torch import nn

from .module_lookup import get_submodule


@TASK_UTILS.register_module()
class MultiModuleOutputsRecorder(BaseRecorder):
    """Record the forward outputs of several modules as one tuple.

    One recorder can thus feed all stages of a backbone to a connector (e.g.
    :class:`UniKDFusionConnector`) without changing the backbone's
    ``out_indices``. In a distiller config it is written
    ``dict(type='MultiModuleOutputs', sources=[...])``.

    Examples:
        >>> recorder = MultiModuleOutputsRecorder(
        ...     ['backbone.layer1', 'backbone.layer2'])
        >>> recorder.initialize(model)
        >>> with recorder:
        ...     _ = model(inputs)
        >>> layer1_out, layer2_out = recorder.get_record_data()

    Args:
        sources (list[str]): Names of the modules (as in
            ``model.named_modules()``) whose outputs are recorded.
    """

    def __init__(self, sources: List[str]) -> None:
        is_list = isinstance(sources,
                             Sequence) and not isinstance(sources, str)
        if not is_list or len(sources) == 0:
            raise ValueError('`sources` must be a non-empty list of module '
                             f'names, got {sources!r}.')
        super().__init__(source=', '.join(sources))
        self.sources = list(sources)
        self._recording = False
        self._handles: List = []
        self.reset_data_buffer()

    def reset_data_buffer(self) -> None:
        """Clear the recorded outputs: one empty list per source."""
        self._data_buffer = [[] for _ in self.sources]

    def prepare_from_model(self, model: Optional[nn.Module] = None) -> None:
        """Register a forward hook on every source module.

        Args:
            model (nn.Module): The model that holds the source modules.
        """
        if model is None:
            raise ValueError(f'{type(self).__name__} needs a model.')
        modules = [
            get_submodule(model, source, 'sources') for source in self.sources
        ]
        for handle in self._handles:  # re-initialisation: drop old hooks
            handle.remove()
        self._handles = [
            module.register_forward_hook(partial(self._hook, i))
            for i, module in enumerate(modules)
        ]

    def _hook(self, index: int, module: nn.Module, inputs: Tuple,
              outputs: Any) -> None:
        """Store ``outputs`` of the ``index``-th source while recording."""
        if self._recording:
            self._data_buffer[index].append(outputs)

    def get_record_data(self,
                        record_idx: int = 0,
                        data_idx: Optional[int] = None) -> Any:
        """Get the outputs of the ``record_idx``-th call of every source.

        Args:
            record_idx (int): Which call of the sources (a module run N times
                in one forward has N records). Defaults to 0.
            data_idx (int, optional): If given, return only the output of
                ``sources[data_idx]``. Defaults to None.

        Returns:
            tuple | Any: One output per source, in ``sources`` order, or the
            output of ``sources[data_idx]``.
        """
        for source, records in zip(self.sources, self._data_buffer):
            if record_idx >= len(records):
                raise IndexError(
                    f'record_idx={record_idx} but {source!r} was recorded '
                    f'{len(records)} time(s) in the last forward.')
        record = tuple(records[record_idx] for records in self._data_buffer)
        if data_idx is None:
            return record
        if not -len(record) <= data_idx < len(record):
            raise IndexError(f'data_idx={data_idx} but there are '
                             f'{len(record)} sources.')
        return record[data_idx]

    def __enter__(self) -> None:
        """Start recording (after clearing the previous records)."""
        super().__enter__()
        self._recording = True

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        """Stop recording."""
        super().__exit__(exc_type, exc_value, traceback)
        self._recording = False
