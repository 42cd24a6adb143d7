# Two commands do all set-up on a fresh machine (Python 3.11, no GPU needed):
#   make demo   - install, prepare Fashion-MNIST, train the student alone, distill
#   make test   - install, prepare Fashion-MNIST, run the whole test suite
# and, for developers, `make test-kernels`: the training-dependent tests under
# each CPU kernel family (ATEN_CPU_CAPABILITY=default, avx2, native)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# ATEN_CPU_CAPABILITY values for `make test-kernels` (native: unset)
KERNELS ?= default avx2 native

.PHONY: install data demo test test-kernels

install: $(STAMP)

$(STAMP): setup.py _mmrazor_unified_hook.py requirements.txt requirements/*.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip "setuptools>=77,<81" wheel
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

data: $(STAMP)
	$(PY) tools/dataset_converters/prepare_fashion_mnist.py
	$(PY) tools/dataset_converters/prepare_fashion_mnist_det.py

demo: data
	$(PY) tools/run_demo.py

# two pytest workers (pytest-xdist), each test file on one of them (its
# module fixtures built once): most of a test's time is single-threaded
# Python (imports, config parsing, subprocess start-up)
test: data
	$(PY) -m pytest -n 2 --dist loadfile tests

# The tests marked `training` (their assertions depend on what a short
# training reaches) under each CPU kernel family torch can pick; on an
# AVX-512 machine `native` is AVX-512
test-kernels: data
	@for k in $(KERNELS); do \
	  echo "== ATEN_CPU_CAPABILITY=$$k"; \
	  if [ "$$k" = native ]; then unset ATEN_CPU_CAPABILITY; \
	  else export ATEN_CPU_CAPABILITY=$$k; fi; \
	  $(PY) -c 'import torch; print("torch kernels:", torch.backends.cpu.get_cpu_capability())' && \
	  $(PY) -m pytest -m training -p no:cacheprovider tests || exit 1; \
	done
