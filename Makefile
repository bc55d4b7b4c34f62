# Two commands on a fresh machine: `make demo` and `make test`. Both create what they need.
VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
TOOLS   := .tools-installed
PYTEST_WORKERS ?= 2

.PHONY: demo test lint typecheck unit tools bench fixbench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

$(TOOLS): scripts/install-tools.sh tests/js/package.json tests/js/package-lock.json
	bash scripts/install-tools.sh
	@touch $@

tools: $(TOOLS)

demo: $(STAMP)
	$(VENV)/bin/selfheal demo

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

unit: $(STAMP) $(TOOLS)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) -m pytest -n $(PYTEST_WORKERS)

test: lint typecheck unit

bench: $(STAMP)
	$(PY) bench/throughput.py
	$(PY) bench/junit.py

# the fix benchmark: prove every case with the real tools, then run selfheal fix on each (rules tier; the
# model tier too when ANTHROPIC_API_KEY is set)
fixbench: $(STAMP) $(TOOLS)
	$(PY) bench/fixbench/validate.py
	$(PY) bench/fixbench/run.py

clean:
	rm -rf $(VENV) $(TOOLS) tests/js/node_modules .selfheal bench/out
