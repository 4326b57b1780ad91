#!/usr/bin/env bash
# `make backup`: one backup set = the database (pg_dump custom format: compressed, restorable
# table by table, in parallel) + the uploaded files (MEDIA_ROOT as a .tar.gz) + SHA-256 sums.
# Keeps the newest BACKUP_KEEP sets in BACKUP_DIR and deletes older ones.
#   DATABASE_URL  the database to dump (from the environment or .env)
#   MEDIA_ROOT    default var/media (as portal/settings.py)
#   BACKUP_DIR    default var/backups; put it on another disk, and copy it off the machine
#   BACKUP_KEEP   default 14 sets (two weeks of nightly backups)
# A set is written under a temporary name and renamed when complete: a set listed by name is whole.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .env ] && [ -z "${DATABASE_URL:-}" ]; then set -a; source .env; set +a; fi
: "${DATABASE_URL:?set DATABASE_URL in the environment or .env}"
MEDIA_ROOT="${MEDIA_ROOT:-var/media}"
BACKUP_DIR="${BACKUP_DIR:-var/backups}"
BACKUP_KEEP="${BACKUP_KEEP:-14}"
case "$BACKUP_KEEP" in '' | *[!0-9]* | 0) echo "BACKUP_KEEP must be a number ≥ 1" >&2; exit 2 ;; esac
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
PG_DUMP="${PGBIN:+$PGBIN/}pg_dump"

stamp="$(date -u +%Y%m%dT%H%M%S.%3NZ)"
name="jianfu-$stamp"
mkdir -p "$BACKUP_DIR" "$MEDIA_ROOT"
partial="$BACKUP_DIR/.partial-$name"
rm -rf "$partial" && mkdir "$partial"
trap 'rm -rf "$partial"' EXIT

echo "==> database → $name/database.dump"
"$PG_DUMP" --format=custom --no-owner --no-acl --dbname="$DATABASE_URL" \
  --file="$partial/database.dump"
echo "==> uploaded files ($MEDIA_ROOT) → $name/media.tar.gz"
tar -C "$MEDIA_ROOT" -czf "$partial/media.tar.gz" .
(cd "$partial" && sha256sum database.dump media.tar.gz >SHA256SUMS)
mv "$partial" "$BACKUP_DIR/$name"
trap - EXIT

# Retention: the newest BACKUP_KEEP complete sets stay (names sort by time).
mapfile -t sets < <(find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name 'jianfu-*' | sort)
excess=$(( ${#sets[@]} - BACKUP_KEEP ))
for (( i = 0; i < excess; i++ )); do
  echo "==> retention ($BACKUP_KEEP sets): removing ${sets[$i]}"
  rm -rf "${sets[$i]}"
done
echo "$BACKUP_DIR/$name"
