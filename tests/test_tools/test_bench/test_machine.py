"""bench.machine: the fingerprint of a run's machine and the kernel cap."""
import os
import platform

import pytest
from bench.machine import fingerprint, fingerprint_label, isa_env
from bench.run import Context, run_env

from helpers import ROOT

X86 = platform.machine().lower() in ('x86_64', 'amd64')


@pytest.mark.skipif(not X86, reason='the kernel cap is for x86-64 only')
def test_the_cap_reaches_torch_in_the_runs_environment():
    env = run_env(Context(ROOT, '/tmp', threads=1, isa='avx2'))
    assert env['ATEN_CPU_CAPABILITY'] == 'avx2'
    fp = fingerprint('cpu', env, 'avx2')
    # a child torch reports the capped kernels (AVX2 machines and AVX-512
    # machines alike), one thread, and this interpreter's torch
    assert fp['cpu_capability'] == 'AVX2'
    assert fp['threads'] == 1
    import torch
    assert fp['torch'] == torch.__version__
    assert fp['device'] == 'cpu' and fp['isa'] == 'avx2' and 'gpu' not in fp
    # every run of a benchmark asks again (the probe itself is cached)
    assert fingerprint('cpu', env, 'avx2') == fp
    assert fingerprint('cuda', env, 'avx2')['gpu'] is None  # none here


def test_default_kernels_give_another_fingerprint():
    env = dict(os.environ, OMP_NUM_THREADS='2', ATEN_CPU_CAPABILITY='default')
    fp = fingerprint('cpu', env, 'native')
    assert fp['cpu_capability'] == 'DEFAULT' and fp['threads'] == 2
    assert 'DEFAULT (cap native)' in fingerprint_label(fp)
    assert fingerprint_label(fp).startswith('cpu, torch ')


def test_native_sets_nothing_and_unknown_caps_are_refused():
    assert isa_env('native') == {}
    with pytest.raises(ValueError, match="cpu isa 'avx512'"):
        isa_env('avx512')
