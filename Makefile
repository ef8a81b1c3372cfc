# fastiesi: every target sets itself up (a virtual environment in .venv) on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTEST_MARKERS ?= not slow and not gpu and not trt

.PHONY: demo test test-all eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/fastiesi demo --out demo-out

test: $(STAMP)
	$(PY) -m pytest -q -m "$(PYTEST_MARKERS)"

eval: $(STAMP)
	$(VENV)/bin/fastiesi eval --out eval-out/accuracy.json

test-all: $(STAMP)
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) demo-out .pytest_cache build *.egg-info
