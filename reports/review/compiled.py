"""SQL compiled once per process for each distinct input, run fresh on every request.

The review queue is the reviewers' busiest page, and under load its latency follows its own
CPU (issue 17). Building and compiling its queries through the ORM cost more CPU than
PostgreSQL spends answering them: the state counts are eleven filtered aggregates over the
current analysis's flags, the page query joins, annotates and sorts (together ~6 ms a
request, against ~1 ms in PostgreSQL). Their SQL is a function of a few inputs only: the
user's scope, the campaign, whether its deadline has passed, the filters, the sort and the
page. So the SQL of each distinct input is kept per process and run again; the rows
themselves are read fresh every time. Nothing is shared between processes.

The rule that keeps this correct: **the key holds every input the builder reads**. A
builder gets its values from the key (the user only through the scope's own inputs, which
``scope_key`` lists). A query whose parameters hold a moment in time (``now``) is never kept:
its SQL would go stale, so a condition added later that compares with the clock makes that
query compiled per request again instead of wrong. That check needs PostgreSQL, where such a
parameter stays a ``datetime`` (SQLite gets text), so on another database (``make run``)
nothing is kept.
"""

from __future__ import annotations

import datetime
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import QuerySet

from reports.models import User
from reports.selectors import user_role, user_unit


def scope_key(user: User) -> tuple:
    """What ``reports.selectors`` scoping reads of ``user``: the account, superuser or not,
    its membership's role and unit (the unit's path is the subtree)."""
    unit = user_unit(user)
    return (
        user.pk,
        user.is_superuser,
        user_role(user),
        unit.pk if unit else None,
        unit.path if unit else None,
    )


class CompiledQueries:
    """At most ``size`` compiled queries (least recently used dropped), safe across threads."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._sql: OrderedDict[Hashable, tuple] = OrderedDict()
        self._lock = threading.Lock()

    def rows(self, key: Hashable, build: Callable[[], QuerySet]) -> list[tuple]:
        """The rows of ``build()`` (a ``values_list`` queryset), as Django would give them
        (its converters applied: JSON decoded, SQLite's dates parsed)."""
        entry = self._get(key)
        if entry is None:
            queryset = build()
            compiler = queryset.query.get_compiler(queryset.db)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                sql, params, columns = "", (), ()
            else:  # the selected expressions, as SQLCompiler.results_iter reads them
                columns = tuple(s[0] for s in compiler.select[: compiler.col_count])
            entry = self._put(key, sql, tuple(params), columns, queryset.db)
        sql, params, columns, using = entry
        if not sql:
            return []
        db = connections[using]
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        converters = [
            (position, convert, column)
            for position, column in enumerate(columns)
            if (convert := db.ops.get_db_converters(column) + column.get_db_converters(db))
        ]
        if not converters:
            return rows
        return [_converted(row, converters, db) for row in rows]

    def aggregate(self, key: Hashable, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """``build()`` (a call of ``QuerySet.aggregate``), run as the SQL it ran before."""
        entry = self._get(key)
        if entry is not None:
            sql, params, names = entry
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return dict(zip(names, cursor.fetchone(), strict=True))
        seen: list[tuple[str, tuple]] = []

        def capture(execute, sql, params, many, context):
            seen.append((sql, tuple(params or ())))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(capture):
            result = build()
        if len(seen) == 1:  # none when Django answered without asking (an empty queryset)
            self._put(key, *seen[0], tuple(result))
        return result

    def clear(self) -> None:
        with self._lock:
            self._sql.clear()

    def __len__(self) -> int:
        return len(self._sql)

    def _get(self, key: Hashable) -> tuple | None:
        with self._lock:
            entry = self._sql.get(key)
            if entry is not None:
                self._sql.move_to_end(key)
            return entry

    def _put(self, key: Hashable, sql: str, params: tuple, *extra: Any) -> tuple:
        entry = (sql, params, *extra)
        if connection.vendor != "postgresql" or any(
            isinstance(p, datetime.date | datetime.time) for p in params
        ):
            return entry  # see the module's docstring: compiled again next time
        with self._lock:
            self._sql[key] = entry
            self._sql.move_to_end(key)
            while len(self._sql) > self.size:
                self._sql.popitem(last=False)
        return entry


def _converted(row: tuple, converters: list, db) -> tuple:
    """``SQLCompiler.apply_converters`` for one row."""
    values = list(row)
    for position, convert, column in converters:
        value = values[position]
        for converter in convert:
            value = converter(value, column, db)
        values[position] = value
    return tuple(values)
