#!/usr/bin/env bash
# Run a benchmark against a throwaway PostgreSQL + Redis:  bash benchmarks/run.sh copy_index [args]
# (runs benchmarks/bench_<name>.py with DATABASE_URL set, after migrating).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
source scripts/services.sh
name="$1"; shift
install_missing
PG_EXTRA_OPTS="-c shared_buffers=${PG_SHARED_BUFFERS:-1GB} -c work_mem=64MB -c maintenance_work_mem=1GB" start_services
export SECRET_KEY=bench DEBUG=0 STATIC_MANIFEST=0
"$PY" manage.py migrate --noinput -v0
"$PY" "benchmarks/bench_$name.py" "$@"
