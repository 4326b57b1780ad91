# The two commands a newcomer runs (see README):
#   make run   — set up and serve the portal on SQLite with demo data
#   make test  — set up and run the whole suite on real PostgreSQL + Redis + Chromium
# Operations (README "Operations"): make prod, make backup, make restore DUMP=..., make bench-load
.PHONY: run test lint format bench-analysis bench-load prod backup restore clean

VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

$(STAMP): pyproject.toml
	@bash scripts/bootstrap.sh "$(VENV)"
	@rm -f $(VENV)/.installed-* && touch $@

run: $(STAMP)
	@DEBUG=1 $(PY) manage.py migrate --noinput -v0
	@DEBUG=1 $(PY) manage.py seed_demo
	@echo ""
	@echo "  减负自查报告平台 is at http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	@echo ""
	@DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	@bash scripts/test.sh

prod: $(STAMP)
	@bash scripts/prod.sh

backup: $(STAMP)
	@bash scripts/backup.sh

restore: $(STAMP)
	@bash scripts/restore.sh "$(DUMP)"

lint: $(STAMP)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

bench-analysis: $(STAMP)
	$(PY) benchmarks/bench_analysis.py

bench-load: $(STAMP)
	@bash benchmarks/run_load.sh

clean:
	rm -rf $(VENV) var/staticfiles
