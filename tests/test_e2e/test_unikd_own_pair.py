"""configs/unikd/README.md, "Your own pair, two ways": each snippet, saved
as a config in a folder of its own, inherits our configs by package path,
trains one short epoch with validation through tools/train.py, and
tools/test.py evaluates the checkpoint it wrote."""
import json
import os.path as osp

import pytest
from helpers import ROOT, readme_snippet, run_tool

README = osp.join(ROOT, 'configs', 'unikd', 'README.md')


@pytest.mark.parametrize('name', [
    'unikd-own-pair-inherit',
    'unikd-own-pair-method-base',
])
def test_readme_own_pair_trains_validates_and_tests(name, tmp_path, small_data,
                                                    tiny_teacher_ckpt):
    code = readme_snippet(README, name)
    assert 'mmrazor_unified::' in code
    project = tmp_path / 'my_project'
    project.mkdir()
    config = project / f'{name}.py'
    config.write_text(code)
    work_dir = tmp_path / 'work'
    # two training iterations and 128 validation / test images suffice here
    options = [
        f'model.teacher_ckpt={tiny_teacher_ckpt}', *small_data,
        *(f'{split}_dataloader.dataset.indices=128'
          for split in ('train', 'val', 'test'))
    ]
    # from the user's folder, with our tools
    run_tool(
        'train.py',
        str(config),
        '--work-dir',
        str(work_dir),
        '--cfg-options',
        'train_cfg.max_epochs=1',
        *options,
        cwd=str(project))
    ckpt = work_dir / 'epoch_1.pth'
    assert ckpt.is_file()
    out = tmp_path / 'metrics.json'
    run_tool(
        'test.py',
        str(config),
        str(ckpt),
        '--out',
        str(out),
        '--cfg-options',
        *options,
        cwd=str(project))
    metrics = json.loads(out.read_text())
    assert 0 <= metrics['accuracy/top1'] <= 100
