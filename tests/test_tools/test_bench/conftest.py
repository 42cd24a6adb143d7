"""Make ``tools/`` importable (``bench`` is the benchmark's package)."""
import os.path as osp
import sys

from helpers import ROOT

sys.path.insert(0, osp.join(ROOT, 'tools'))
