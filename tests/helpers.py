"""Shared test helpers: repository paths and running our tools."""
import fcntl
import json
import os
import os.path as osp
import re
import subprocess
import sys
import sysconfig

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DATA_ROOT = osp.join(ROOT, 'data', 'fashion_mnist')
TEACHER_CONFIG = osp.join(ROOT, 'configs', 'fashion_mnist',
                          'resnet18-w16_1xb128_fashion-mnist.py')
# A few iterations on a small real subset; keeps each tool run in seconds.
SMALL_DATA = [
    'train_dataloader.dataset.indices=256',
    'train_dataloader.batch_size=64',
    'train_dataloader.num_workers=0',
    'train_dataloader.persistent_workers=False',
    'val_dataloader.dataset.indices=256',
    'val_dataloader.num_workers=0',
    'val_dataloader.persistent_workers=False',
    'test_dataloader.dataset.indices=256',
    'test_dataloader.num_workers=0',
    'test_dataloader.persistent_workers=False',
    f'train_dataloader.dataset.data_root={DATA_ROOT}',
    f'val_dataloader.dataset.data_root={DATA_ROOT}',
    f'test_dataloader.dataset.data_root={DATA_ROOT}',
]


def run_tool(tool: str, *args: str, check: bool = True,
             cwd: str = ROOT) -> subprocess.CompletedProcess:
    """Run ``tools/<tool>`` with this interpreter; return the finished run."""
    env = dict(os.environ, PYTHONUNBUFFERED='1')
    proc = subprocess.run([sys.executable, osp.join(ROOT, 'tools', tool),
                           *args],
                          cwd=cwd,
                          env=env,
                          capture_output=True,
                          text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f'tools/{tool} failed ({proc.returncode}):\n'
                             f'{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}')
    return proc


def tiny_classifier(width: int = 8, num_classes: int = 10) -> dict:
    """An MMPretrain ResNet_CIFAR-18 of the given width on 1-channel input.

    Stage channels are ``width * (1, 2, 4, 8)``; the dict carries
    ``_scope_='mmpretrain'`` so MMRazor's algorithms can build it.
    """
    return dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(
            type='ResNet_CIFAR',
            depth=18,
            in_channels=1,
            stem_channels=width,
            base_channels=width),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=num_classes,
            in_channels=8 * width,
            loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))


def venv_with_install(path: str, editable: bool = False) -> str:
    """A new venv at ``path`` with this repository installed by pip.

    The venv sees this interpreter's packages through a plain path line in
    a ``.pth`` file (so their own ``.pth`` files, e.g. our editable install's
    finder and start-up hook, do not run there); ours is installed into it
    regularly or, with ``editable``, as an editable install. Returns the
    venv's python.
    """
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', path],
                   check=True)
    python = osp.join(path, 'bin', 'python')
    with open(osp.join(site_packages(python), 'outer_venv.pth'), 'w') as f:
        f.write(sysconfig.get_path('purelib') + '\n')
    pip_in_venv(python, 'install', '--no-deps', '--no-build-isolation',
                *(['-e'] if editable else []), ROOT)
    return python


def site_packages(python: str) -> str:
    """The site-packages folder of the interpreter ``python``."""
    code = 'import sysconfig; print(sysconfig.get_path("purelib"))'
    return subprocess.run([python, '-c', code],
                          check=True,
                          capture_output=True,
                          text=True).stdout.strip()


def pip_in_venv(python: str, *args: str) -> None:
    """Run this interpreter's pip on the venv of ``python``.

    One pip at a time across test workers (``make test`` runs two): an
    install of this repository builds in its tree (``build/``,
    ``*.egg-info``).
    """
    with open(osp.join(ROOT, '.pip-test.lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(
            [sys.executable, '-m', 'pip', '--python', python, '-q', *args],
            check=True,
            cwd=ROOT,
            capture_output=True)


def readme_snippet(readme: str, name: str) -> str:
    """The Python block after ``<!-- snippet: name -->`` in ``readme``."""
    with open(readme) as f:
        text = f.read()
    match = re.search(
        rf'<!-- snippet: {re.escape(name)} -->\s*```python\n(.*?)```', text,
        re.S)
    assert match, f'no snippet {name!r} in {readme}'
    return match.group(1)


def dict_scopes(node, path='model'):
    """(path, _scope_) of every dict under ``node``."""
    if isinstance(node, dict):
        yield path, node.get('_scope_')
        for key, value in node.items():
            yield from dict_scopes(value, f'{path}.{key}')
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            yield from dict_scopes(value, f'{path}.{i}')


def doc_text(*parts: str) -> str:
    """A Markdown file's text under ``ROOT``, whitespace and line breaks
    collapsed (statements are matched whatever their wrapping)."""
    with open(osp.join(ROOT, *parts)) as f:
        return ' '.join(f.read().split())


def benchmark_report(name: str) -> dict:
    """A committed benchmark report, ``docs/<name>.json``."""
    with open(osp.join(ROOT, 'docs', f'{name}.json')) as f:
        return json.load(f)
