# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE_DB := build/sample.annotator.sqlite
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
export QT_QPA_PLATFORM ?= $(if $(DISPLAY)$(WAYLAND_DISPLAY),,offscreen)

.PHONY: run test bench package lint sample clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	bash packaging/system-deps.sh
	$(PIP) install --upgrade pip
	$(PIP) install -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(PIP) install -e ".[dev]"
	touch $@

$(SAMPLE_DB): $(VENV)/.installed
	mkdir -p build
	$(BIN)/annotator --db $(SAMPLE_DB) import seeds/

sample: $(SAMPLE_DB)

run: $(SAMPLE_DB)
	$(BIN)/annotator --db $(SAMPLE_DB)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check annotator tests benchmarks
	$(BIN)/ruff format --check annotator tests benchmarks

test: $(VENV)/.dev-installed
	$(BIN)/ruff check annotator tests benchmarks
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

bench: $(VENV)/.dev-installed
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks $(BENCH_ARGS)

package: $(VENV)/.dev-installed
	$(PIP) install -e ".[package]"
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --workpath build/pyinstaller --distpath dist packaging/annotator.spec
	@du -sh dist/annotator

clean:
	rm -rf build dist $(VENV)
