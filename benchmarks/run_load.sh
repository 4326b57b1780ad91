#!/usr/bin/env bash
# `make bench-load`: throwaway PostgreSQL + Redis, the production stack (scripts/prod.sh, the
# real password hasher, DEBUG off) on a free loopback port, the load world seeded, then
# benchmarks/bench_load.py against it; everything stopped at the end. Arguments pass through
# to bench_load.py (e.g. --schools 50 --json var/load.json). COMPOSE_FILE=… tries another
# docker-compose.yml (how the before/after of benchmarks/RESULTS.md were run).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
source scripts/services.sh
install_missing
PG_EXTRA_OPTS="-c shared_buffers=256MB" start_services
unset FAST_PASSWORD_HASHER STATIC_MANIFEST
export SECRET_KEY="bench-$RANDOM$RANDOM" DEBUG=0 MEDIA_ROOT="$WORK/media"
export BEAT_SCHEDULE="$WORK/beat-schedule" BIND="127.0.0.1:$(free_port)"
setsid bash scripts/prod.sh >"$WORK/prod.log" 2>&1 &
PROD=$!
stop_all() {
  set +e
  kill -TERM "$PROD" 2>/dev/null; wait "$PROD" 2>/dev/null
  kill -KILL -- "-$PROD" 2>/dev/null
  stop_services
}
trap stop_all EXIT INT TERM
for _ in $(seq 120); do
  curl -fsS "http://$BIND/healthz" >/dev/null 2>&1 && break
  kill -0 "$PROD" 2>/dev/null || { cat "$WORK/prod.log"; exit 1; }
  sleep 0.5
done
echo "==> production stack on http://$BIND; seeding the load world"
"$PY" benchmarks/bench_load.py --seed "$@"
echo "==> idle CPU before the run: $(vmstat 1 3 | tail -1 | awk '{print $15}') %"
# the server's process trees (gunicorn + Celery under prod.sh, PostgreSQL, Redis), for its CPU
SERVER_PIDS="$PROD,$(head -n 1 "$WORK/pg/postmaster.pid"),$(cat "$WORK/redis.pid")"
"$PY" benchmarks/bench_load.py --base "http://$BIND" --server-pids "$SERVER_PIDS" "$@"
