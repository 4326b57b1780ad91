"""Domain models, one module per area. Writes go through ``reports.workflow`` and
``reports.services``; reads through ``reports.selectors``.

Every model is re-exported here: ``from reports.models import Report`` is how the rest of the
project imports them, and the migrations name callables as ``reports.models.<name>``.
"""

from reports.models.accounts import Membership, Organization, User
from reports.models.analysis import (
    AnalysisResult,
    ChromeLine,
    CopyKey,
    CopySource,
    IndexedVersion,
    ReferenceText,
)
from reports.models.campaigns import (
    Campaign,
    ChecklistItemDefinition,
    IndicatorDefinition,
    default_sections,
)
from reports.models.operations import (
    AuditEvent,
    ExportJob,
    ImportJob,
    Notification,
    ReminderSent,
)
from reports.models.rectification import RectificationEvent, evidence_path
from reports.models.reports import (
    ApprovalBatch,
    Attachment,
    RectificationItem,
    Report,
    ReportVersion,
    ReviewAction,
    attachment_path,
    join_sections,
)

__all__ = [
    "AnalysisResult",
    "CopySource",
    "ApprovalBatch",
    "Attachment",
    "AuditEvent",
    "Campaign",
    "ChecklistItemDefinition",
    "ChromeLine",
    "CopyKey",
    "ExportJob",
    "ImportJob",
    "IndexedVersion",
    "IndicatorDefinition",
    "Membership",
    "Notification",
    "Organization",
    "RectificationEvent",
    "RectificationItem",
    "ReferenceText",
    "ReminderSent",
    "Report",
    "ReportVersion",
    "ReviewAction",
    "User",
    "attachment_path",
    "default_sections",
    "evidence_path",
    "join_sections",
]
