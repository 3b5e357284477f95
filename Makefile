# dibao — two commands do all set-up on a fresh Debian/Ubuntu machine:
#   make demo   installs what is missing, then builds a sample workspace in ./sample and runs every stage
#   make test   installs what is missing, then runs the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup system demo test bench clean

setup: system $(STAMP)

system:
	@bash tools/setup-system.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip setuptools wheel
	@$(BIN)/python -m pip install -q -e ".[test]"
	@touch $(STAMP)

demo: setup
	$(BIN)/dibao demo --out sample

test: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) sample bench/work
