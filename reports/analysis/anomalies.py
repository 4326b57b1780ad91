"""数据异常: a form figure that moved far from the school's previous period, or lies far
from the county's other schools.

Plain Python; the caller gathers the figures.

Decisions:

* **Previous period**: a figure that moves by more than ``CHANGE_SHARE`` (half) of the
  previous one is flagged, with both figures. Enrolment, staff and club counts move a few
  per cent a year; homework minutes by a quarter when a school tightens them; a figure
  that doubles or halves is a typing error or a figure from another school. A previous
  figure of 0 is skipped (any change from nothing would be "infinite").
* **County distribution**: a figure whose robust z-score (distance from the median in
  units of 1.4826 × the median absolute deviation) exceeds ``PEER_Z`` is flagged, when at
  least ``MIN_PEERS`` other schools gave the figure. A distribution with no spread (every
  school offers 课后服务 5 days) has a MAD of 0: there the rule cannot say how far is far,
  and stays silent rather than flag every school that differs by one.
* Only numbers: yes/no answers and times of day are not compared.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import median

__all__ = ["CHANGE_SHARE", "MIN_PEERS", "PEER_Z", "Anomaly", "compared_codes", "find_anomalies"]

CHANGE_SHARE = 0.5
PEER_Z = 3.5
MIN_PEERS = 8


@dataclass(frozen=True, slots=True)
class Anomaly:
    """``indicator``'s ``value`` is unusual: ``kind`` "change" (vs ``previous``) or "peers"
    (vs the county's ``median``)."""

    indicator: str
    kind: str
    value: float
    previous: float | None = None
    median: float | None = None
    change: float | None = None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def compared_codes(current: Mapping[str, object]) -> list[str]:
    """The indicators of ``current`` this check compares (its numbers): the only peer
    figures the caller needs to gather."""
    return [code for code, value in current.items() if _number(value) is not None]


def find_anomalies(
    current: Mapping[str, object],
    previous: Mapping[str, object] | None = None,
    peers: Mapping[str, Sequence[object]] | None = None,
) -> list[Anomaly]:
    """The unusual figures of ``current`` (indicator code → value)."""
    found: list[Anomaly] = []
    for code, raw in current.items():
        value = _number(raw)
        if value is None:
            continue
        before = _number((previous or {}).get(code))
        if before:
            change = (value - before) / abs(before)
            if abs(change) > CHANGE_SHARE:
                found.append(Anomaly(code, "change", value, previous=before, change=change))
                continue
        others = [v for v in map(_number, (peers or {}).get(code, ())) if v is not None]
        if len(others) >= MIN_PEERS:
            middle = median(others)
            spread = 1.4826 * median(abs(v - middle) for v in others)
            if spread > 0 and abs(value - middle) / spread > PEER_Z:
                found.append(Anomaly(code, "peers", value, median=middle))
    return found
