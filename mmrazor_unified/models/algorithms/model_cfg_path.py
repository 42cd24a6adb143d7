"""``cfg_path`` model dicts: config files, and keys that override the model.

MMRazor builds ``dict(cfg_path=..., pretrained=False)`` through
``mmengine.hub.get_model``, which accepts ``pkg::path`` only: a file path
fails deep inside ``mmengine.hub`` with a message about external packages.
:func:`resolve_cfg_path` turns a file path into the model dict of that file,
built the way ``get_model`` builds a package's model.

``get_model`` passes the dict's other keys to the model as default
arguments, so a key the package's config already sets is silently ignored:
``architecture=dict(cfg_path='mmdet::retinanet/retinanet_r50_fpn_1x_coco.py',
bbox_head=dict(num_classes=10))`` builds an 80-class head, and
``backbone=dict(init_cfg=None)`` still downloads ImageNet weights.
:func:`install_cfg_path_overrides` makes MMRazor's model registry apply such
keys the way a child config would (:func:`apply_overrides`), for every
MMRazor algorithm (``SingleTeacherDistill``, ``FpnTeacherDistill``, ...);
dicts with ``cfg_path`` and ``pretrained`` only are built by MMRazor as
before.
"""
import copy
import importlib
import os.path as osp
from typing import Any, Optional, Tuple

from mmengine.config import Config, ConfigDict
from mmengine.registry import DefaultScope

RELATIVE_HINT = '{{ fileDirname }}'


def resolve_cfg_path(cfg: Any, key: str) -> Any:
    """The model dict of the config file named by ``cfg['cfg_path']``.

    ``cfg`` is returned unchanged unless it is a dict with a ``cfg_path`` and
    no ``type``, and that path is not a ``pkg::`` path. Then the path must be
    absolute: MMEngine replaces ``{{ fileDirname }}`` in a config with the
    folder of the file that contains it, so
    ``cfg_path='{{ fileDirname }}/../students/my_student.py'`` resolves
    against the config's folder, as ``_base_`` paths do. The file's ``model``
    is returned with its top-level ``data_preprocessor`` (if any), its
    ``default_scope`` as ``_scope_`` (unless the model sets one) and the other
    keys of ``cfg`` applied to it as a child config's would be
    (:func:`apply_overrides`), as for ``pkg::`` paths.

    Args:
        cfg: A model (returned as is) or model dict.
        key (str): The config key of ``cfg``, e.g. ``'model.teacher'``, for
            error messages.

    Returns:
        The model dict to build, or ``cfg`` itself.
    """
    if not isinstance(cfg, dict) or 'cfg_path' not in cfg or cfg.get('type'):
        return cfg
    path = cfg['cfg_path']
    if not isinstance(path, str) or not path:
        raise TypeError(f'`{key}.cfg_path` must be a config path, got '
                        f'{path!r}.')
    if '::' in path:
        return cfg  # MMRazor builds package paths itself
    path = osp.expanduser(path)
    if not osp.isabs(path):
        raise ValueError(
            f'`{key}.cfg_path` is a relative path ({path!r}); a model is '
            'built without knowing which config file named it. Write '
            f"cfg_path='{RELATIVE_HINT}/{path}' (MMEngine replaces "
            f'{RELATIVE_HINT} with the folder of the config file, which is '
            'where `_base_` paths are resolved), an absolute path, or a '
            "package path such as 'mmpretrain::resnet/"
            "resnet18_8xb16_cifar10.py'.")
    if not osp.isfile(path):
        raise FileNotFoundError(f'`{key}.cfg_path` not found: {path!r}.')
    if cfg.get('pretrained', False):
        raise ValueError(
            f'`{key}.pretrained=True` needs a package path whose metafile '
            f'lists weights; {path!r} is a file. Set pretrained=False and '
            'load weights through `teacher_ckpt` or the model\'s `init_cfg`.')
    file_cfg = Config.fromfile(path)
    if not isinstance(file_cfg.get('model'), dict):
        raise ValueError(f'`{key}.cfg_path` ({path!r}) defines no `model` '
                         'dict.')
    model = copy.deepcopy(file_cfg.model)
    if 'data_preprocessor' in file_cfg:
        model['data_preprocessor'] = copy.deepcopy(file_cfg.data_preprocessor)
    if file_cfg.get('default_scope'):
        model.setdefault('_scope_', file_cfg.default_scope)
    if cfg.get('_scope_'):
        model.setdefault('_scope_', cfg['_scope_'])
    return apply_overrides(model, _overrides(cfg))


