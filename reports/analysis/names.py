"""套用他校: another school's or county's name left in a report (a text taken from elsewhere).

Plain Python. The caller passes the names to look for (from the organisation tree: every
unit that is neither the school itself nor one of its ancestors); this module finds them.

Decisions:

* Names are matched literally, longest first, and a shorter name inside a longer match is
  not reported again (``白水县第一小学`` is one finding, not also ``白水县``).
* Names shorter than ``MIN_NAME_CHARS`` are ignored: ``一中`` or ``城关`` occur in ordinary
  prose.
* A name in a clause that speaks of working *with* another unit (结对、帮扶、交流、观摩 …) is
  a real mention, not a leftover: real reports name partner schools. Such clauses are
  skipped; the reviewer sees the other findings with their clause as evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["MIN_NAME_CHARS", "OtherName", "find_other_names"]

MIN_NAME_CHARS = 3
#: words that make a mention of another unit legitimate (cooperation, visits, learning)
COOPERATION = (
    "结对",
    "帮扶",
    "联盟",
    "集团",
    "共同体",
    "交流",
    "观摩",
    "学习",
    "考察",
    "送教",
    "共建",
    "联合",
    "合作",
    "协作",
    "片区",
    "兄弟",
    "借鉴",
)
_CLAUSE_END = re.compile(r"[。；;！!？?\n，,]")


@dataclass(frozen=True, slots=True)
class OtherName:
    """``text[start:end]`` is ``name``, a unit the report should not speak as."""

    start: int
    end: int
    name: str
    clause: str


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    right = _CLAUSE_END.search(text, end)
    return left, right.end() if right else len(text)


def find_other_names(text: str, names: Iterable[str], limit: int = 50) -> list[OtherName]:
    """Every occurrence of one of ``names`` in ``text`` outside a cooperation clause."""
    wanted = sorted(
        {n.strip() for n in names if n and len(n.strip()) >= MIN_NAME_CHARS},
        key=lambda n: (-len(n), n),
    )
    taken: list[tuple[int, int]] = []
    found: list[OtherName] = []
    for name in wanted:
        at = text.find(name)
        while at != -1 and len(found) < limit:
            end = at + len(name)
            if not any(s <= at and end <= e for s, e in taken):
                taken.append((at, end))
                left, right = _clause(text, at, end)
                clause = text[left:right]
                if not any(word in clause for word in COOPERATION):
                    found.append(OtherName(at, end, name, clause.strip()))
            at = text.find(name, end)
    return sorted(found, key=lambda f: f.start)
