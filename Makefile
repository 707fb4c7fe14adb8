# The two commands of the README. Both create .venv and install orgsim when needed.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test bench reference clean chromium

# The dashboard's browser tests drive Debian's chromium (a browser download of its own is not used).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

EXPERIMENT := experiments/compare_operating_models.yaml
RESULTS    := results/compare_operating_models

run: $(STAMP)
	$(VENV)/bin/orgsim experiment $(EXPERIMENT) --out $(RESULTS) --resume
	$(VENV)/bin/orgsim report $(RESULTS)

test: $(STAMP) chromium
	$(PY) -m pytest -q

chromium:
	@command -v chromium >/dev/null || ($(SUDO) apt-get update && $(SUDO) apt-get install -y chromium)

bench: $(STAMP)
	$(PY) benchmarks/engine.py
	$(PY) benchmarks/sweep.py

reference: $(STAMP)
	$(PY) -m orgsim.config.reference > docs/configuration.md
	$(PY) -m orgsim.metrics.reference > docs/metrics.md
	$(PY) -m orgsim.config.sources > docs/sources.md

clean:
	rm -rf $(VENV) .venv-mesa35 results/run $(RESULTS)