OWN_KEYS = ('cfg_path', 'pretrained', '_scope_')


def _overrides(cfg: dict) -> dict:
    """The keys of a ``cfg_path`` dict that are meant for the model."""
    return {k: v for k, v in cfg.items() if k not in OWN_KEYS}


def apply_overrides(model: dict, overrides: dict) -> ConfigDict:
    """``model`` with ``overrides`` applied as a child config's keys are.

    A dict merges key by key into the model's dict of the same name (with
    ``_delete_=True`` it replaces it), any other value replaces the model's,
    and keys the model lacks are added: ``dict(backbone=dict(init_cfg=None),
    bbox_head=dict(num_classes=10))`` changes just those two entries.

    Args:
        model (dict): A model config (not modified).
        overrides (dict): Keys to apply (not modified).

    Returns:
        ConfigDict: The merged model config (a ``ConfigDict``, as
        ``Config.fromfile`` gives: MMDetection reads e.g. its ``test_cfg``
        by attribute).
    """
    merged = Config._merge_a_into_b(
        copy.deepcopy(dict(overrides)), copy.deepcopy(dict(model)))
    return ConfigDict(merged)


def package_model(cfg_path: str,
                  pretrained: bool = False) -> Tuple[dict, Optional[str]]:
    """The model dict of a ``pkg::path`` config, as ``get_model`` reads it.

    Args:
        cfg_path (str): ``pkg::path/to/config.py``.
        pretrained (bool): Also return the weights the package's metafile
            lists for the config.

    Returns:
        tuple: The model ``ConfigDict`` (with the config's
        ``data_preprocessor`` and
        ``_scope_`` set to the package, so that it builds in the package's
        registries) and the weights' address (None unless ``pretrained``).
    """
    from mmengine.hub import get_config
    package = cfg_path.split('::')[0]
    with DefaultScope.overwrite_default_scope(package):
        cfg = get_config(cfg_path, pretrained)
        # what get_model does: register the package's modules
        importlib.import_module(f'{package}.utils').register_all_modules()
    model = copy.deepcopy(cfg.model)
    if 'data_preprocessor' in cfg:
        model['data_preprocessor'] = copy.deepcopy(cfg.data_preprocessor)
    model.setdefault('_scope_', package)
    return model, cfg.get('model_path') if pretrained else None


def _build_with_overrides(original):

    def build_razor_model_from_cfg(cfg, registry, default_args=None):
        path = cfg.get('cfg_path') if isinstance(cfg, dict) else None
        if (isinstance(path, str) and '::' in path and not cfg.get('type')
                and _overrides(cfg)):
            model, weights = package_model(path, cfg.get('pretrained', False))
            built = original(
                apply_overrides(model, _overrides(cfg)), registry,
                default_args)
            if weights:
                from mmengine.runner import load_checkpoint
                load_checkpoint(built, weights)
                built._is_init = True  # as get_model: keep these weights
            return built
        return original(cfg, registry, default_args)

    build_razor_model_from_cfg.__wrapped__ = original
    return build_razor_model_from_cfg


def install_cfg_path_overrides() -> None:
    """Let MMRazor's model registry apply the other keys of a ``pkg::``
    ``cfg_path`` dict to the model (see the module doc). Idempotent."""
    from mmrazor.registry import MODELS
    if not hasattr(MODELS.build_func, '__wrapped__'):
        MODELS.build_func = _build_with_overrides(MODELS.build_func)
