"""The declared protocol: consistent, and every option it sets exists.

MMEngine's ``--cfg-options`` silently adds a key that a config does not
have, so a mistyped grid key would tune nothing; this test catches it.
"""
import os.path as osp
from functools import lru_cache

import pytest
from bench.plan import Protocol
from bench.run import has_key
from mmengine.config import Config

from helpers import ROOT

PROTOCOL = Protocol.load(osp.join(ROOT, 'benchmarks/fashion_mnist/protocol.py'))


def settings():
    """(label, config, options) of every grid point and ablation variant."""
    for row, grid in PROTOCOL.tuning.items():
        for i, point in enumerate(grid):
            yield f'tuning[{row}][{i}]', PROTOCOL.rows[row]['config'], point
    for name, ablation in PROTOCOL.ablations.items():
        for variant in ablation['variants']:
            row = variant.get('row', ablation['row'])
            config = variant.get('config', PROTOCOL.rows[row]['config'])
            yield (f'ablations[{name}][{variant["name"]}]', config,
                   variant.get('options', {}))


SETTINGS = list(settings())


@lru_cache(maxsize=None)
def resolved(config: str) -> dict:
    return Config.fromfile(osp.join(ROOT, config)).to_dict()


def test_every_row_config_exists_and_hosts_are_rows():
    for name, row in PROTOCOL.rows.items():
        assert osp.isfile(osp.join(ROOT, row['config'])), name
        assert row.get('host') in (None, *PROTOCOL.rows)


@pytest.mark.parametrize('label, config, options', SETTINGS,
                         ids=[s[0] for s in SETTINGS])
def test_options_exist_in_their_config(label, config, options):
    cfg = resolved(config)
    missing = [k for k in options if not has_key(cfg, k)]
    assert not missing, f'{label}: {config} has no {missing}'


def test_add_on_configs_have_their_hosts_options():
    # an add-on row runs with its host's tuned options: its config must
    # accept every key its host tunes
    for name, row in PROTOCOL.rows.items():
        host = row.get('host')
        if host is None or host not in PROTOCOL.tuning:
            continue
        cfg = resolved(row['config'])
        keys = {k for point in PROTOCOL.tuning[host] for k in point}
        missing = sorted(k for k in keys if not has_key(cfg, k))
        assert not missing, f'{name} lacks its host {host}\'s keys {missing}'
