# The two commands: `make run` (demo on http://127.0.0.1:8000) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: run test bootstrap clean

bootstrap: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/fenji migrate --noinput -v0
	$(BIN)/fenji calendar -v 0 seed
	FENJI_HOST=$(HOST) FENJI_PORT=$(PORT) $(BIN)/fenji demo $(if $(DEMO_PASSWORD),--password '$(DEMO_PASSWORD)')
	$(BIN)/fenji run --host $(HOST) --port $(PORT)

test: $(STAMP)
	scripts/system-packages.sh
	scripts/test.sh

clean:
	rm -rf $(VENV) var build src/*.egg-info
