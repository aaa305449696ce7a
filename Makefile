# Two commands do all set-up on a fresh machine: `make run` and `make test`.
# Both run packaging/system-deps.sh every time: it installs the Debian libraries Qt's xcb
# platform links (and, for the tests, Xvfb and xdotool) when any is missing, else costs a second.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE_DB := build/sample.annotator.sqlite
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: run test bench package lint sample clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
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

# No display: the app says so and exits 2 (nothing is forced offscreen).
run: $(SAMPLE_DB)
	bash packaging/system-deps.sh $(BIN)/python
	$(BIN)/annotator --db $(SAMPLE_DB)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check annotator tests benchmarks
	$(BIN)/ruff format --check annotator tests benchmarks

# The suite runs offscreen, except tests/ui/test_real_x.py, which starts the app on Xvfb.
test: $(VENV)/.dev-installed
	bash packaging/system-deps.sh --test $(BIN)/python
	$(BIN)/ruff check annotator tests benchmarks
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

bench: $(VENV)/.dev-installed
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks $(BENCH_ARGS)

package: $(VENV)/.dev-installed
	bash packaging/system-deps.sh $(BIN)/python
	$(PIP) install -e ".[package]"
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --workpath build/pyinstaller --distpath dist packaging/annotator.spec
	@du -sh dist/annotator

clean:
	rm -rf build dist $(VENV)
