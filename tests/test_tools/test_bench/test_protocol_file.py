"""The declared protocols (classification and detection): consistent, and
every option they set exists in the configs it goes to.

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

PROTOCOLS = {
    name: Protocol.load(osp.join(ROOT, 'benchmarks', name, 'protocol.py'))
    for name in ('fashion_mnist', 'fashion_mnist_det')
}


def settings():
    """(label, config, options) of every grid point and ablation variant,
    and of the detection protocol's split options for every row (the
    classification protocol's held-out split adds ``index_range``, a data
    set argument its configs leave at its default)."""
    for pname, protocol in PROTOCOLS.items():
        for row, grid in protocol.tuning.items():
            for i, point in enumerate(grid):
                yield (f'{pname}: tuning[{row}][{i}]',
                       protocol.rows[row]['config'], point)
        for name, ablation in protocol.ablations.items():
            for variant in ablation['variants']:
                row = variant.get('row', ablation['row'])
                config = variant.get('config', protocol.rows[row]['config'])
                yield (f'{pname}: ablations[{name}][{variant["name"]}]',
                       config, variant.get('options', {}))
        for row, entry in protocol.rows.items():
            for split in ('heldout', 'test') if pname.endswith('_det') else ():
                yield (f'{pname}: {split} options of {row}', entry['config'],
                       protocol.options.resolve(split, 0, quick=False))


SETTINGS = list(settings())


@lru_cache(maxsize=None)
def resolved(config: str) -> dict:
    return Config.fromfile(osp.join(ROOT, config)).to_dict()


@pytest.mark.parametrize('protocol', PROTOCOLS.values(), ids=list(PROTOCOLS))
def test_every_row_config_exists_and_hosts_are_rows(protocol):
    for name, row in protocol.rows.items():
        assert osp.isfile(osp.join(ROOT, row['config'])), name
        assert row.get('host') in (None, *protocol.rows)


@pytest.mark.parametrize('label, config, options', SETTINGS,
                         ids=[s[0] for s in SETTINGS])
def test_options_exist_in_their_config(label, config, options):
    cfg = resolved(config)
    missing = [k for k in options if not has_key(cfg, k)]
    assert not missing, f'{label}: {config} has no {missing}'


@pytest.mark.parametrize('protocol', PROTOCOLS.values(), ids=list(PROTOCOLS))
def test_add_on_configs_have_their_hosts_options(protocol):
    # an add-on row runs with its host's tuned options: its config must
    # accept every key its host tunes
    for name, row in protocol.rows.items():
        host = row.get('host')
        if host is None or host not in protocol.tuning:
            continue
        cfg = resolved(row['config'])
        keys = {k for point in protocol.tuning[host] for k in point}
        missing = sorted(k for k in keys if not has_key(cfg, k))
        assert not missing, f'{name} lacks its host {host}\'s keys {missing}'
