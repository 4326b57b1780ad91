"""Unfilled template blanks.

Found (on the folded text, see :mod:`.text`):

* ``xx`` / ``XX`` / ``xxx`` / ``20xx`` / ``20XX`` / ``××`` — two or more, not inside a
  Latin word (``Excel``, ``xxxHub``-like identifiers are left alone);
* a lone ``X``/``x`` in a numeric slot, i.e. right before a counter (``X个月``, ``x次``,
  ``X%``), never after a digit or ``+`` (``1+x``, ``3x3``);
* ``*`` masks of any length, also ``*.*`` and inside words (``学**惯``);
* ``_`` runs: three or more anywhere, shorter runs when they stand in for a word
  (``20_年``, ``推动_和``) but not inside identifiers (``file_name``);
* ``【】``, ``{}``, empty ``()``;
* label lines left empty: ``组长:`` / ``负责人：`` / ``联系电话：`` with nothing after the colon.

``1+x``, ``5+2``, ``6+2`` (programme names) and ``3x3`` are not placeholders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Placeholder", "find_placeholders"]

_COUNTERS = "个次名人所天周年月日项件份节元万%分小时篇条家起户场期门本届课位"
_LABELS = (
    "组长|副组长|组员|成员|负责人|联系人|联系电话|电话|手机|邮箱|填报人|审核人|审核|"
    "填报日期|日期|时间|地点|单位|学校名称|学校|签名|签字|盖章|校长|主任|分管领导|"
    "责任人|经办人|监督电话|举报电话"
)
_SPACED_LABEL = r"(?:[\u4e00-\u9fff][ \t\u3000]*){1,4}[\u4e00-\u9fff]"

_PH_RE = re.compile(
    r"""
      (?<![A-Za-z0-9+])(?:20)?[xX]{2,}(?![A-Za-z])
    | (?:20)?×{2,}
    | (?<![A-Za-z0-9+.])[xX×](?=[ \t]*(?:["""
    + _COUNTERS
    + r"""]))
    | \*+(?:\.\*+)?
    | (?<![A-Za-z0-9_])(?:20)?_+(?![A-Za-z0-9_])
    | _{3,}
    | 【[ \t]*】 | \{[ \t]*\} | \([ \t]*\)
    | (?P<label>(?m:^)[ \t]*"""
    + _SPACED_LABEL
    + r"""[ \t]*:[ \t]*(?m:$))
    """,
    re.VERBOSE,
)
_LABEL_WORDS = re.compile(rf"^(?:{_LABELS})$")
_WS = re.compile(r"[ \t\u3000]+")


@dataclass(frozen=True, slots=True)
class Placeholder:
    """An unfilled blank: ``text == source[start:end]``."""

    text: str
    start: int
    end: int


def find_placeholders(text: str, folded: str) -> list[Placeholder]:
    """All template blanks in ``text`` (``folded`` is ``fold(text)``)."""
    out: list[Placeholder] = []
    for m in _PH_RE.finditer(folded):
        s, e = m.span()
        if m.group("label") is not None:
            raw = folded[s:e]
            label = _WS.sub("", raw).rstrip(":")
            if not _LABEL_WORDS.match(label):
                continue
            # span = the label and its colon, without surrounding blanks
            s += len(raw) - len(raw.lstrip(" \t\u3000"))
            e = s + len(raw.strip(" \t\u3000"))
        out.append(Placeholder(text[s:e], s, e))
    return out
