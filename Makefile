# `make run`: set everything up and serve the portal on http://127.0.0.1:8000 (SQLite, jobs in-process).
# `make test`: set everything up and run the whole test suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# `make test` runs the suite in parallel (pytest-xdist), one process per core, a test file per process at a time
# (a module's shared fixtures are built once); TEST_WORKERS=0 runs it in one.
TEST_WORKERS ?= auto
SYSTEM_PACKAGES := gcc libpq-dev fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils postgresql-client
TEST_SYSTEM_PACKAGES := chromium chromium-driver docker-compose nginx libnginx-mod-stream openssl

.PHONY: run test setup setup-test lint

# `make run` also loads two illustrative plans of other former districts (marked "minh họa"): one portal, three plans;
# then the 2025 reform (sap_xep_2025_*.yaml), so that the demo's years (2025 on) are reported by today's agencies.
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_indicators
	$(PY) manage.py load_plan
	$(PY) manage.py load_plan binhson_plan/plans/minh_hoa_tra_bong.yaml
	$(PY) manage.py load_plan binhson_plan/plans/minh_hoa_ba_to.yaml
	$(PY) manage.py load_reorganisation binhson_plan/plans/sap_xep_2025_binh_son.yaml
	$(PY) manage.py load_reorganisation binhson_plan/plans/sap_xep_2025_minh_hoa_tra_bong.yaml
	$(PY) manage.py load_reorganisation binhson_plan/plans/sap_xep_2025_minh_hoa_ba_to.yaml
	LOG_LEVEL=WARNING $(PY) manage.py seed_demo --reports
	@echo "Cổng đang chạy tại http://127.0.0.1:8000 với dữ liệu minh họa (Ctrl+C để dừng)."
	DEMO_MODE=1 $(PY) manage.py runserver 127.0.0.1:8000

test: setup-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-dev

$(VENV)/.installed: requirements.txt scripts/install-system-packages.sh
	./scripts/install-system-packages.sh $(SYSTEM_PACKAGES)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	./scripts/install-system-packages.sh $(SYSTEM_PACKAGES) $(TEST_SYSTEM_PACKAGES)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@
