"""Docs are tests: every command and config snippet of README.md and
configs/*/README.md runs here (on a tiny real subset, in document order, in
a sandbox folder per README), is read and run by another test (a
``<!-- snippet: NAME -->`` block whose NAME a test names), or is on
:data:`ALLOWED` with the reason it is not run. A new snippet that is none of
these fails :func:`test_every_snippet_is_run_or_allowed`."""
import os
import os.path as osp
import shutil
from typing import Dict, List

import pytest
from config_runs import run_batch, save_random_teacher, tiny_data_options
from docs_snippets import (DET_PAIR_CONFIG, DET_TEACHER, TEACHER, Snippet,
                           readmes, runnable, snippets, to_job)
from helpers import ROOT
from mmengine.config import Config

pytestmark = pytest.mark.minutes

DEMO_TEST = 'tests/test_tools/test_run_demo.py runs the demo (1 epoch each)'
SYNOPSIS = 'a usage synopsis, not a command; its options are tested in tests/'
INSTALL = 'installs: tests/test_startup_hook.py installs both ways into a venv'
BENCHMARK = ('the full benchmark takes hours; tests/test_tools/'
             'test_benchmark_quick.py runs its quick mode')
# (README, snippet text, or the first line of a config snippet): reason
ALLOWED = {
    ('README.md', 'make demo'):
    'about 10 minutes; ' + DEMO_TEST,
    ('README.md', 'make test'):
    'the CI command: runs this very test suite',
    ('README.md', 'make test-kernels'):
    'runs the tests marked `training` three times; the CI command runs them '
    'once, with the machine\'s own kernels',
    ('README.md', '.venv/bin/python tools/run_demo.py --config <config>'):
    DEMO_TEST,
    ('README.md', 'pip install -e .'):
    INSTALL,
    ('README.md', 'pip install .'):
    INSTALL,
    ('README.md', 'mim install -e .'):
    INSTALL,
    ('README.md', 'mim install .'):
    INSTALL,
    ('README.md', 'mim train mmrazor my_project/configs/my_unikd.py --gpus 0'):
    'tests/test_tools/test_mmrazor_tools.py runs MMRazor\'s train.py and '
    'test.py (what mim starts) on package-path configs',
    ('README.md', "python tools/train.py CONFIG '[--work-dir' 'DIR]' "
     "'[--resume' '[CKPT]]' '[--amp]' '[--cfg-options' k=v '...]'"):
    SYNOPSIS,
    ('README.md', "python tools/test.py CONFIG CHECKPOINT '[--out' "
     "'metrics.json]'"):
    SYNOPSIS,
    ('README.md', 'mim train mmrazor_unified CONFIG --gpus 0'):
    SYNOPSIS + '; tests/test_tools/test_mim.py runs mim train',
    ('README.md', 'mim train mmrazor_unified'):
    'prose naming the command; tests/test_tools/test_mim.py runs it',
    ('README.md', 'tools/dist_train.sh CONFIG N [args]'):
    SYNOPSIS + '; tests/test_tools/test_dist_train.py runs it',
    ('README.md', 'python -m torch.distributed.run'):
    'names what dist_train.sh starts',
    ('README.md', 'NNODES=2 NODE_RANK=0 MASTER_ADDR=10.0.0.1 '
     'tools/dist_train.sh CONFIG 8'):
    'a multi-node launch: needs several machines',
    ('README.md', 'python tools/benchmark.py'):
    BENCHMARK,
    ('README.md', 'python tools/benchmark.py --protocol '
     'benchmarks/fashion_mnist_det/protocol.py'):
    BENCHMARK,
    ('configs/kd/README.md', 'make demo'):
    'about 10 minutes; ' + DEMO_TEST,
    ('configs/dkd/README.md',
     'val_dataloader = dict(dataset=dict(test_mode=False, '
     'indices=list(range(50000, 60000))))'):
    'a fragment: the held-out split that the benchmark tunes on',
    ('configs/mgkd/README.md', 'python tools/model_converters/'
     "export_student.py 'work_dirs/<run>/epoch_8.pth' student.pth"):
    'a placeholder for the run; README.md\'s chain runs export_student.py',
    ('configs/mgkd/README.md', "_base_ = ['<your distillation config>.py',"):
    'a template with placeholders for the user\'s own configs',
    ('configs/unikd/README.md', "_base_ = ['./my_kd_config.py']  # any "
     'SingleTeacherDistill + ConfigurableDistiller config'):
    'a template for the user\'s own KD config; the own-pair examples below '
    'are the runnable form',
    ('configs/unikd/README.md', '.venv/bin/python tools/run_demo.py --config '
     'configs/unikd/unikd_dkd_resnet18-w16_resnet18-w4_1xb128_'
     'fashion-mnist-10k.py'):
    DEMO_TEST,
    ('configs/unikd/README.md', "python tools/train.py "
     "'configs/unikd/<config>.py' --cfg-options "
     "'model.teacher_ckpt=<teacher.pth>'"):
    'a pattern: each Fashion-MNIST config trains in '
    'tests/test_configs/test_package_path_fashion_mnist.py',
    ('configs/unikd/README.md', "tools/dist_train.sh "
     "'configs/unikd/<config>.py' 8"):
    'eight processes; tests/test_tools/test_dist_train.py runs dist_train.sh',
}
# the detection pair's distiller configs: each trains and tests by package
# path (tiny subset) in tests/test_configs/test_package_path_fashion_mnist.py
PAIR_TRAINS = ('trains and tests by package path in '
               'tests/test_configs/test_package_path_fashion_mnist.py')
