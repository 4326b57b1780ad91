"""The production commands, read from ``docker-compose.yml`` and the ``Dockerfile``.

``scripts/prod.sh`` evaluates this script's output (bash array assignments), so the
processes it starts outside Docker are the ones Docker would start and the two cannot
drift. Only what differs on a bare machine is substituted, nothing else:

* the program: ``python``, ``gunicorn`` and ``celery`` are the virtualenv's;
* gunicorn's ``--bind``: ``$BIND`` (default ``127.0.0.1:8000``, the address compose
  publishes: only the TLS proxy on this host reaches gunicorn);
* beat's ``--schedule=`` file: ``$BEAT_SCHEDULE`` (default ``var/celerybeat-schedule``; the
  container's ``/tmp`` is private, a shared machine's is not).

Output: ``COLLECTSTATIC``, ``MIGRATE``, ``WEB``, ``WORKER`` and ``BEAT``.
Usage: ``python scripts/compose_commands.py [--compose FILE] [--dockerfile FILE]``.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _program(argv: list[str]) -> list[str]:
    if argv[:2] == ["nice", "-n"]:  # a lower CPU priority, then the program itself
        return [*argv[:3], *_program(argv[3:])]
    head = argv[0]
    if head == "python":
        return [sys.executable, *argv[1:]]
    if head in ("gunicorn", "celery"):
        return [str(BIN / head), *argv[1:]]
    return argv


def _substitute(argv: list[str], bind: str, schedule: str) -> list[str]:
    out: list[str] = []
    for index, word in enumerate(argv):
        if index > 0 and argv[index - 1] == "--bind":
            word = bind
        elif word.startswith("--bind="):
            word = f"--bind={bind}"
        elif word.startswith("--schedule="):
            word = f"--schedule={schedule}"
        out.append(word)
    return _program(out)


def _as_argv(command: str | list[str]) -> list[list[str]]:
    """A compose ``command:``: a list, or a string (``sh -c "a && b"`` → two commands)."""
    if isinstance(command, list):
        return [list(command)]
    words = shlex.split(command)
    if words[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in words[2].split("&&")]
    return [words]


def commands(compose: Path, dockerfile: Path, bind: str, schedule: str) -> dict[str, list[str]]:
    services = yaml.safe_load(compose.read_text(encoding="utf-8"))["services"]
    web = [_substitute(a, bind, schedule) for a in _as_argv(services["web"]["command"])]
    migrate = [a for a in web if "migrate" in a]
    server = [a for a in web if "migrate" not in a]
    if len(migrate) != 1 or len(server) != 1:
        raise SystemExit(f"{compose}: web's command is not 'migrate && server'")
    found = re.search(r"python manage\.py collectstatic[^&\\\n]*", dockerfile.read_text())
    if found is None:
        raise SystemExit(f"{dockerfile}: no collectstatic command")
    return {
        "COLLECTSTATIC": _program(shlex.split(found.group(0))),
        "MIGRATE": migrate[0],
        "WEB": server[0],
        "WORKER": _substitute(_as_argv(services["worker"]["command"])[0], bind, schedule),
        "BEAT": _substitute(_as_argv(services["beat"]["command"])[0], bind, schedule),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compose", type=Path, default=ROOT / "docker-compose.yml")
    parser.add_argument("--dockerfile", type=Path, default=ROOT / "Dockerfile")
    args = parser.parse_args()
    bind = os.environ.get("BIND", "127.0.0.1:8000")
    schedule = os.environ.get("BEAT_SCHEDULE", str(ROOT / "var" / "celerybeat-schedule"))
    for name, argv in commands(args.compose, args.dockerfile, bind, schedule).items():
        print(f"{name}=({shlex.join(argv)})")


if __name__ == "__main__":
    main()
