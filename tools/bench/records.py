"""Run records: one small JSON file per finished run, committed.

A record names its run (stage, row, variant, host, seed, split), the hash of
the resolved config it trained with and of the teacher (and MGKD analyser)
weights, and what it measured. A record is *current* when those hashes match
what the run would use today; a stale record (config or teacher changed) is
rerun, never mixed into a report.
"""
import copy
import hashlib
import json
import os
import os.path as osp
import threading
from typing import Any, Dict, Iterable, List, Optional

from mmengine.config import Config
from mmengine.hub import get_config

from .plan import Run

# keys that only steer logging or where files go, not what is trained
IGNORED_KEYS = ('work_dir', 'visualizer', 'log_processor', 'log_level',
                'launcher', 'default_hooks.logger', 'default_hooks.checkpoint',
                'train_cfg.val_interval')
# every config load of the benchmark holds this lock: runs start from worker
# threads while the scheduler hashes configs, and MMEngine's config loading
# (through pkg_resources) is not thread-safe ('Expected str, Requirement, or
# Distribution')
CONFIG_LOCK = threading.RLock()


def load_config(path: str,
                cache: Optional[Dict[str, Config]] = None) -> Config:
    """``Config.fromfile`` (``get_config`` for a ``pkg::`` path) under
    :data:`CONFIG_LOCK`.

    Args:
        path (str): Config path.
        cache (dict, optional): Path -> parsed config, filled here: with
            one, each config is parsed once (a report hashes hundreds of runs
            of a few dozen configs) and a copy is returned, free to change.
    """
    with CONFIG_LOCK:
        if cache is None:
            return get_config(path) if '::' in path else Config.fromfile(path)
        if path not in cache:
            cache[path] = load_config(path)
        return copy.deepcopy(cache[path])
# checkpoint paths differ between machines; their contents are hashed instead
WEIGHT_KEYS = ('model.teacher_ckpt', )


def file_hash(path: str) -> str:
    """First 12 hex digits of the SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()[:12]


def _pop(cfg: dict, dotted: str) -> None:
    *parents, last = dotted.split('.')
    for key in parents:
        cfg = cfg.get(key)
        if not isinstance(cfg, dict):
            return
    cfg.pop(last, None)


def _inline_cfg_paths(node: Any, folder: str,
                      cache: Optional[Dict[str, Config]]) -> Any:
    """Replace every ``cfg_path`` by the dict of the config it names.

    Plain paths are relative to ``folder``, the top config's folder;
    ``cache`` is :func:`load_config`'s.
    """
    if isinstance(node, dict):
        out = {
            k: _inline_cfg_paths(v, folder, cache)
            for k, v in node.items()
        }
        if isinstance(node.get('cfg_path'), str):
            path = node['cfg_path']
            cfg = load_config(
                path if '::' in path else osp.join(folder, path), cache)
            out['cfg_path'] = _inline_cfg_paths(cfg.to_dict(), folder, cache)
        return out
    if isinstance(node, (list, tuple)):
        return [_inline_cfg_paths(v, folder, cache) for v in node]
    return node


def config_hash(config: str,
                options: Dict[str, Any],
                root: str,
                extra_weight_keys: Iterable[str] = (),
                cache: Optional[Dict[str, Config]] = None) -> str:
    """Hash of the resolved config a run trains with.

    Args:
        config (str): Config path, relative to ``root``.
        options (dict): The ``--cfg-options`` of the run.
        root (str): Repository root.
        extra_weight_keys (Iterable[str]): More checkpoint-path keys to leave
            out (their files are hashed separately).
        cache (dict, optional): Parsed configs (:func:`load_config`).

    Returns:
        str: 12 hex digits.
    """
    path = osp.join(root, config)
    with CONFIG_LOCK:
        cfg = load_config(path, cache)
        cfg.merge_from_dict(dict(options))
        data = _inline_cfg_paths(cfg.to_dict(), osp.dirname(path), cache)
    for key in (*IGNORED_KEYS, *WEIGHT_KEYS, *extra_weight_keys):
        _pop(data, key)
    text = json.dumps(data, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def matches(value: Any, expected: Any) -> bool:
    """``value == expected``, except that an expected dict only needs its
    own keys to match (a declared machine fingerprint names the keys that
    matter, e.g. not the CPU's model name)."""
    if isinstance(expected, dict):
        return isinstance(value, dict) and all(
            matches(value.get(k), v) for k, v in expected.items())
    return value == expected


class RecordStore:
    """The records of one protocol, under ``directory``.

    Args:
        directory (str): Where records live (``<slug>.json`` each).
        fingerprint (Callable[[Run], dict]): The hashes a run would use
            today (``config_hash``, ``teacher_hash``, ...); a record is
            current when it carries the same values.
    """

    def __init__(self, directory: str, fingerprint) -> None:
        self.directory = directory
        self.fingerprint = fingerprint
        # keyed by slug and options: a run's options may hold lists (MGKD
        # branch sets), so runs themselves are not hashable
        self._fingerprints: Dict[tuple, dict] = {}

    def path(self, run: Run) -> str:
        return osp.join(self.directory, run.slug + '.json')

    def expected(self, run: Run) -> dict:
        key = (run.slug, repr(run.options))
        if key not in self._fingerprints:
            self._fingerprints[key] = self.fingerprint(run)
        return self._fingerprints[key]

    def read(self, run: Run) -> Optional[dict]:
        path = self.path(run)
        if not osp.isfile(path):
            return None
        with open(path) as f:
            return json.load(f)

    def current(self, run: Run) -> Optional[dict]:
        """The run's record if it exists and is not stale, else None."""
        record = self.read(run)
        if record is None:
            return None
        expected = self.expected(run)
        if not all(matches(record.get(k), v) for k, v in expected.items()):
            return None
        return record

    def is_stale(self, run: Run) -> bool:
        return self.read(run) is not None and self.current(run) is None

    def write(self, run: Run, measured: dict) -> dict:
        """Write the record of a finished run and return it."""
        record = dict(
            stage=run.stage,
            row=run.row,
            variant=run.variant,
            group=run.group or None,
            host=run.host,
            seed=run.seed,
            split=run.split,
            config=run.config,
            options=dict(run.options),
            # what the run measured wins (its machine over the declared one)
            **{
                **self.expected(run),
                **measured
            })
        path = self.path(run)
        os.makedirs(osp.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            json.dump(record, f, indent=1, sort_keys=True)
            f.write('\n')
        return record

    def all_records(self) -> List[dict]:
        """Every record file under the directory (current or not)."""
        records = []
        for folder, _, files in os.walk(self.directory):
            for name in sorted(files):
                if name.endswith('.json'):
                    with open(osp.join(folder, name)) as f:
                        records.append(json.load(f))
        return records
