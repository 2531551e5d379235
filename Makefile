# ppkl: make run (demo server) and make test (whole suite). Python 3.11+ on Debian.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app ppkl
PORT ?= 5000

.PHONY: run setup setup-test test test-postgres lint format translations db clean

run: setup db
	@echo ""
	@echo "  ppkl on http://127.0.0.1:$(PORT)"
	@echo "  Demo logins (password for all: ppkl-demo): admin, supervisor, ppkl01 … ppkl13, dak01 … dak24"
	@echo "  Sign-in limits: $(if $(REDIS_URL),shared through Redis ($(REDIS_URL)),counted in this one process; production with several workers needs REDIS_URL=redis://... (docs/security.md))"
	@echo ""
	REDIS_URL=$(REDIS_URL) $(FLASK) run --host 127.0.0.1 --port $(PORT)

setup: $(VENV)/.installed translations instance/config.py

setup-test: setup $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Compiled catalogs are build products: made here, never committed.
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d ppkl/translations

# A random secret key for this machine, once; never overwrites an existing file.
instance/config.py:
	@mkdir -p instance
	@$(PYTHON) -c "import secrets; print('SECRET_KEY = %r' % secrets.token_hex(32))" > $@
	@echo "wrote $@ with a new SECRET_KEY"

db: setup
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty

# TEST_DATABASE_URL=postgresql://... runs the same suite on PostgreSQL (see docs/testing.md).
test: setup-test
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest $(PYTEST_ARGS)

# The same suite on PostgreSQL; the run makes its own databases and drops them afterwards.
test-postgres:
	$(MAKE) test TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres

# Import contracts (pyproject.toml, [tool.importlinter]): areas layered, pure rules Flask-free.
lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: setup-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

extract-messages: setup
	$(BIN)/pybabel extract --ignore-dirs='.* __pycache__' --no-location --sort-output -F babel.cfg -k _l -k lazy_gettext -k N_ -k Np_:1,2 -o ppkl/translations/messages.pot .
	$(BIN)/pybabel update -i ppkl/translations/messages.pot -d ppkl/translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python tools/normalize_po.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
