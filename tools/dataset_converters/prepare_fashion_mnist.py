"""Prepare Fashion-MNIST in ``data/fashion_mnist`` (unzipped idx files).

Sources, in order: the Debian package ``dataset-fashion-mnist`` if installed;
installing it with apt-get when running as root; MMPretrain's downloader.
Files already in place and intact are reused.
"""
import argparse
import gzip
import os
import os.path as osp
import shutil
import subprocess
import sys

NAMES = ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte',
         't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte')
DEBIAN_PACKAGE = 'dataset-fashion-mnist'


def debian_files() -> dict:
    """Map file name -> path of the ``.gz`` files the Debian package ships."""
    try:
        listing = subprocess.run(['dpkg', '-L', DEBIAN_PACKAGE],
                                 capture_output=True,
                                 text=True,
                                 check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return {}
    found = {osp.basename(p)[:-3]: p for p in listing if p.endswith('.gz')}
    return found if all(n in found for n in NAMES) else {}


def apt_install() -> bool:
    """Install the Debian package when running as root with apt-get."""
    if os.name != 'posix' or os.geteuid() != 0 or not shutil.which(
            'apt-get'):
        return False
    print(f'Installing {DEBIAN_PACKAGE} with apt-get ...', flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    cmd = ['apt-get', 'install', '-y', '--no-install-recommends',
           DEBIAN_PACKAGE]
    if subprocess.run(cmd, env=env).returncode != 0:
        subprocess.run(['apt-get', 'update'], env=env)
        return subprocess.run(cmd, env=env).returncode == 0
    return True


def download(out_dir: str) -> dict:
    """Download the ``.gz`` files with MMPretrain's downloader."""
    from mmpretrain.datasets import FashionMNIST
    from mmpretrain.datasets.utils import download_url
    gz_dir = osp.join(out_dir, 'raw')
    for name, md5 in FashionMNIST.train_list + FashionMNIST.test_list:
        download_url(FashionMNIST.url_prefix + name, gz_dir, name, md5)
    return {n: osp.join(gz_dir, n + '.gz') for n in NAMES}


def is_prepared(out_dir: str) -> bool:
    from mmrazor_unified.datasets.fashion_mnist import check_idx_file
    try:
        for name in NAMES:
            check_idx_file(osp.join(out_dir, name),
                           2051 if 'images' in name else 2049)
    except (OSError, ValueError):
        return False
    return True


def prepare(out_dir: str) -> str:
    """Make sure ``out_dir`` holds the four unzipped files; return it."""
    if is_prepared(out_dir):
        print(f'Fashion-MNIST already prepared in {out_dir}')
        return out_dir
    sources = debian_files()
    if not sources and apt_install():
        sources = debian_files()
    if not sources:
        print('Debian package unavailable; downloading with MMPretrain.')
        sources = download(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    for name in NAMES:
        with gzip.open(sources[name], 'rb') as src, \
                open(osp.join(out_dir, name), 'wb') as dst:
            shutil.copyfileobj(src, dst)
    if not is_prepared(out_dir):
        sys.exit(f'Fashion-MNIST files in {out_dir} are incomplete.')
    print(f'Fashion-MNIST prepared in {out_dir} (from '
          f'{osp.dirname(sources[NAMES[0]])})')
    return out_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--out-dir', default='data/fashion_mnist')
    prepare(parser.parse_args().out_dir)


if __name__ == '__main__':
    main()
