#!/usr/bin/env bash
# `make prod`: the production stack outside Docker, with the commands of docker-compose.yml
# (read by scripts/compose_commands.py, so the two cannot drift): collectstatic (the
# Dockerfile's), migrate, then gunicorn + Celery worker + Celery beat in the foreground.
# Needs DATABASE_URL, CELERY_BROKER_URL and SECRET_KEY in the environment (or in .env);
# BIND (default 127.0.0.1:8000) and BEAT_SCHEDULE are the only substitutions.
# Ctrl-C or SIGTERM stops all three; if one of them exits, the others are stopped too.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
if [ -f .env ] && [ -z "${DATABASE_URL:-}" ]; then set -a; source .env; set +a; fi
: "${DATABASE_URL:?set DATABASE_URL (PostgreSQL) in the environment or .env}"
: "${CELERY_BROKER_URL:?set CELERY_BROKER_URL (Redis) in the environment or .env}"
: "${SECRET_KEY:?set SECRET_KEY in the environment or .env}"
export DEBUG="${DEBUG:-0}"
if [ "$DEBUG" != 0 ]; then echo "prod.sh: DEBUG must be 0 in production" >&2; exit 2; fi
export STATIC_MANIFEST=1  # hashed static names, as the image builds them
export BIND="${BIND:-127.0.0.1:8000}"
mkdir -p var
eval "$("$PY" scripts/compose_commands.py --compose "${COMPOSE_FILE:-docker-compose.yml}")"

echo "==> collectstatic"
"${COLLECTSTATIC[@]}"
echo "==> migrate"
"${MIGRATE[@]}"

pids=()
stop() {
  trap - EXIT INT TERM
  [ ${#pids[@]} -gt 0 ] && kill -TERM "${pids[@]}" 2>/dev/null
  wait
}
trap stop EXIT
trap 'exit 143' INT TERM
echo "==> gunicorn on $BIND, Celery worker, Celery beat (Ctrl-C stops all three)"
"${WEB[@]}" & pids+=($!)
"${WORKER[@]}" & pids+=($!)
"${BEAT[@]}" & pids+=($!)
set +e
wait -n
status=$?
[ "$status" = 0 ] && status=1  # nothing of the three should ever exit on its own
echo "prod.sh: a process exited (status $status); stopping the others" >&2
exit "$status"
