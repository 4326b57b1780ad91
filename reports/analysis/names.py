"""套用他校: another school's or county's name left in a report (a text taken from elsewhere).

Plain Python. The caller passes the names to look for (from the organisation tree: the
units that are neither the school itself nor one of its ancestors and whose name is one of
``candidate_names(text)`` or odd); this module finds them.

Decisions:

* Names are matched literally, longest first, and a shorter name inside a longer match is
  not reported again (``白水县第一小学`` is one finding, not also ``白水县``).
* Names shorter than ``MIN_NAME_CHARS`` are ignored: ``一中`` or ``城关`` occur in ordinary
  prose.
* A name in a clause that speaks of working *with* another unit (结对、帮扶、交流、观摩 …) is
  a real mention, not a leftover: real reports name partner schools. Such clauses are
  skipped; the reviewer sees the other findings with their clause as evidence.

Finding the names without reading every unit (issue 19: ~200,000 schools nationally).
Two designs were weighed: (a) cut the candidate spans out of the text and look them up in
the database, (b) a per-process automaton over every name, rebuilt when an org-tree stamp
changes. Chosen: **(a)**. Its cost follows the text, not the tree (one indexed query of a
few hundred candidates, ~30 per 1,000 characters on the corpus), nothing can go stale (the
lookup reads the committed tree each time: a unit renamed a second ago is found), no worker
holds 200,000 names in memory or rebuilds them after an import, and no trigger or stamp has
to catch every write path (``bulk_create`` and ``update`` included). (b) would need all of
that, a rebuild in every worker after each change (seconds for 200,000 names, and an
import changes the tree many times), and a pure-Python automaton over 200,000 names holds
hundreds of MB per worker.

* ``candidate_names(text)``: every span of ``MIN_NAME_CHARS``–``MAX_NAME_CHARS`` characters
  that ends in one of ``UNIT_SUFFIXES`` and holds none of ``SEPARATORS``. The suffixes are
  those of real unit names: the sample corpus (保山第九中学, 飞云镇中学, 崖窑小学, 宏伟区第五小学,
  太平镇学区, 余杭区教育局 → 余杭区 …), the units of the demo tree and the divisions that
  name an education office (省, 自治区, 市, 州, 盟, 县, 旗, 区, 镇, 乡, 苏木). Names with
  another ending (城关一中), a separator, or more than ``MAX_NAME_CHARS`` characters are
  "odd" (``is_odd_name``): the caller reads those every time, so a suffix missing here costs
  time, never a finding.
* Offices are looked for by their place name: ``place_name`` drops ``OFFICE_SUFFIXES``
  (白水县教育局 → 白水县); the database stores that form beside the name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "MAX_NAME_CHARS",
    "MIN_NAME_CHARS",
    "OFFICE_SUFFIXES",
    "SEPARATORS",
    "UNIT_SUFFIXES",
    "OtherName",
    "REGULAR_NAME",
    "candidate_names",
    "find_other_names",
    "is_odd_name",
    "place_name",
]

MIN_NAME_CHARS = 3
#: longer names are odd (read every time); the longest real ones are ~20 characters
#: (新疆生产建设兵团第一师阿拉尔市第一中学 is 19)
MAX_NAME_CHARS = 40
#: what real unit names end in (see the module's docstring); order does not matter
UNIT_SUFFIXES = (
    # schools and their parts
    "小学",
    "中学",
    "学校",
    "幼儿园",
    "中心校",
    "完小",
    "附小",
    "附中",
    "教学点",
    "分校",
    "校区",
    "学院",
    "大学",
    "学区",
    "中心",
    "）",
    ")",
    # places, the names of offices (白水县教育局 → 白水县) and of 学区/镇 units
    "省",
    "区",
    "市",
    "州",
    "盟",
    "县",
    "旗",
    "镇",
    "乡",
    "苏木",
)
#: characters no unit name holds: a candidate span never crosses one
SEPARATORS = ' \u3000\t\r\n，。、；：！？,;:!?“”"‘’《》'
#: unit-name suffixes dropped to get the name a text uses (白水县教育局 → 白水县)
OFFICE_SUFFIXES = ("教育和体育局", "教育体育局", "教体局", "教育局", "教育厅")
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


def place_name(name: str) -> str:
    """The name an office goes by in a text (白水县教育局 → 白水县); other names as they are."""
    for suffix in OFFICE_SUFFIXES:
        name = name.removesuffix(suffix)
    return name


#: a name ``candidate_names`` can produce, up to its length: no separator, a unit suffix at
#: the end. One regular expression that Python and PostgreSQL read alike (``\A``, ``\Z``),
#: so the database's odd names (``reports.models.accounts.ODD_NAME``) are ``is_odd_name``'s.
REGULAR_NAME = "\\A[^" + SEPARATORS + "]*(" + "|".join(re.escape(s) for s in UNIT_SUFFIXES) + ")\\Z"
_REGULAR = re.compile(REGULAR_NAME)


def is_odd_name(name: str) -> bool:
    """True when ``candidate_names`` cannot produce ``name``: the caller reads it always."""
    return len(name) > MAX_NAME_CHARS or not _REGULAR.search(name)


_BY_LAST: dict[str, tuple[str, ...]] = {}
for _suffix in UNIT_SUFFIXES:
    _BY_LAST[_suffix[-1]] = (*_BY_LAST.get(_suffix[-1], ()), _suffix)
_ENDS = re.compile("[" + re.escape("".join(_BY_LAST)) + "]")
_SEPARATOR = re.compile("[" + re.escape(SEPARATORS) + "]")


def candidate_names(text: str) -> set[str]:
    """Every span of ``text`` that a regular (not odd) unit name could be."""
    found: set[str] = set()
    for m in _ENDS.finditer(text):
        end = m.end()
        ending = [len(s) for s in _BY_LAST[m.group()] if text.endswith(s, 0, end)]
        if not ending:
            continue
        floor = max(0, end - MAX_NAME_CHARS)
        for separator in _SEPARATOR.finditer(text, floor, end):
            floor = separator.end()
        for start in range(floor, end - max(min(ending), MIN_NAME_CHARS) + 1):
            found.add(text[start:end])
    return found


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
