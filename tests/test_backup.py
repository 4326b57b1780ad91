"""scripts/backup.sh and scripts/restore.sh on this suite's PostgreSQL: a backup set restored
into a fresh database and an empty media folder has the same reports, the same text and the
same attachment bytes; retention keeps the newest sets; restoring over data is refused."""

from __future__ import annotations

import hashlib
import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from reports.models import Report
from reports.services.reports import attachment_add
from tests.factories import MINIMAL_PDF, fill, make_campaign

ROOT = Path(__file__).resolve().parents[1]


def _url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST']}:{s['PORT']}/{name}"


def _run(script: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", f"scripts/{script}", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def restore_target():
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump needs PostgreSQL")
    name = f"restore_{uuid.uuid4().hex[:10]}"
    yield _url(name)
    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_fresh_database_with_the_same_reports_and_files(
    transactional_db, world, settings, tmp_path, restore_target
):
    settings.MEDIA_ROOT = tmp_path / "media"
    campaign = make_campaign(world)
    report = fill(Report.objects.get(campaign=campaign, organization=world.school_a1), world.alice)
    attachment = attachment_add(
        report=report, actor=world.alice, data=MINIMAL_PDF, filename="佐证.pdf", max_bytes=10**6
    )
    backups = tmp_path / "backups"
    env = {
        "DATABASE_URL": _url(connection.settings_dict["NAME"]),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "BACKUP_DIR": str(backups),
        "BACKUP_KEEP": "2",
    }
    for _ in range(3):
        done = _run("backup.sh", **env)
        assert done.returncode == 0, done.stderr
    sets = sorted(backups.iterdir())
    assert len(sets) == 2, "retention keeps the newest BACKUP_KEEP sets"
    latest = Path(done.stdout.strip().splitlines()[-1])
    assert latest == sets[-1]

    restored_media = tmp_path / "restored-media"
    target = {"DATABASE_URL": restore_target, "MEDIA_ROOT": str(restored_media)}
    done = _run("restore.sh", str(latest), **target)
    assert done.returncode == 0, done.stderr

    with psycopg.connect(restore_target) as conn:
        count = conn.execute("SELECT count(*) FROM reports_report").fetchone()[0]
        sections = conn.execute(
            "SELECT sections FROM reports_report WHERE id = %s", [report.pk]
        ).fetchone()[0]
        stored = conn.execute(
            "SELECT file FROM reports_attachment WHERE id = %s", [attachment.pk]
        ).fetchone()[0]
    assert count == Report.objects.count() > 0
    assert sections["achievements"] == report.sections["achievements"]
    restored = (restored_media / stored).read_bytes()
    assert hashlib.sha256(restored).hexdigest() == hashlib.sha256(MINIMAL_PDF).hexdigest()

    again = _run("restore.sh", str(latest), **{**target, "MEDIA_ROOT": str(tmp_path / "empty")})
    assert again.returncode != 0 and "already holds" in again.stderr, "never over live data"


def test_a_damaged_backup_is_refused_before_anything_is_restored(
    transactional_db, tmp_path, restore_target
):
    env = {
        "DATABASE_URL": _url(connection.settings_dict["NAME"]),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "BACKUP_DIR": str(tmp_path / "backups"),
    }
    done = _run("backup.sh", **env)
    assert done.returncode == 0, done.stderr
    latest = Path(done.stdout.strip().splitlines()[-1])
    with (latest / "database.dump").open("ab") as dump:
        dump.write(b"\0")
    refused = _run(
        "restore.sh", str(latest), DATABASE_URL=restore_target, MEDIA_ROOT=str(tmp_path / "out")
    )
    assert refused.returncode != 0 and "FAILED" in refused.stdout + refused.stderr
    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        name = restore_target.rsplit("/", 1)[1]
        created = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    assert created is None