for _method in ('cwd', 'pkd', 'fbkd'):
    ALLOWED[(f'configs/{_method}/README.md',
             f'python tools/train.py configs/{_method}/{_method}_fpn_'
             'faster-rcnn_r34-w16_faster-rcnn_r18-w8_1xb8-3e_fashion-mnist-det'
             f'.py --work-dir work_dirs/{_method}_pair')] = PAIR_TRAINS


def key(snippet: Snippet) -> tuple:
    return snippet.readme, snippet.text.splitlines()[0]


def allowed(snippet: Snippet) -> bool:
    return key(snippet) in ALLOWED


def files_naming(marker: str) -> List[str]:
    """Test files (other than this harness) that name a snippet marker."""
    here = osp.abspath(__file__)
    found = []
    for folder, _, files in os.walk(osp.join(ROOT, 'tests')):
        for name in files:
            path = osp.join(folder, name)
            if name.endswith('.py') and path != here:
                with open(path) as f:
                    if marker in f.read():
                        found.append(path)
    return found


def run_here(readme: str) -> List[Snippet]:
    """The snippets of ``readme`` this harness runs, in document order."""
    return [
        s for s in snippets(readme)
        if runnable(s) and not allowed(s) and s.kind == 'command'
    ]


def uncovered(readme: str) -> List[str]:
    """Snippets neither run (here or by a named test) nor allowed."""
    problems = []
    found = snippets(readme)
    commands = ' '.join(s.text for s in run_here(readme))
    for snippet in found:
        if allowed(snippet):
            continue
        if snippet.kind == 'command':
            if not runnable(snippet):
                problems.append(f'{snippet}: not runnable (placeholders or '
                                'not one of our tools)')
        elif snippet.marker and files_naming(snippet.marker):
            continue
        elif snippet.config_file is None:
            problems.append(f'{snippet}: a config snippet without a file '
                            'name (first line `# path/to/config.py`)')
        elif snippet.config_file not in commands:
            problems.append(f'{snippet}: no command of {readme} uses '
                            f'{snippet.config_file}')
    return problems


def test_every_snippet_is_run_or_allowed():
    problems = [p for readme in readmes() for p in uncovered(readme)]
    assert not problems, (
        'Run these in a test or add them to ALLOWED with a reason:\n' +
        '\n'.join(problems))


