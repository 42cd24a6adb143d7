"""Config keys of a distiller's connectors, for errors that name them.

MMRazor builds connectors from ``model.distiller.connectors`` without
telling them where they sit in the config. :func:`name_connectors` gives
each connector module the key a user edits (``config_key``, e.g.
``model.distiller.connectors.t_unikd[0]``) and what feeds it
(``fed_by``: a recorder and its source, or the connector before it);
:func:`where` turns them into the start of an error message.
"""
from typing import Any

from torch import nn


def _recorder(distiller: Any, spec: dict) -> str:
    """``'teacher recorder `stage` (source `backbone.layer1.1`)'``."""
    side = 'student' if spec.get('from_student') else 'teacher'
    manager = getattr(distiller, f'{side}_recorders')
    recorder = manager.recorders.get(spec['recorder'])
    sources = getattr(recorder, 'sources', None) or [
        getattr(recorder, 'source', '?')
    ]
    return (f'{side} recorder `{spec["recorder"]}` (source '
            f'{", ".join(f"`{s}`" for s in sources)})')


def name_connectors(distiller: Any, prefix: str = 'model.distiller') -> None:
    """Set ``config_key`` and ``fed_by`` on every connector of a distiller.

    Args:
        distiller: A ``ConfigurableDistiller`` (with ``connectors``,
            ``loss_forward_mappings`` and the two recorder managers).
        prefix (str): The distiller's config key.
    """
    feeds = {
        spec['connector']: _recorder(distiller, spec)
        for mapping in distiller.loss_forward_mappings.values()
        for spec in mapping.values()
        if isinstance(spec, dict) and spec.get('connector')
    }
    for name, connector in distiller.connectors.items():
        key = f'{prefix}.connectors.{name}'
        if not isinstance(connector, nn.Sequential):
            connector.config_key = key
            connector.fed_by = feeds.get(name)
            continue
        for i, module in enumerate(connector):
            module.config_key = f'{key}[{i}]'
            module.fed_by = feeds.get(name) if i == 0 else (
                f'connector `{key}[{i - 1}]` '
                f'({type(connector[i - 1]).__name__})')


def where(module: nn.Module) -> str:
    """The start of an input error of ``module``: its key and its feeder,
    where :func:`name_connectors` set them, else its type."""
    key = getattr(module, 'config_key', None)
    if key is None:
        return f'{type(module).__name__}: '
    fed_by = getattr(module, 'fed_by', None)
    feeder = f', fed by {fed_by}' if fed_by else ''
    return f'`{key}` ({type(module).__name__}{feeder}): '
