# Two commands: `make run` serves the dashboard on the bundled demo, `make test` runs the suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test system lint bench fuzz loadtest scan clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(STAMP)
	$(BIN)/python app.py

scan: $(STAMP)
	$(BIN)/fkmap scan examples/demo

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# the system packages and services the suite needs (Chromium, Graphviz, PostgreSQL, MariaDB, Redis)
system:
	bash scripts/ensure-system.sh

test: $(TEST_STAMP) system lint
	$(BIN)/pytest -n 2 --dist loadgroup

# whole-process speed and memory, S to XL (BENCH_SIZES=S,M picks sizes; a full run rewrites the README figures)
bench: $(TEST_STAMP)
	$(BIN)/python bench/run.py $(if $(BENCH_SIZES),--sizes $(BENCH_SIZES))

# coverage-guided fuzzing of the readers (atheris), bounded: FUZZ_SECONDS (default 120)
FUZZ_SECONDS ?= 120
fuzz: $(TEST_STAMP)
	$(BIN)/pip install --quiet -e '.[fuzz]'
	mkdir -p fuzz/corpus
	$(BIN)/python fuzz/fuzz_ingest.py -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 fuzz/corpus

# gunicorn -w 4 + PostgreSQL state, 50 simulated users for 60 s on 127.0.0.1 (needs PostgreSQL; --redis: Celery)
loadtest: $(TEST_STAMP)
	$(BIN)/python bench/load_test.py $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
