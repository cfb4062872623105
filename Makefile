# Two commands: `make demo` (set up + main job on embedded defaults), `make test` (set up +
# system packages for the tests via scripts/system-packages.sh + all tests). The CJK fonts
# come from PyPI (mplfonts) with the venv, so neither command needs a font package.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench setup system-packages clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/yigai demo

# PostgreSQL, Pango, HarfBuzz subset, Chromium: installed as root on Debian, else listed.
system-packages:
	bash scripts/system-packages.sh

test: $(STAMP) system-packages
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/pytest -n 2 --dist loadgroup

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) var out
