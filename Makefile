# The two commands: `make run` (a working site on a fresh clone) and `make test` (the whole suite).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck pytest lock vendor clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	touch $@ $(VENV)/.installed-run

run: export DJANGO_DEBUG ?= true
run: $(VENV)/.installed-run
	@mkdir -p var/mail
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (e-mail is written to var/mail/ unless EMAIL_URL is set)"
	@pids=""; \
	if [ -n "$$REDIS_URL" ]; then \
		echo "REDIS_URL is set: starting a Celery worker and beat beside the web server"; \
		$(BIN)/celery -A academy worker --loglevel=INFO --concurrency=2 & pids="$$!"; \
		$(BIN)/celery -A academy beat --loglevel=INFO --schedule=var/celerybeat-schedule & pids="$$pids $$!"; \
	fi; \
	trap 'test -n "$$pids" && kill $$pids 2>/dev/null; wait' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

# Tests run with DEBUG off, as production does, over plain HTTP on loopback.
test: export DJANGO_SECRET_KEY ?= insecure-test-only-secret-key
test: export DJANGO_HTTPS ?= false
test: $(VENV)/.installed-dev lint typecheck pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy .

pytest: $(VENV)/.installed-dev node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# axe-core, injected into Chromium by the accessibility tests (never served to users).
node_modules/.installed: package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: the accessibility tests will skip (and fail under CI=true)"; \
	fi

# Re-lock after editing pyproject.toml dependencies.
lock: $(VENV)/.installed-dev
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml

# Re-vendor htmx from its npm package (no CDN: the CSP allows only 'self').
HTMX_VERSION ?= 2.0.11
vendor:
	rm -rf var/npm && mkdir -p var/npm static/vendor/htmx
	cd var/npm && npm pack --silent htmx.org@$(HTMX_VERSION) && tar xzf htmx.org-$(HTMX_VERSION).tgz
	cp var/npm/package/dist/htmx.min.js var/npm/package/LICENSE static/vendor/htmx/
	echo "htmx.org $(HTMX_VERSION) from the npm registry (make vendor)" > static/vendor/htmx/VERSION

clean:
	rm -rf $(VENV) var node_modules .mypy_cache .pytest_cache .ruff_cache
