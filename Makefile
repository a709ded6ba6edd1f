# Tropa: two commands from a fresh clone.
#   make run   install what is missing, build models, content and site, serve on 127.0.0.1:8000
#   make test  lint (ruff, mypy strict), the same set-up plus Chromium, then the whole test suite
# (No commas inside $(call say,...): make would split the message there.)
# Every step is a file target, so re-running with nothing changed does no work.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

# torch 2.13.0 (CPU) is provided for CPython 3.11 on this kind of machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
DIST := dist
MODELS := $(DIST)/models
CONTENT_OUT := $(DIST)/content
CHROMIUM := /usr/bin/chromium
# Model builds are slow and large: cache them per machine, outside the clone.
MODEL_CACHE ?= $(HOME)/.cache/tropa/models

say = @printf '\n\033[1m==> %s\033[0m\n' "$(1)"

.PHONY: run test build deps models content site serve lint clean distclean

run: build
	$(call say,serving on http://127.0.0.1:8000 with SQLite in data/ - Ctrl-C stops)
	$(PY) -m server

test: lint build $(STAMPS)/chromium
	$(call say,running the test suite: unit + server on SQLite and PostgreSQL + browser)
	$(PY) -m pytest

build: site content $(MODELS)/chunks.json

deps: $(STAMPS)/python $(STAMPS)/npm

$(STAMPS)/python: pyproject.toml
	$(call say,Python environment in $(VENV) (pinned in pyproject.toml))
	@mkdir -p $(STAMPS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -c 'import tomllib; groups = tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]; print("\n".join(r for g in ("build", "server", "test") for r in groups[g]))' > $(STAMPS)/requirements.txt
	$(PY) -m pip install --disable-pip-version-check -r $(STAMPS)/requirements.txt
	@touch $@

$(STAMPS)/npm: package.json package-lock.json
	$(call say,npm packages: Pyodide + PyScript + Transformers.js + ONNX Runtime Web)
	@mkdir -p $(STAMPS)
	# onnxruntime-node's install script downloads from a host we cannot reach; we never use it.
	ONNXRUNTIME_NODE_INSTALL=skip npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

$(STAMPS)/chromium:
	@mkdir -p $(STAMPS)
	@if [ ! -x $(CHROMIUM) ]; then \
	  printf '\n==> installing Debian chromium for the browser tests\n'; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; \
	fi
	@$(CHROMIUM) --version
	@touch $@

MODEL_SOURCES := models/manifest.toml $(wildcard models/*.py)
models: $(MODELS)/manifest.json
$(MODELS)/manifest.json: $(MODEL_SOURCES) $(STAMPS)/python
	$(call say,models: convert + export + quantize - cached per machine; the first run takes about 8 min)
	$(PY) -m models.build --out $(MODELS) --cache $(MODEL_CACHE)
	$(PY) -m builder.compress $(MODELS)

# The chunk manifest the worker's model store reads (a few seconds: hashes only).
$(MODELS)/chunks.json: $(MODELS)/manifest.json builder/chunks.py
	$(PY) -m builder.chunks $(MODELS)

CONTENT_SOURCES := $(shell find content -name '*.md') $(wildcard builder/content/*.py) contracts/library.py app/core/tutor/lexical.py
content: $(CONTENT_OUT)/library.json
$(CONTENT_OUT)/library.json: $(CONTENT_SOURCES) $(MODELS)/manifest.json | $(STAMPS)/npm
	$(call say,content: validate + render + embed the course library)
	$(PY) -m builder.content --out $(CONTENT_OUT)
	$(PY) -m builder.compress $(CONTENT_OUT)
	# The site prerenders its pages from the library (builder/prerender.py): write them again.
	$(PY) -m builder.site --out $(DIST)

SITE_SOURCES := pyscript.toml $(shell find app contracts -name '*.py' -o -name '*.html' -o -name '*.css' -o -name '*.svg') $(wildcard worker/*.js) $(wildcard sw/*.js) $(wildcard app/static/*.js) $(wildcard builder/*.py)
site: $(DIST)/index.html
$(DIST)/index.html: $(SITE_SOURCES) $(STAMPS)/python $(STAMPS)/npm
	$(call say,site: vendor the runtimes + bundle the app + write the page)
	$(PY) -m builder.site --out $(DIST)

lint: $(STAMPS)/python
	$(call say,lint: ruff + mypy strict over app builder contracts server)
	$(PY) -m ruff check .
	$(PY) -m mypy

clean:
	rm -rf $(DIST)

distclean: clean
	rm -rf $(VENV) node_modules $(STAMPS)
