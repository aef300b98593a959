# Everything a fresh machine needs is installed by these targets: only Python 3.11+ and make are assumed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test test-citus lint check-chart browser bench-onboarding bench-search bench-inbox bench-kpi bench-country bench-citus install clean-data messages

run: $(INSTALLED)  ## the platform with a demo consortium on http://localhost:8000
	$(BIN)/python -m infra.dev.launcher

test: $(INSTALLED) browser  ## the whole test suite (pass options with ARGS="-k routing")
	$(BIN)/python -m pytest $(ARGS)

test-citus: $(INSTALLED)  ## onboarding, intake, isolation and migrate_units on a Citus coordinator and two workers (needs ../shared/citus; CITUS_PORT=57630)
	CITUS_PORT=$(or $(CITUS_PORT),57630) infra/citus/test-citus $(ARGS)

lint: $(INSTALLED)  ## formatting, lint rules and the import contracts that keep the layers honest (pyproject.toml)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

check-chart: $(INSTALLED)  ## the Dockerfile and the Helm chart without a cluster: hadolint, helm lint/template per scenario, Kubernetes API schemas, chart tests (tools into .tools/)
	$(BIN)/python -m infra.chart.check
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/infra/test_chart.py tests/infra/test_dockerfile.py

browser:  ## Debian's chromium and chromium-driver for the browser tests (installed with apt-get when missing)
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		set -x; $$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver; \
	fi

bench-onboarding: $(INSTALLED)  ## onboarding speed against migrate-per-schema (a measurement; ARGS=--country for every unit)
	$(BIN)/python -m infra.bench.onboarding $(ARGS)

bench-search: $(INSTALLED)  ## search speed over a full regional catalogue (875 services) against an icontains baseline (a measurement; ARGS=--show for the top results)
	$(BIN)/python -m infra.bench.search $(ARGS)

bench-inbox: $(INSTALLED)  ## applications taken in per second over HTTP (register number + signed UPO) against a bare insert (a measurement; ARGS="--clients 16")
	$(BIN)/python -m infra.bench.inbox $(ARGS)

bench-kpi: $(INSTALLED)  ## the regional usage dashboard at 2,807 units and a year of facts against visiting every unit's schema (a measurement; ARGS="--schemas 400")
	$(BIN)/python -m infra.bench.kpi $(ARGS)

bench-country: $(INSTALLED)  ## every unit of the register served by one deployment: spread load against one unit's, PostgreSQL's memory (a measurement; ARGS="--units 50", --keep to reuse the onboarded database, --citus for 100 units on plain PostgreSQL and on Citus)
	$(BIN)/python -m infra.bench.country $(ARGS)

bench-citus: $(INSTALLED)  ## onboarding and a unit's queries on a Citus coordinator and two workers against plain PostgreSQL (a measurement; needs ../shared/citus; ARGS="--units 100")
	$(BIN)/python -m infra.bench.citus $(ARGS)

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Ratusz needs Python 3.11 or newer (found %s)." % sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,test]'
	touch $(INSTALLED)

clean-data:  ## forget the development database and queues (stops nothing: quit `make run` first)
	rm -rf .data

messages: $(INSTALLED)  ## refresh the Polish catalogue after changing texts, then compile it (needs gettext)
	$(BIN)/python manage.py makemessages -l pl --ignore='.venv/*' --ignore='.data/*' --ignore='tests/*'
	$(BIN)/python manage.py compilemessages -l pl --ignore='.venv/*'
