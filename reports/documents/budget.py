"""The budget of one extraction: characters and CPU time, and a CPU timer for code that
cannot be stopped from outside (pdfminer)."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from reports.documents import limits
from reports.documents.errors import MSG_TOO_SLOW, DocumentError, msg_too_long
from reports.documents.limits import MAX_IMPORT_CHARS


class Budget:
    """Characters and CPU time spent on one extraction; raises when either runs out.

    CPU time of the current thread (:func:`time.thread_time`) is used, not wall time, so
    a busy server does not make an honest file fail, while a file that costs more than
    :data:`~reports.documents.limits.IMPORT_CPU_SECONDS` of the worker's own work is stopped.
    """

    def __init__(self, max_chars: int = MAX_IMPORT_CHARS) -> None:
        self.max_chars = max_chars
        self.chars = 0
        self.deadline = time.thread_time() + limits.IMPORT_CPU_SECONDS

    def add(self, count: int) -> None:
        self.chars += count
        if self.chars > self.max_chars:
            raise DocumentError(msg_too_long())
        self.tick()

    def tick(self) -> None:
        if time.thread_time() > self.deadline:
            raise DocumentError(MSG_TOO_SLOW)


class OutOfTime(BaseException):
    """Raised by the CPU timer; a BaseException so pdfminer's ``except Exception`` lets it by."""


@contextmanager
def cpu_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` of process CPU time (``ITIMER_VIRTUAL``).

    pdfminer cannot be stopped from outside between pages: one hostile page (a few
    thousand overlapping text objects, 120 KB) costs it 15 s of layout analysis.  The
    timer's signal raises :class:`OutOfTime` in the middle of it.  Signals are only
    delivered to the main thread, which is where gunicorn's sync workers (this project's
    deployment) and Celery's prefork workers run requests; in a threaded server the block
    runs without the timer and only the per-page checks of :class:`Budget` apply.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise OutOfTime

    previous = signal.signal(signal.SIGVTALRM, interrupt)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)
