# Two commands do all set-up on a fresh machine: `make run` and `make test`.
# Both run packaging/system-deps.sh every time: it installs the Debian libraries Qt's xcb
# platform links (and, for the tests, Xvfb and xdotool) when any is missing, else costs a second.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The sample project lives in the user's data folder (platformdirs; ANNOTATOR_DATA_DIR), never in
# the clone: `make clean` removes what the build made, never a project.
SETTING = $(BIN)/python -c 'from annotator import settings; print(settings.$(1))'
SAMPLE_ARGS ?=
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

# Made once from the seeds, then the default project of every command given no --db.
sample: $(VENV)/.installed
	@db="$$($(call SETTING,sample_db()))"; \
	if [ ! -f "$$db" ]; then $(BIN)/annotator --db "$$db" import $(SAMPLE_ARGS) seeds/ || exit 1; fi; \
	$(call SETTING,remember_last_project(settings.sample_db())) >/dev/null; \
	echo "sample project: $$db (the default project of every annotator command without --db)"

# No display: the app says so and exits 2 (nothing is forced offscreen).
run: sample
	bash packaging/system-deps.sh $(BIN)/python
	$(BIN)/annotator --db "$$($(call SETTING,sample_db()))"

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

# Never a project: if one was saved under build/ or dist/ (an older `make run` made its sample
# there), clean stops and names it, so that nobody's labels go with the build.
clean:
	@found="$$(find build dist -name '*.annotator.sqlite*' 2>/dev/null)"; \
	if [ -n "$$found" ]; then \
		echo "make clean: not removing build/ and dist/: they hold a project:"; echo "$$found"; \
		echo "move it out (e.g. to $$($(call SETTING,data_dir()) 2>/dev/null || echo 'your data folder')) first"; \
		exit 1; \
	fi
	rm -rf build dist $(VENV)
