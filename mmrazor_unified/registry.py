"""The ``mmrazor_unified`` registry scope.

A config that inherits ours by package path (``_base_ =
['mmrazor_unified::...']``) gets ``_scope_='mmrazor_unified'`` stamped by
MMEngine on every inherited dict that has a ``type`` and no ``_scope_`` yet
(evaluators, datasets, samplers, schedulers, hooks, ...). MMEngine then builds
such a dict in the registry of that scope: it imports
``mmrazor_unified.registry`` and searches the root registry's children for
the scope. Each registry here is that scope's node, a child of MMPretrain's
registry of the same kind, so that

* unprefixed names resolve as under our configs' default scope,
  ``mmpretrain`` (MMPretrain's modules first, then MMEngine's);
* prefixed names (``mmrazor.X``, ``mmpretrain.X``) resolve through the root.

Our own modules stay registered in MMRazor's registries, so configs refer to
them as ``mmrazor.X`` or inside ``_scope_='mmrazor'`` dicts, as before.
"""
from mmengine.registry import Registry
from mmpretrain import registry as mmpretrain

from .utils.config_package import PACKAGE

SCOPE = PACKAGE  # MMEngine finds a scope's registries in `<scope>.registry`
# the modules that register MMPretrain's classes
MMPRETRAIN_MODULES = [
    'mmpretrain.datasets', 'mmpretrain.engine', 'mmpretrain.evaluation',
    'mmpretrain.models', 'mmpretrain.visualization'
]


def _child(parent: Registry) -> Registry:
    """The ``mmrazor_unified`` node under one of MMPretrain's registries.

    On first use it imports MMPretrain's modules (MMEngine imports only the
    locations of the registry it searches, not those of its parents).

    Args:
        parent (Registry): MMPretrain's registry of this kind.

    Returns:
        Registry: An empty registry with scope ``'mmrazor_unified'``.
    """
    return Registry(
        parent.name, parent=parent, scope=SCOPE, locations=MMPRETRAIN_MODULES)


RUNNERS = _child(mmpretrain.RUNNERS)
RUNNER_CONSTRUCTORS = _child(mmpretrain.RUNNER_CONSTRUCTORS)
LOOPS = _child(mmpretrain.LOOPS)
HOOKS = _child(mmpretrain.HOOKS)
LOG_PROCESSORS = _child(mmpretrain.LOG_PROCESSORS)
OPTIMIZERS = _child(mmpretrain.OPTIMIZERS)
OPTIM_WRAPPERS = _child(mmpretrain.OPTIM_WRAPPERS)
OPTIM_WRAPPER_CONSTRUCTORS = _child(mmpretrain.OPTIM_WRAPPER_CONSTRUCTORS)
PARAM_SCHEDULERS = _child(mmpretrain.PARAM_SCHEDULERS)
DATASETS = _child(mmpretrain.DATASETS)
DATA_SAMPLERS = _child(mmpretrain.DATA_SAMPLERS)
TRANSFORMS = _child(mmpretrain.TRANSFORMS)
MODELS = _child(mmpretrain.MODELS)
MODEL_WRAPPERS = _child(mmpretrain.MODEL_WRAPPERS)
WEIGHT_INITIALIZERS = _child(mmpretrain.WEIGHT_INITIALIZERS)
BATCH_AUGMENTS = _child(mmpretrain.BATCH_AUGMENTS)
TASK_UTILS = _child(mmpretrain.TASK_UTILS)
TOKENIZER = _child(mmpretrain.TOKENIZER)
METRICS = _child(mmpretrain.METRICS)
EVALUATORS = _child(mmpretrain.EVALUATORS)
VISUALIZERS = _child(mmpretrain.VISUALIZERS)
VISBACKENDS = _child(mmpretrain.VISBACKENDS)
