"""The config snippets and commands of README.md and configs/*/README.md.

:func:`snippets` reads a README into :class:`Snippet` s, in document order:

* a fenced ``bash``/``sh``/``shell`` block gives one ``command`` per logical
  line (``\\`` continuations joined, comments dropped);
* an inline code span that starts like a command (``python ``, ``tools/``,
  ``make ``, ...) is a ``command`` too;
* a fenced ``python`` block is a ``config``; one whose first line is a
  comment naming a ``.py`` file (``# my_project/configs/x.py``) is a config
  file that later commands of the same README use. A block right after
  ``<!-- snippet: NAME -->`` carries that name, by which a test can read it.

:func:`to_job` turns a runnable snippet into a ``batch_tools.py`` job (the
jobs of one README run in order, in one process).
"""
import glob
import os.path as osp
import re
import shlex
from dataclasses import dataclass
from typing import List, Optional

from helpers import ROOT

FENCE = re.compile(r'(?:<!-- snippet: (\S+) -->\s*)?^```(\w*)\n(.*?)^```',
                   re.M | re.S)
INLINE = re.compile(r'(?<!`)`([^`\n]+)`(?!`)')
COMMAND_START = ('python ', '.venv/bin/python ', 'tools/', 'make ', 'mim ',
                 'pip ', 'bash ', 'NNODES=', 'torchrun ')
SHELL_LANGS = ('bash', 'sh', 'shell')
PYTHON_SCRIPT = re.compile(r'^(?:\.venv/bin/)?python (tools/\S+\.py)(.*)$')
# commands that only copy files between the steps of a documented chain
SHELL_COMMANDS = ('cp ', 'mkdir ')
PLACEHOLDER = re.compile(
    r'<[^<>\s]+>|\bCONFIG\b|\bCHECKPOINT\b|\bPATH\b|\.\.\.|\[')
# placeholders with one meaning in every README
TEACHER = 'checkpoints/resnet18-w16_1xb128_fashion-mnist.pth'
# the detection pair's committed teacher (its configs' default), and a
# distillation config on the pair that names it
DET_TEACHER = ('benchmarks/fashion_mnist_det/'
               'teacher_faster-rcnn_r34-w16_fpn.pth')
DET_PAIR_CONFIG = ('configs/dkd/dkd_rcnn_faster-rcnn_r34-w16_faster-rcnn_'
                   'r18-w8_1xb8-3e_fashion-mnist-det.py')
SUBSTITUTIONS = {'model.teacher_ckpt=PATH': f'model.teacher_ckpt={TEACHER}'}


def readmes() -> List[str]:
    """README.md and configs/*/README.md, relative to the repository."""
    found = ['README.md'] + sorted(
        osp.relpath(p, ROOT)
        for p in glob.glob(osp.join(ROOT, 'configs', '*', 'README.md')))
    return found


@dataclass
class Snippet:
    """One command or config snippet of a README."""
    readme: str
    kind: str  # 'command' or 'config'
    text: str
    line: int
    marker: Optional[str] = None

    @property
    def config_file(self) -> Optional[str]:
        """The file a config snippet names in its first line, if any."""
        first = self.text.splitlines()[0] if self.text else ''
        match = re.match(r'^#\s*(\S+\.py)\s*$', first)
        return match.group(1) if self.kind == 'config' and match else None

    def __str__(self) -> str:
        return f'{self.readme}:{self.line}: {self.text.splitlines()[0]}'


def _commands(block: str) -> List[str]:
    """Logical command lines of a shell block, without comments."""
    commands = []
    for line in block.replace('\\\n', ' ').splitlines():
        words = shlex.split(line, comments=True)
        if words:
            commands.append(' '.join(shlex.quote(w) for w in words))
    return commands


def snippets(readme: str) -> List[Snippet]:
    """The snippets of one README (path relative to the repository), with
    :data:`SUBSTITUTIONS` applied."""
    with open(osp.join(ROOT, readme)) as f:
        text = f.read()
    found = []
    fenced = []
    for old, new in SUBSTITUTIONS.items():
        text = text.replace(old, new)
    for match in FENCE.finditer(text):
        line = text.count('\n', 0, match.start(2)) + 1
        marker, lang, body = match.groups()
        fenced.append(match.span())
        if lang in SHELL_LANGS:
            found += [
                Snippet(readme, 'command', c, line) for c in _commands(body)
            ]
        elif lang == 'python':
            found.append(Snippet(readme, 'config', body.strip(), line, marker))
    for match in INLINE.finditer(text):
        inside_fence = any(a <= match.start() < b for a, b in fenced)
        code = match.group(1).strip()
        # a command has arguments; a bare `tools/train.py` names a file
        if (not inside_fence and code.startswith(COMMAND_START)
                and ' ' in code):
            line = text.count('\n', 0, match.start()) + 1
            found.append(Snippet(readme, 'command', code, line))
    return sorted(found, key=lambda s: s.line)


def runnable(snippet: Snippet) -> bool:
    """Whether the harness can run it: our tools (``python tools/...``) and
    copy steps without placeholders, or a config file snippet."""
    if snippet.kind == 'config':
        return snippet.config_file is not None
    if PLACEHOLDER.search(snippet.text):
        return False
    return bool(PYTHON_SCRIPT.match(
        snippet.text)) or snippet.text.startswith(SHELL_COMMANDS)


def to_job(snippet: Snippet, sandbox: str, data_options: List[str]) -> dict:
    """The ``batch_tools.py`` job of a runnable command.

    ``data_options`` (``--cfg-options`` items) go right after the command's
    own ``--cfg-options`` (so that its own values win) or at its end.
    """
    script = PYTHON_SCRIPT.match(snippet.text)
    name = str(snippet)
    if script is None:
        return dict(
            name=name, shell=snippet.text, cwd=sandbox, group=snippet.readme)
    argv = shlex.split(script.group(2))
    if data_options:
        if '--cfg-options' in argv:
            at = argv.index('--cfg-options') + 1
            argv[at:at] = data_options
        else:
            argv += ['--cfg-options', *data_options]
    return dict(
        name=name,
        script=osp.join(sandbox, script.group(1)),
        argv=argv,
        cwd=sandbox,
        group=snippet.readme)
