# argmap: `make run` starts it, `make test` checks lint and formatting and runs the whole suite,
# `make fuzz` fuzzes the API, `make bench` prints the benchmarks.
PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 5000
BIN = $(VENV)/bin

.PHONY: run test fuzz bench lint format system clean screenshots

run: $(VENV)/.installed static/vendor/.installed
	scripts/system-packages run
	$(BIN)/argmap serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed static/vendor/.installed
	scripts/system-packages test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q

# Every API operation with at least 100 generated requests, from a new random seed each time.
fuzz: $(VENV)/.installed
	scripts/system-packages run
	ARGMAP_FUZZ_EXAMPLES=100 ARGMAP_FUZZ_RANDOM=1 $(BIN)/pytest -q -s tests/test_fuzz.py

bench: $(VENV)/.installed
	scripts/system-packages run
	@command -v npm >/dev/null && npm install --prefix bench/peer --no-audit --no-fund --loglevel=error \
		|| echo "npm not found: the peer section will be skipped"
	$(BIN)/python -m bench

# docs/: the seed map and its brief on a desktop and a phone (scripts/screenshots.py).
screenshots: $(VENV)/.installed static/vendor/.installed
	scripts/system-packages test
	$(BIN)/python scripts/screenshots.py

lint: $(VENV)/.installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

# The pinned front-end libraries (package-lock.json), fetched from the npm registry.
static/vendor/.installed: package.json package-lock.json
	scripts/system-packages run
	scripts/vendor

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "argmap needs Python 3.11 or newer as $(PYTHON)"; exit 1; }
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules static/vendor
