#!/usr/bin/env bash
# Create the virtualenv and install the pinned dependencies (used by `make run` and `make test`).
set -euo pipefail
VENV="${1:-.venv}"
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! python3 -c "import venv, ensurepip" >/dev/null 2>&1; then
  echo "==> python3-venv is missing; installing it with apt"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "==> creating virtualenv $VENV"
  python3 -m venv "$VENV"
fi
echo "==> installing Python dependencies (pinned in pyproject.toml)"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e '.[dev]'
