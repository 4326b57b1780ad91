"""Indicator values: parsing what a school typed, bounds, and consistency between fields.

Values are stored in ``Report.indicator_values`` as JSON: numbers as numbers, times as
"HH:MM", yes/no as booleans, blank as absent. Every message is Chinese and names the field.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from reports.models import ChecklistItemDefinition, IndicatorDefinition, Organization

_Scoped = TypeVar("_Scoped", IndicatorDefinition, ChecklistItemDefinition)

TIME_RE = re.compile(r"^\s*([01]?\d|2[0-3])\s*[:：]\s*([0-5]\d)\s*$")
RATE_TOLERANCE = 1.0  # percentage points: "a rate that matches its count and base within rounding"
# No indicator counts past a billion (the catalogue's largest bound is 100,000): anything
# larger is a typo or an attack, and huge values overflow the dashboards' float arithmetic.
MAX_MAGNITUDE = 1e9
# A value this long is not a number anyone typed; it is not kept as typed either.
MAX_RAW_CHARS = 100


def applicable(definitions: Iterable[_Scoped], organization: Organization) -> list[_Scoped]:
    """The indicators — or checklist items — asked of this unit (学段, 寄宿): one rule,
    ``applies_to_school``, for the form, validation, the review page and exports."""
    return [d for d in definitions if d.applies_to(organization)]


def parse_value(definition: IndicatorDefinition, raw: Any) -> tuple[Any, str | None]:
    """Turn what was typed into the stored value, or return a Chinese error.

    Full-width digits and punctuation (“１．５”, “６０％”, “１７：３０”) are read as their
    ASCII forms (NFKC). Never returns NaN, an infinity or a magnitude past ``MAX_MAGNITUDE``:
    PostgreSQL refuses NaN in JSON, and no indicator is that large.
    """
    if isinstance(raw, str):
        raw = unicodedata.normalize("NFKC", raw).replace("\x00", "")
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None, None
    if isinstance(raw, str) and len(raw) > MAX_RAW_CHARS:
        return None, f"内容过长（{len(raw)} 个字符），请只填写数值"
    if definition.kind == "yesno":
        if isinstance(raw, bool):
            return raw, None
        text = str(raw).strip().lower()
        if text in ("yes", "true", "1", "是"):
            return True, None
        if text in ("no", "false", "0", "否"):
            return False, None
        return None, "请选择“是”或“否”"
    if definition.kind == "time":
        match = TIME_RE.match(str(raw))
        if not match:
            return None, "请按“时:分”填写，如 17:30"
        return f"{int(match.group(1)):02d}:{match.group(2)}", None
    text = str(raw).strip().replace(",", "").replace("，", "").removesuffix("%")
    try:
        value = float(text)
    except (ValueError, OverflowError):
        return None, "请填写数字"
    if not math.isfinite(value):
        return None, "请输入有限的数字"
    if abs(value) > MAX_MAGNITUDE:
        return None, "数值过大，请核对（不能超过 10 亿）"
    if definition.integer and not value.is_integer():
        return None, "请填写整数"
    return (int(value) if value.is_integer() else round(value, 2)), None


def bound_error(definition: IndicatorDefinition, value: Any) -> str | None:
    if definition.kind != "number" or value is None:
        return None
    unit = definition.unit
    if definition.min_value is not None and value < definition.min_value:
        return f"不能小于 {definition.min_value:g}{unit}"
    if definition.max_value is not None and value > definition.max_value:
        return f"不能大于 {definition.max_value:g}{unit}"
    return None


def consistency_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """Checks across fields (docs/architecture.md, "Indicators"), keyed by the field the
    message belongs to."""
    errors: dict[str, str] = {}
    students, enrolment = values.get("after_school_students"), values.get("enrolment")
    rate = values.get("after_school_rate")
    if students is not None and enrolment is not None:
        if students > enrolment:
            errors["after_school_students"] = (
                f"参加课后服务学生数（{students}）不能超过在校学生数（{enrolment}）"
            )
        elif rate is not None and enrolment > 0:
            expected = students / enrolment * 100
            if abs(expected - rate) > RATE_TOLERANCE:
                errors["after_school_rate"] = (
                    f"参与率应约为 {expected:.1f}%（{students}÷{enrolment}），与填写的 {rate}% 不符"
                )
    for this, last, label in (
        ("docs_this_year", "docs_last_year", "发文"),
        ("meetings_this_year", "meetings_last_year", "会议"),
    ):
        if values.get(this) is not None and values.get(last) is None:
            errors[last] = f"填写了本年度{label}数，请同时填写上年度数，以便计算压减比例"
    return errors


def computed_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values the system derives instead of asking (数据一次采集多次使用)."""
    derived: dict[str, Any] = {}
    students, enrolment = values.get("after_school_students"), values.get("enrolment")
    if values.get("after_school_rate") is None and students is not None and enrolment:
        derived["after_school_rate"] = round(students / enrolment * 100, 1)
    return derived


def change_rate(this: float | None, last: float | None) -> float | None:
    """Percentage change from ``last`` to ``this`` (negative = cut), None when not computable."""
    if this is None or last in (None, 0):
        return None
    return round((this - last) / last * 100, 1)


def display_value(definition: IndicatorDefinition, value: Any) -> str:
    """A stored value as the school entered it, for every page that shows one: 0 is "0",
    yes/no is 是/否, a number carries its unit ("45 分钟/天"), blank is "—". A value kept as
    typed (not a number) is shown as typed."""
    if value is None or value == "":
        return "—"
    if definition.kind == "yesno":
        parsed, _ = parse_value(definition, value)
        return {True: "是", False: "否"}.get(parsed, str(value))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    number = str(int(value)) if float(value).is_integer() else str(value)
    if definition.unit == "%":
        return f"{number}%"
    return f"{number} {definition.unit}" if definition.unit else number
