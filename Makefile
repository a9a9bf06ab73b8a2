# The two commands of the README:
#   make run   - create the environment, build the demo warehouse, serve the dashboard on http://127.0.0.1:8050
#   make test  - set up what the tests need (Python deps, PostgreSQL, Chromium) and run the whole suite
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SCALE  ?= 1
PYTEST_ARGS ?=

.PHONY: run test install system-test-deps lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/oobc demo --scale $(SCALE)
	$(BIN)/oobc serve --host 127.0.0.1 --port 8050

system-test-deps:
	bash .ci/install-test-deps

test: $(STAMP) system-test-deps
	$(BIN)/python -m pytest -m "not acceptance" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf .oobc $(VENV) dbt_project/target dbt_project/logs
