# sitrep: `make run` materialises everything on the bundled samples; `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DO_NOT_TRACK := 1
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: install run test test-all dev daemon report eval bench docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

$(DAGSTER_HOME)/dagster.yaml: deploy/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp deploy/dagster.yaml $@

# The main job on SITREP_ARTICLES_DIR (default: bundled samples) into SITREP_DUCKDB_PATH
# (default: data/sitrep.duckdb), then the weekly attacks table.
run: $(STAMP) $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster asset materialize -m assets.definitions --select '*'
	$(BIN)/sitrep report

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

# The full SIGKILL trial matrix and the large corpora as well.
test-all: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --runslow

dev: $(STAMP) $(DAGSTER_HOME)/dagster.yaml
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

daemon: $(STAMP) $(DAGSTER_HOME)/dagster.yaml
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dagster-daemon run -w workspace.yaml

report: $(STAMP)
	$(BIN)/sitrep report

eval: $(STAMP)
	$(BIN)/sitrep eval

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m pipeline.bench.run --sizes 10000,100000

docs: $(STAMP)
	$(BIN)/dbt docs generate --project-dir dbt_project --profiles-dir dbt_project

clean:
	rm -rf data $(DAGSTER_HOME) dbt_project/target dbt_project/logs
