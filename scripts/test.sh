#!/usr/bin/env bash
# `make test`: install what is missing, start a throwaway PostgreSQL cluster and Redis on free
# ports, run lint + migrations check + the whole pytest suite against them, stop them always.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
source scripts/services.sh

install_missing chromium
start_services

export SECRET_KEY="test-only-secret-key"
export DEBUG=0
export FAST_PASSWORD_HASHER=1
export DJANGO_ALLOW_ASYNC_UNSAFE=true
export MEDIA_ROOT="$WORK/media"

if [ "${SKIP_LINT:-}" != 1 ]; then  # SKIP_LINT=1 is for iterating locally; CI always lints
  echo "==> lint"
  "$VENV/bin/ruff" check .
  "$VENV/bin/ruff" format --check .
  echo "==> import contracts (docs/architecture.md)"
  "$VENV/bin/lint-imports" --no-cache
fi
# collectstatic first: with DEBUG off, commands refuse to run without the static manifest.
echo "==> collectstatic builds the production manifest"
STATIC_MANIFEST=1 "$PY" manage.py collectstatic --noinput -v0
echo "==> migrations are up to date"
"$PY" manage.py makemigrations --check --dry-run >/dev/null
export STATIC_MANIFEST=0

echo "==> pytest"
set +e
"$PY" -m pytest "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
fi
exit "$rc"
