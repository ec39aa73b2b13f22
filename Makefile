# The two commands a newcomer needs: `make shell` and `make test`. See README.md.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
STAMP := $(VENV)/.installed
ACTIONS_PORT ?= 5055
export RASA_TELEMETRY_ENABLED ?= false
export TF_CPP_MIN_LOG_LEVEL ?= 3

.PHONY: install test lint shell run train model bench validate story-test clean

install: $(STAMP)

# Python 3.10: whatever is on PATH, else pyenv's 3.10 (installed by pyenv when missing).
$(STAMP): requirements.lock
	@set -e; \
	if [ ! -x $(PY) ]; then \
	  PY310=""; \
	  if python3.10 -c "" 2>/dev/null; then PY310=python3.10; \
	  elif command -v pyenv >/dev/null; then \
	    V=$$(pyenv versions --bare | grep -E '^3\.10\.[0-9]+$$' | tail -1); \
	    if [ -z "$$V" ]; then pyenv install -s 3.10.13; V=3.10.13; fi; \
	    PY310=$$(pyenv root)/versions/$$V/bin/python; \
	  fi; \
	  if [ -z "$$PY310" ]; then \
	    echo "Python 3.10 is needed (Rasa 3.6 runs on 3.8-3.10) and none was found. Get it with one of:" >&2; \
	    echo "  Debian/Ubuntu: sudo apt install python3.10 python3.10-venv (Ubuntu: the deadsnakes PPA)" >&2; \
	    echo "  macOS:         brew install python@3.10" >&2; \
	    echo "  anywhere:      pyenv install 3.10 (https://github.com/pyenv/pyenv), then make install again" >&2; \
	    exit 1; \
	  fi; \
	  "$$PY310" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip check
	touch $(STAMP)

# The model is rebuilt only when its training inputs changed.
# Retrain when there is no model, a training file is newer than it, or one was added or removed since.
# The meaning layer's calm sentences (bot/nlu/meaning.py) are part of the model too.
CALM := bot/nlu/data/calm.yml

model: install
	@newest=$$(ls -t models/*.tar.gz 2>/dev/null | head -1); \
	inputs=$$(find domain.yml config.yml data $(CALM) -type f | sort | md5sum); \
	if [ -z "$$newest" ] || [ -n "$$(find domain.yml config.yml data $(CALM) -newer $$newest -type f 2>/dev/null | head -1)" ] \
	   || [ "$$inputs" != "$$(cat models/.inputs 2>/dev/null)" ]; then \
	  $(RASA) train --quiet && echo "$$inputs" > models/.inputs; \
	fi

train: install
	$(RASA) train

test: install model
	@$(MAKE) --no-print-directory lint
	$(PY) -m pytest -q
	$(MAKE) --no-print-directory validate story-test

# Style, types and the import rules of docs/architecture.md (settings in pyproject.toml).
lint: install
	$(VENV)/bin/ruff check bot actions channels tools tests
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

validate: install
	$(RASA) data validate --fail-on-warnings

story-test: install model
	$(RASA) test core --stories tests/stories --fail-on-prediction-errors --out var/results

shell: install model
	@$(PY) -m bot directory seed
	@SANIC_HOST=127.0.0.1 $(RASA) run actions --port $(ACTIONS_PORT) > var/actions.log 2>&1 & echo $$! > var/actions.pid; \
	trap 'kill $$(cat var/actions.pid) 2>/dev/null' EXIT; \
	$(PY) -m bot wait-for http://127.0.0.1:$(ACTIONS_PORT)/health; \
	$(PY) -m bot.cli.quiet_rasa shell --quiet --interface 127.0.0.1 --endpoints endpoints.yml

# Production: the channels whose secrets are set, the API behind a token, the action server on loopback
# (bot/cli/launch.py, docs/security.md).
run: install model
	@$(PY) -m bot directory seed
	@$(PY) -m bot run --actions-port $(ACTIONS_PORT)

bench: install model
	$(PY) -m tools.bench

clean:
	rm -rf var/results models/*.tar.gz
