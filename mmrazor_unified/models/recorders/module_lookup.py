"""Find a sub-module by name, with a helpful error for recorder configs."""
import difflib

from torch import nn


def get_submodule(model: nn.Module, name: str, key: str) -> nn.Module:
    """Return the sub-module ``name`` of ``model``.

    Args:
        model (nn.Module): The model to search.
        name (str): A name as in ``model.named_modules()``.
        key (str): The config key that gave ``name``, for the error message.

    Returns:
        nn.Module: The sub-module.

    Raises:
        ValueError: If ``model`` has no module of that name; the message names
            ``key`` and the closest module names.
    """
    modules = dict(model.named_modules())
    if name not in modules:
        close = difflib.get_close_matches(name, list(modules), n=5, cutoff=0.)
        raise ValueError(f'`{key}` entry {name!r} names no module of '
                         f'{type(model).__name__}; closest module names: '
                         f'{close}.')
    return modules[name]
