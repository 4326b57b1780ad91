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

**Hashing yields to everything else.** ``PolitePBKDF2PasswordHasher`` is Django's PBKDF2
hasher (same algorithm name, same iterations, the same hash byte for byte) whose key
derivation runs in one of this process's ``LOGIN_HASH_CONCURRENCY`` hashing threads, each
running at CPU niceness ``LOGIN_HASH_NICE`` (Linux sets niceness per thread; hashlib's
PBKDF2 releases the GIL). When logins and other requests want the cores at the same moment,
the kernel serves the other requests first and the logins with what is left; alone, a login
hashes at full speed. A thread cannot lower its niceness again, so the hashing threads are
dedicated to it and request threads never change theirs.

**The same hash, computed by a faster OpenSSL.** Django derives the key with
``hashlib.pbkdf2_hmac``: the OpenSSL this Python was built against (3.0 on Debian 12), whose
PBKDF2 pays its provider layer on each of the 1,000,000 HMAC rounds: 230 ms of CPU here.
``cryptography`` (pinned; pdfminer.six needs it anyway) ships a current OpenSSL in its
wheel, whose PBKDF2 gives the same bytes in 120 ms (``benchmarks/RESULTS.md``, "The same
hash in half the CPU"). The algorithm, the iterations, the salt and the stored hash are
unchanged — a guessing attacker's cost is exactly what it was, only the server pays less —
and it releases the GIL as hashlib does. Any other digest goes through Django's ``pbkdf2``.
"""

from __future__ import annotations

import base64
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.http import HttpRequest
from django.utils.crypto import pbkdf2
from django.utils.encoding import force_bytes

_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}
_pools: dict[tuple[int, int], ThreadPoolExecutor] = {}


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


def _lower_priority(nice: int) -> None:
    """Run the calling thread at niceness ``nice`` (this thread only, on Linux)."""
    if nice > 0 and hasattr(os, "setpriority"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
        except OSError:  # not permitted here: hash at normal priority
            pass


def _hashing_pool() -> ThreadPoolExecutor:
    size = max(1, int(settings.LOGIN_HASH_CONCURRENCY))
    nice = max(0, int(settings.LOGIN_HASH_NICE))
    with _lock:
        pool = _pools.get((size, nice))
        if pool is None:
            pool = ThreadPoolExecutor(
                size,
                thread_name_prefix="password-hash",
                initializer=_lower_priority,
                initargs=(nice,),
            )
            _pools[(size, nice)] = pool
        return pool


def derive(password: str, salt: str, iterations: int, digest=None) -> bytes:
    """PBKDF2-HMAC of ``password`` and ``salt``: Django's ``pbkdf2`` byte for byte (module
    docstring), SHA-256 through ``cryptography``'s OpenSSL."""
    if digest is not None and digest().name != "sha256":
        return pbkdf2(password, salt, iterations, digest=digest)
    kdf = PBKDF2HMAC(hashes.SHA256(), length=32, salt=force_bytes(salt), iterations=iterations)
    return kdf.derive(force_bytes(password))


class PolitePBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2 hasher, its key derivation run in a low-priority hashing thread."""

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        self._check_encode_args(password, salt)
        iterations = iterations or self.iterations
        task = _hashing_pool().submit(derive, password, salt, iterations, digest=self.digest)
        digest = base64.b64encode(task.result()).decode("ascii").strip()
        return f"{self.algorithm}${iterations}${salt}${digest}"
