# The two commands of the README. Both create .venv and install orgsim when needed:
# `make run` only what running needs; `make test` adds the development tools (pytest, ruff,
# mypy, Playwright) and Debian's chromium for the dashboard's browser tests.
VENV   ?= .venv
PY     := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.run-stamp
STAMP  := $(VENV)/.installed-stamp
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: run test bench reference clean chromium

# The dashboard's browser tests drive Debian's chromium (a browser download of its own is not used).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM ?= chromium
APT_GET  ?= apt-get
APT_WAIT ?= 600
APT_PAUSE ?= 5

$(RUN_STAMP): pyproject.toml
	@test -x $(PY) || { echo "set-up: creating the virtual environment $(VENV)"; python3 -m venv $(VENV); }
	@echo "set-up: installing orgsim and what it needs to run into $(VENV) (pip; takes a few minutes the first time)"
	$(PIP) -e .
	@touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP)
	@echo "set-up: installing the development tools (pytest, ruff, mypy, Playwright) into $(VENV)"
	$(PIP) -e '.[dev]'
	@touch $(STAMP)

EXPERIMENT := experiments/compare_operating_models.yaml
RESULTS    := results/compare_operating_models

run: $(RUN_STAMP)
	$(VENV)/bin/orgsim experiment $(EXPERIMENT) --out $(RESULTS) --resume
	$(VENV)/bin/orgsim report $(RESULTS)

test: $(STAMP) chromium
	$(PY) -m pytest -q

# apt-get stops at once while another package manager holds apt's lock: wait for it (up to
# APT_WAIT seconds) instead; any other failure stops at once.
APT = $(SUDO) $(APT_GET) -o DPkg::Lock::Timeout=$(APT_WAIT)
chromium:
	@command -v $(CHROMIUM) >/dev/null || { \
	  echo "set-up: installing Debian's chromium with apt-get (for the dashboard's browser tests)"; \
	  apt() { end=$$(( $$(date +%s) + $(APT_WAIT) )); \
	    while ! out=$$($(APT) "$$@" 2>&1); do \
	      if ! echo "$$out" | grep -qi lock || [ $$(date +%s) -ge $$end ]; then echo "$$out" >&2; return 1; fi; \
	      echo "apt-get $$1: another package manager holds apt's lock; waiting" >&2; sleep $(APT_PAUSE); \
	    done; echo "$$out" | tail -n 1; }; \
	  apt update && apt install -y chromium; }

bench: $(STAMP)
	$(PY) benchmarks/engine.py
	$(PY) benchmarks/sweep.py

reference: $(STAMP)
	$(PY) -m orgsim.config.reference > docs/configuration.md
	$(PY) -m orgsim.metrics.reference > docs/metrics.md
	$(PY) -m orgsim.config.sources > docs/sources.md

clean:
	rm -rf $(VENV) .venv-mesa35 results/run $(RESULTS)
