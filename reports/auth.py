"""Password checks with bounded concurrency, so a burst of logins never starves other pages.

A password check is deliberately expensive (PBKDF2, 1,000,000 iterations: ~0.3 s of CPU). At
8:00 fifty clerks of a county log in within seconds; unbounded, their checks take every core
and every web worker, and autosaves already in progress wait seconds. ``BoundedModelBackend``
lets at most ``LOGIN_HASH_CONCURRENCY`` checks run at once in a web process; the others queue
on the semaphore. With gunicorn's threaded workers (docker-compose.yml: ``--threads``) a
queued login holds a cheap thread, not a worker, and the rest of the process keeps serving.

The hasher itself is unchanged (Django's PBKDF2 default): bounded concurrency, never a
cheaper hash. A user that does not exist costs the same check (Django's timing defence),
inside the same bound.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}


def _semaphore() -> threading.BoundedSemaphore:
    """One semaphore per size, for the whole process (the size is read from settings)."""
    size = max(1, int(settings.LOGIN_HASH_CONCURRENCY))
    with _lock:
        return _slots.setdefault(size, threading.BoundedSemaphore(size))


@contextmanager
def password_check_slot() -> Iterator[float]:
    """Wait for a free slot, then hold it; yields the seconds waited."""
    semaphore = _semaphore()
    started = time.monotonic()
    with semaphore:
        yield time.monotonic() - started


class BoundedModelBackend(ModelBackend):
    """Django's ModelBackend; the password check runs in a bounded slot (module docstring)."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password=None, **kwargs
    ):
        if password is None:
            return None
        with password_check_slot():
            return super().authenticate(request, username=username, password=password, **kwargs)
