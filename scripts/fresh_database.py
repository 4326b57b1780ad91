"""Make sure the database named by a PostgreSQL URL exists and holds no table (for
``scripts/restore.sh``): create it when missing, refuse (exit 1) when it has tables."""

from __future__ import annotations

import sys
import urllib.parse

import psycopg
from psycopg import sql


def ensure_fresh(url: str) -> str:
    """Return what was done (``created`` / ``empty``); raise SystemExit if it holds tables."""
    parts = urllib.parse.urlsplit(url)
    name = urllib.parse.unquote(parts.path.lstrip("/"))
    if not name:
        raise SystemExit("the URL names no database")
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return "created"
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        ).fetchone()[0]
    if tables:
        raise SystemExit(f"database {name} already holds {tables} tables: restore into a fresh one")
    return "empty"


if __name__ == "__main__":
    print(ensure_fresh(sys.argv[1]))
