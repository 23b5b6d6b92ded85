# The two set-up commands: `make run` and `make test`. Both create .venv/ on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WORKERS ?= 2

.PHONY: install lock run test checks pytest sweep bench clean

install: $(STAMP)

# The pinned set (requirements-test.lock) goes in with --no-deps: no resolver work, no isolated build
# env (setuptools is in the set). If it cannot be installed (a newer Python without those wheels),
# pip resolves pyproject.toml's ranges instead. Bytecode is compiled on both cores afterwards, and
# for gatebp too, so no process recompiles a module (PYTHONDONTWRITEBYTECODE would make each do so);
# what no gatebp or test process imports is skipped (packages' own tests, pip, mypy's sources, which
# run compiled, and pygments' lexers): half the time of compiling everything.
$(STAMP): pyproject.toml requirements-test.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-compile --no-deps -r requirements-test.lock \
	  && $(BIN)/python -m pip install --quiet --no-compile --no-deps --no-build-isolation -e . \
	  || $(BIN)/python -m pip install --quiet --no-compile -e '.[test]'
	$(BIN)/python -m compileall -qq -j 0 -x '/(tests|pip|mypy|mypyc|setuptools|lexers|_vendor)/' \
	  $(VENV)/lib gatebp || true
	touch $(STAMP)

# Rewrites the pinned set from the current environment (after changing pyproject.toml's dependencies).
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]' 'setuptools>=77'
	{ sed -n '1,2p' requirements-test.lock; $(BIN)/python -m pip freeze --exclude-editable --all \
	  | grep -v '^pip=='; } > requirements-test.lock.new && mv requirements-test.lock.new requirements-test.lock

run: $(STAMP)
	$(BIN)/gatebp practice

# The static checks run beside pytest (one core idles while either runs alone); their few lines
# of output may land between pytest's progress lines.
test: $(STAMP)
	@$(MAKE) --no-print-directory -j 2 checks pytest

checks: $(STAMP)
	$(BIN)/gatebp bank check question_bank
	$(BIN)/lint-imports
	$(BIN)/ruff check gatebp
	$(BIN)/mypy gatebp

# pytest caches its assertion-rewritten test modules as bytecode; with PYTHONDONTWRITEBYTECODE set
# (as on this machine) every worker would rewrite all of them again, about 5 s of CPU each.
pytest: $(STAMP)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n $(WORKERS)

# The release check: the whole suite with every generation sweep at ten times its named size
# (tests/sweep.py; make test runs them at 0.6).
sweep: $(STAMP)
	GATEBP_SWEEP=10 env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n $(WORKERS)

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info
