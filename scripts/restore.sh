#!/usr/bin/env bash
# `make restore DUMP=var/backups/jianfu-…`: restore one backup set (scripts/backup.sh) into a
# FRESH database and an empty media folder; never over live data.
#   bash scripts/restore.sh BACKUP_SET_DIR
#   DATABASE_URL  the database to restore into: created if missing; refused unless empty
#   MEDIA_ROOT    default var/media: created if missing; refused unless empty
# Checks the set's SHA-256 sums first. Afterwards point the portal at that database and
# MEDIA_ROOT (scripts/prod.sh runs migrate, a no-op for a dump of the same code version).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
set_dir="${1:?usage: restore.sh BACKUP_SET_DIR (a folder written by scripts/backup.sh)}"
if [ -f .env ] && [ -z "${DATABASE_URL:-}" ]; then set -a; source .env; set +a; fi
: "${DATABASE_URL:?set DATABASE_URL (the database to restore into)}"
MEDIA_ROOT="${MEDIA_ROOT:-var/media}"
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
PG_RESTORE="${PGBIN:+$PGBIN/}pg_restore"

echo "==> checking $set_dir/SHA256SUMS"
(cd "$set_dir" && sha256sum --check --quiet SHA256SUMS)
if [ -d "$MEDIA_ROOT" ] && [ -n "$(ls -A "$MEDIA_ROOT")" ]; then
  echo "restore.sh: $MEDIA_ROOT is not empty; restore into an empty folder" >&2
  exit 1
fi
echo "==> a fresh database"
"$PY" scripts/fresh_database.py "$DATABASE_URL"
echo "==> database ← $set_dir/database.dump"
"$PG_RESTORE" --no-owner --no-acl --exit-on-error --jobs=2 --dbname="$DATABASE_URL" \
  "$set_dir/database.dump"
echo "==> uploaded files → $MEDIA_ROOT"
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -xzf "$set_dir/media.tar.gz"
echo "restored; start the portal with DATABASE_URL=$(echo "$DATABASE_URL" | sed -E 's#://[^@/]*@#://…@#') MEDIA_ROOT=$MEDIA_ROOT"