def test_every_allowed_entry_names_a_snippet():
    present = {key(s) for readme in readmes() for s in snippets(readme)}
    stale = [k for k in ALLOWED if k not in present]
    assert not stale, f'ALLOWED entries without a snippet: {stale}'


def test_extraction_finds_fenced_inline_and_named_snippets(tmp_path):
    readme = tmp_path / 'README.md'
    readme.write_text(
        'Run `python tools/x.py --a 1` or `tools/x.py` alone.\n'
        '```bash\n# a comment\npython tools/train.py a.py \\\n'
        '    --work-dir w  # trailing\nmake demo\n```\n'
        '<!-- snippet: mine -->\n```python\n# p/c.py\nx = 1\n```\n'
        '```\nnot a snippet\n```\n')
    found = snippets(str(readme))
    assert [(s.kind, s.text, s.marker) for s in found] == [
        ('command', 'python tools/x.py --a 1', None),
        ('command', 'python tools/train.py a.py --work-dir w', None),
        ('command', 'make demo', None),
        ('config', '# p/c.py\nx = 1', 'mine'),
    ]
    assert found[3].config_file == 'p/c.py'


def make_sandbox(folder: str, readme: str, teacher_ckpt: str) -> None:
    """A folder like the repository root after ``make demo``: configs, tools
    and data linked, the teacher checkpoints in place (the tiny trained
    Fashion-MNIST teacher; random weights of the detection pair's teacher
    where the README's commands use the pair), and the README's config
    files written."""
    os.makedirs(osp.join(folder, 'checkpoints'))
    for name in ('configs', 'tools', 'data'):
        os.symlink(osp.join(ROOT, name), osp.join(folder, name))
    shutil.copyfile(teacher_ckpt, osp.join(folder, TEACHER))
    if any('fashion-mnist-det' in s.text for s in snippets(readme)):
        path = osp.join(folder, DET_TEACHER)
        os.makedirs(osp.dirname(path))
        save_random_teacher(
            Config.fromfile(osp.join(ROOT, DET_PAIR_CONFIG)), path)
    for snippet in snippets(readme):
        if snippet.config_file and not allowed(snippet):
            path = osp.join(folder, snippet.config_file)
            os.makedirs(osp.dirname(path), exist_ok=True)
            with open(path, 'w') as f:
                f.write(snippet.text + '\n')


def job_of(snippet: Snippet, sandbox: str) -> dict:
    """The batch job of a command; a tool that takes a config and
    ``--cfg-options`` gets the tiny data options of that config."""
    options = []
    words = snippet.text.split()
    if len(words) > 2 and words[2].endswith('.py'):
        with open(osp.join(ROOT, words[1])) as f:
            takes_options = "'--cfg-options'" in f.read()
        if takes_options:
            options = tiny_data_options(
                Config.fromfile(osp.join(sandbox, words[2])))
    return to_job(snippet, sandbox, options)


READMES_TO_RUN = [r for r in readmes() if run_here(r)]


@pytest.fixture(scope='module')
def results(tmp_path_factory, tiny_teacher_ckpt) -> Dict[str, dict]:
    """Run every README's commands in one batch; job name -> result."""
    folder = str(tmp_path_factory.mktemp('readmes'))
    jobs = []
    for readme in READMES_TO_RUN:
        sandbox = osp.join(folder, readme.replace('/', '__'))
        make_sandbox(sandbox, readme, tiny_teacher_ckpt)
        jobs += [job_of(s, sandbox) for s in run_here(readme)]
    return run_batch(jobs, folder)


@pytest.mark.parametrize('readme', READMES_TO_RUN)
def test_readme_commands_run(readme, results):
    for snippet in run_here(readme):
        result = results.get(str(snippet))
        assert result is not None, f'{snippet} did not run'
        assert result['ok'], f'{snippet}\n{result["error"][-3000:]}'
