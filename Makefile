# The two commands: `make run` (demo on http://127.0.0.1:8000) and `make test` (the whole suite).
# `make run PROFILE=league` serves another profile's demo (default, veterans, office, league, discipline,
# labor): every fenji command below runs with FENJI_PROFILE=$(PROFILE); a profile other than default keeps
# its demo in its own SQLite file, var/fenji-<profile>.sqlite3, unless FENJI_DATABASE_URL is set, so that
# switching profiles never meets the other profile's tree (each demo has its own root unit).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed
PROFILE ?= $(or $(FENJI_PROFILE),default)
RUN_ENV := FENJI_PROFILE='$(PROFILE)'
ifneq ($(PROFILE),default)
ifeq ($(origin FENJI_DATABASE_URL),undefined)
RUN_ENV += FENJI_DATABASE_URL='sqlite:///$(abspath $(or $(FENJI_VAR_DIR),var))/fenji-$(PROFILE).sqlite3'
endif
endif

.PHONY: run test bench drill bootstrap clean

bootstrap: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

run: $(STAMP)
	$(RUN_ENV) $(BIN)/fenji migrate --noinput -v0
	$(RUN_ENV) $(BIN)/fenji calendar -v 0 seed
	$(RUN_ENV) FENJI_HOST=$(HOST) FENJI_PORT=$(PORT) $(BIN)/fenji demo $(if $(DEMO_PASSWORD),--password '$(DEMO_PASSWORD)')
	@# The demo runs background tasks in-process (FENJI_TASKS_IMMEDIATE=1: SMS printed at once, by the
	@# console backend chosen here: the production default writes them to a 0600 file instead) and starts
	@# `fenji worker` beside the server for the periodic jobs (reminders); Ctrl+C stops both.
	$(RUN_ENV) FENJI_TASKS_IMMEDIATE=1 FENJI_SMS_BACKEND=console $(BIN)/fenji worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) FENJI_TASKS_IMMEDIATE=1 FENJI_SMS_BACKEND=console $(BIN)/fenji run --host $(HOST) --port $(PORT)

test: $(STAMP)
	scripts/system-packages.sh
	scripts/test.sh

# make bench DATASET=peer|province [DB=sqlite]: load into a throwaway database, run, publish the results.
DATASET ?= peer
DB      ?= postgresql
bench: $(STAMP)
	scripts/system-packages.sh
	scripts/bench.sh $(DATASET) $(DB)

# make drill [SOAK_MINUTES=10]: as root, on loopback, in a temporary directory removed afterwards: a Patroni +
# etcd cluster of two PostgreSQL nodes, the primary killed under load (failover drill), then a locust soak of
# mixed traffic; prints the figures (docs/deployment.md). Not part of `make test`.
SOAK_MINUTES ?= 10
DRILL_STAMP := $(VENV)/.drill-installed
$(DRILL_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,drill]"
	@touch $(DRILL_STAMP)

drill: $(DRILL_STAMP)
	scripts/system-packages.sh drill
	SOAK_MINUTES=$(SOAK_MINUTES) scripts/drill.sh

clean:
	rm -rf $(VENV) var build src/*.egg-info
