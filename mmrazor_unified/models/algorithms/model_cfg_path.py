"""``cfg_path`` model dicts that name a config file instead of a package.

MMRazor builds ``dict(cfg_path=..., pretrained=False)`` through
``mmengine.hub.get_model``, which accepts ``pkg::path`` only: a file path
fails deep inside ``mmengine.hub`` with a message about external packages.
:func:`resolve_cfg_path` turns a file path into the model dict of that file,
built the way ``get_model`` builds a package's model.
"""
import os.path as osp
from typing import Any

from mmengine.config import Config

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
    keys of ``cfg`` filling missing top-level keys, as for ``pkg::`` paths.

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
    model = file_cfg.model.to_dict()
    if 'data_preprocessor' in file_cfg:
        model['data_preprocessor'] = file_cfg.data_preprocessor.to_dict()
    if file_cfg.get('default_scope'):
        model.setdefault('_scope_', file_cfg.default_scope)
    for name, value in cfg.items():
        if name not in ('cfg_path', 'pretrained'):
            model.setdefault(name, value)
    return model
