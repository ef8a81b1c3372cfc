# fastiesi: every target sets itself up (a virtual environment in .venv) on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTEST_MARKERS ?= not slow and not gpu and not trt

.PHONY: demo test test-all eval diagnose bench bench-ops clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/fastiesi demo --out demo-out

test: $(STAMP)
	$(PY) -m pytest -q -m "$(PYTEST_MARKERS)"

BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(VENV)/bin/fastiesi bench --out bench/results

bench-ops: $(BENCH_STAMP)
	$(PY) -m pytest bench/test_ops.py -q -p no:cacheprovider --benchmark-group-by=group --benchmark-columns=median,iqr,rounds --benchmark-json=bench/results/ops-latest.json

eval: $(STAMP)
	$(VENV)/bin/fastiesi eval --out eval-out/accuracy.json
	$(VENV)/bin/fastiesi eval --first-seed 300 --rooms 4 --stores 2 --people 1 --out eval-out/accuracy-unseen.json

# The diagnosis sets (seeds 40, 100, 200, 700, 800, 900; about 210 pairs, 3 minutes on 2 cores):
# where a change to the engine is judged as a whole. BASE=earlier.json prints what changed.
DIAG_SEEDS := 40 100 200 700 800 900
diagnose: $(STAMP)
	$(VENV)/bin/fastiesi eval --rooms 4 --stores 2 --people 1 $(foreach s,$(DIAG_SEEDS),--first-seed $(s)) \
		--out eval-out/diagnose.json $(if $(BASE),--compare $(BASE))

test-all: $(STAMP)
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) demo-out .pytest_cache build *.egg-info
