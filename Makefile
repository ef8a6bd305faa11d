# Shiftdesk: `make run` starts everything on the embedded default, `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# make run listens on this machine only; HOST=0.0.0.0 opens it to the network.
HOST ?= 127.0.0.1
CHROMIUM ?= /usr/bin/chromium

-include .env
export

.PHONY: run manage test lint format install install-dev chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# make run and make manage: a local development setup unless told otherwise.
run manage: export DEBUG := $(or $(DEBUG),true)
run manage: export SITE_URL := $(or $(SITE_URL),http://localhost:$(PORT))

## run: set up (venv, migrations, static files, demo data) and start web + worker + beat.
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py seed_demo
	@echo
	@echo "Shiftdesk: http://localhost:$(PORT)/  (API docs: http://localhost:$(PORT)/api/docs/)"
	@echo "Listening on $(HOST) only (HOST=0.0.0.0 make run to open it to the network)."
	@echo "Web, Celery worker and beat are starting; Ctrl-C stops all three."
	@echo
	@# honcho exits 130 after a Ctrl-C has stopped the three cleanly: that is no error.
	PATH=$(CURDIR)/$(BIN):$$PATH HOST=$(HOST) PORT=$(PORT) $(BIN)/honcho start --procfile Procfile \
	  || test $$? -eq 130

## manage: a manage.py command on the local setup, e.g. make manage ARGS="drf_create_token alice".
manage: $(VENV)/.installed
	$(BIN)/python manage.py $(ARGS)

## chromium: Debian's chromium for the browser tests (installed with apt when missing).
chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }
	@test -x $(CHROMIUM) || { echo "chromium is missing at $(CHROMIUM)"; exit 1; }

## test: install what the tests need and run the whole suite (on DATABASE_URL, default SQLite).
test: $(VENV)/.installed-dev chromium
	DEBUG=false HTTPS=false SECRET_KEY=test-only-secret-key-not-for-production $(BIN)/python -m pytest $(PYTEST_ARGS)

## lint: ruff, format check, mypy, and no missing migrations.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/mypy .
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var staticfiles
