"""A regular (non-editable) install ships configs and tools for ``mim``."""
import json
import pathlib
import subprocess

from helpers import SMALL_DATA, site_packages, venv_with_install


def test_wheel_install_ships_mim_files_and_mim_train_runs(tmp_path):
    python = venv_with_install(str(tmp_path / 'venv'))
    mim = pathlib.Path(site_packages(python)) / 'mmrazor_unified' / '.mim'
    for path in ('tools/train.py', 'model-index.yml',
                 'configs/unikd/_base_/unikd_distiller.py'):
        assert (mim / path).is_file() and not (mim / path).is_symlink()

    proc = subprocess.run([
        python, '-m', 'mim', 'train', 'mmrazor_unified',
        'fashion_mnist/resnet18-w4_1xb128_fashion-mnist-10k.py', '--gpus', '0',
        '--work-dir',
        str(tmp_path / 'work'), '--cfg-options', 'train_cfg.max_epochs=1',
        *SMALL_DATA
    ],
                          cwd=str(tmp_path),
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # the installed copy of the tools ran, not the repository's
    assert str(mim / 'tools' / 'train.py') in proc.stdout + proc.stderr
    assert (tmp_path / 'work' / 'epoch_1.pth').is_file()

    # `mim search` reads the shipped model index: UniKD-Det's results and its
    # paired verdicts (written by tools/benchmark.py --report)
    unikd_det = ('unikd_rcnn_faster-rcnn_r34-w16_faster-rcnn_r18-w8_'
                 '1xb8-3e_fashion-mnist-det')
    proc = subprocess.run([
        python, '-m', 'mim', 'search', 'mmrazor_unified', '--json',
        str(tmp_path / 'search.json')
    ],
                          cwd=str(tmp_path),
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = json.loads((tmp_path / 'search.json').read_text())
    dataset = 'fashion-mnist detection canvases'
    verdicts = {
        key[len(f'{dataset}/box_ap_vs_'):]
        for key, models in found.items()
        if key.startswith(f'{dataset}/box_ap_vs_') and models.get(unikd_det)
    }
    assert verdicts == {'student_alone', 'cwd', 'pkd', 'dkd_(roi)'}
