"""Dashboard reads: campaign progress, timeliness, indicators, checklist and flags, in SQL.

The package's public names, gathered here so the views, the exports and the API read one
module (``from reports.dashboards import queries``). Each submodule's docstring says what it
counts; ``base`` holds the definitions every page and export shares.
"""

from reports.dashboards.queries.base import (
    COPIED_SHARE_HIGH,
    FLAGGED,
    STATE_COLUMNS,
    approved_at_subquery,
    children_of,
    current_analysis_subquery,
    scoped_reports,
)
from reports.dashboards.queries.checklist import ANSWERS, checklist_counts, checklist_items
from reports.dashboards.queries.flags import FLAG_COLUMNS, flag_overview
from reports.dashboards.queries.indicators import (
    IndicatorStat,
    indicator_averages_by_child,
    indicator_stats,
    number_indicators,
    previous_campaign,
)
from reports.dashboards.queries.progress import (
    ChildRow,
    attention,
    progress,
    progress_by_groups,
    progress_by_units,
    state_label,
    timeliness,
)
from reports.dashboards.queries.scan import dashboard_pass

__all__ = [
    "ANSWERS",
    "COPIED_SHARE_HIGH",
    "FLAGGED",
    "FLAG_COLUMNS",
    "STATE_COLUMNS",
    "ChildRow",
    "IndicatorStat",
    "approved_at_subquery",
    "attention",
    "checklist_counts",
    "checklist_items",
    "children_of",
    "current_analysis_subquery",
    "dashboard_pass",
    "flag_overview",
    "indicator_averages_by_child",
    "indicator_stats",
    "number_indicators",
    "previous_campaign",
    "progress",
    "progress_by_groups",
    "progress_by_units",
    "scoped_reports",
    "state_label",
    "timeliness",
]
