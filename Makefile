# Every target creates the virtual environment first when it is missing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Test workers (pytest-xdist); tests sharing a pipeline run stay on one (tests/conftest.py).
TEST_WORKERS ?= 2
SPARK_STAMP := $(VENV)/.spark-stamp

.PHONY: venv demo test lint ui bench clean system-deps spark-deps test-spark

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# The spark engine (IOM_ENGINE=spark, docs/scale-out.md): the spark extra in the venv and
# Java 17 (scripts/java.sh: apt-get installs it when missing and running as root).
$(SPARK_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev,spark]'
	touch $(SPARK_STAMP)

spark-deps: $(SPARK_STAMP)
	bash scripts/java.sh

demo: venv
	$(BIN)/iom demo-data
	$(BIN)/iom run
	$(BIN)/iom scorecard

# sqlfluff's dbt templater and dbt parse open a DuckDB file: a scratch one under dbt/target.
LINT_WAREHOUSE := $(CURDIR)/dbt/target/lint.duckdb

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	mkdir -p dbt/target
	IOM_WAREHOUSE_PATH=$(LINT_WAREHOUSE) $(BIN)/sqlfluff lint dbt/models
	IOM_WAREHOUSE_PATH=$(LINT_WAREHOUSE) $(BIN)/dbt parse --quiet --profiles-dir dbt --project-dir dbt
	$(BIN)/dbt-score lint --manifest dbt/target/manifest.json

# Debian's chromium, poppler-utils and fonts-dejavu-core: apt-get installs them when missing
# and running as root; otherwise this stops, before the venv and any test, with the command.
system-deps:
	bash scripts/system-deps.sh

# The spark tests run here too when Java and the spark extra are present (make spark-deps),
# and are skipped, with the reason, when they are not.
test: system-deps venv lint
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup

# The spark engine's tests alone: one Spark run and one DuckDB run of the same landing.
test-spark: spark-deps
	$(BIN)/python -m pytest -q -m spark

ui: venv
	$(BIN)/iom ui

bench: venv
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data dbt/target dbt/logs
