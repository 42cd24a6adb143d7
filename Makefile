# Two commands do all set-up on a fresh machine (Python 3.11, no GPU needed):
#   make demo   - install, prepare Fashion-MNIST, train the student alone, distill
#   make test   - install, prepare Fashion-MNIST, run the whole test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install data demo test

install: $(STAMP)

$(STAMP): setup.py _mmrazor_unified_hook.py requirements.txt requirements/*.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip "setuptools>=77,<81" wheel
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

data: $(STAMP)
	$(PY) tools/dataset_converters/prepare_fashion_mnist.py

demo: data
	$(PY) tools/run_demo.py

test: data
	$(PY) -m pytest tests
