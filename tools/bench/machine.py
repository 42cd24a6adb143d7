"""Which machine a run trained on, and pinning its CPU kernels.

CPU runs replay exactly only on the same *fingerprint*: device, the full
torch version, torch threads, and the SIMD kernels torch dispatches to
(``torch.backends.cpu.get_cpu_capability()``), with the CPU's model name.
A short SGD run is chaotic: the same config and seed gave 85.78 % with AVX2
kernels and 89.11 % with AVX-512 ones (issue 26).

By default the benchmark caps torch's own kernels, oneDNN's and MKL's at
AVX2 (:data:`ISA_ENV`), so machines with AVX2 or AVX-512 run the same
kernel family; the cap is part of the fingerprint.
"""
import json
import platform
import subprocess
import sys
from functools import lru_cache
from typing import Dict, Tuple

# environment variables capping every CPU kernel library torch uses at
# AVX2 (x86-64 only)
ISA_ENV = {
    'avx2': {
        'ATEN_CPU_CAPABILITY': 'avx2',
        'ONEDNN_MAX_CPU_ISA': 'AVX2',
        'MKL_ENABLE_INSTRUCTIONS': 'AVX2',
    },
    'native': {},
}
# what a child process reports; runs with the run's own environment
_PROBE = '''
import json, platform, torch
cpu = ''
try:
    with open('/proc/cpuinfo') as f:
        cpu = next((l.split(':', 1)[1].strip() for l in f
                    if l.startswith('model name')), '')
except OSError:
    pass
cuda = torch.cuda.is_available()
print(json.dumps(dict(
    torch=torch.__version__,
    threads=torch.get_num_threads(),
    cpu_capability=torch.backends.cpu.get_cpu_capability(),
    cpu=cpu or platform.processor(),
    gpu=torch.cuda.get_device_name(0) if cuda else None)))
'''


def isa_env(isa: str) -> Dict[str, str]:
    """The environment that caps the CPU kernels at ``isa``.

    Args:
        isa (str): A key of :data:`ISA_ENV`.

    Returns:
        dict: Variables to set; none off x86-64 or for ``'native'``.
    """
    if isa not in ISA_ENV:
        raise ValueError(f'cpu isa {isa!r}: expected one of {list(ISA_ENV)}')
    if platform.machine().lower() not in ('x86_64', 'amd64'):
        return {}
    return dict(ISA_ENV[isa])


@lru_cache(maxsize=None)
def _probe(env: Tuple[Tuple[str, str], ...]) -> dict:
    out = subprocess.run([sys.executable, '-c', _PROBE],
                         env=dict(env),
                         check=True,
                         capture_output=True,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def fingerprint(device: str, env: Dict[str, str], isa: str) -> dict:
    """The machine fingerprint of runs started with ``env`` on ``device``.

    Args:
        device (str): ``'cpu'`` or ``'cuda'``.
        env (dict): The runs' environment (threads and ISA caps set).
        isa (str): The ISA cap the runs were started with.

    Returns:
        dict: ``device``, ``torch``, ``threads``, ``cpu_capability``,
        ``cpu``, ``isa`` and, on ``cuda``, ``gpu``.
    """
    probed = dict(_probe(tuple(sorted(env.items()))))  # the cache's copy
    gpu = probed.pop('gpu')
    out = dict(device=device, isa=isa, **probed)
    if device == 'cuda':
        out['gpu'] = gpu
    return out


def fingerprint_label(fp: dict) -> str:
    """One line for a report, e.g. ``'cpu, torch 2.14.1+cu130, 1 thread,
    AVX2 (cap avx2), AMD EPYC'``."""
    threads = fp.get('threads')
    parts = [
        fp.get('device', '?'), f'torch {fp.get("torch", "?")}',
        f'{threads} thread{"s" if threads != 1 else ""}',
        f'{fp.get("cpu_capability", "?")} (cap {fp.get("isa", "?")})',
        fp.get('cpu') or '?'
    ]
    if fp.get('gpu'):
        parts.append(fp['gpu'])
    return ', '.join(str(p) for p in parts)
