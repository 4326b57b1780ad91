"""Reads. The org-tree scoping of every listing lives here, once.

``units_visible_to`` answers "which units may this user see": the unit of the user's
membership and its whole subtree, never a sibling or an ancestor. ``scope_to_user``
applies the same rule to any queryset of org-owned rows.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Case, F, IntegerField, Model, Q, QuerySet, Value, When
from django.db.models.functions import StrIndex

from reports.choices import CampaignStatus, OrgKind, RectificationStatus, Role
from reports.models import (
    AuditEvent,
    Campaign,
    Membership,
    Organization,
    RectificationItem,
    Report,
    User,
)

M = TypeVar("M", bound=Model)


def user_unit(user: User) -> Organization | None:
    membership = _membership(user)
    return membership.organization if membership else None


def user_role(user: User) -> str | None:
    membership = _membership(user)
    return membership.role if membership else None


def _membership(user: User) -> Membership | None:
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_membership_cache", False)
    if cached is False:
        cached = Membership.objects.select_related("organization").filter(user=user).first()
        user._membership_cache = cached
    return cached


def scope_to_user(queryset: QuerySet[M], user: User, *, via: str = "") -> QuerySet[M]:
    """Restrict ``queryset`` to rows whose unit lies in the user's subtree.

    ``via`` is the lookup from the row to its ``Organization`` ("" when the queryset is
    of organizations, "organization" for a report, "report__organization", …).
    Superusers (operators) see everything; a user without a membership sees nothing.
    """
    if user.is_authenticated and user.is_superuser:
        return queryset
    unit = user_unit(user)
    if unit is None:
        return queryset.none()
    lookup = f"{via}__path__startswith" if via else "path__startswith"
    return queryset.filter(**{lookup: unit.path})


def county_of(unit: Organization) -> Organization | None:
    """The 县(区) a unit lies in (the unit itself for a county): the deepest county among
    the primary keys of its path. One query on at most the path's few primary keys; None
    for a unit above or outside every county."""
    ids = [int(pk) for pk in unit.path.strip("/").split("/") if pk]
    return Organization.objects.filter(pk__in=ids, kind=OrgKind.COUNTY).order_by("-depth").first()


def units_visible_to(user: User) -> QuerySet[Organization]:
    return scope_to_user(Organization.objects.all(), user)


def can_see_unit(user: User, unit: Organization) -> bool:
    if user.is_superuser:
        return True
    own = user_unit(user)
    return own is not None and unit.path.startswith(own.path)


def has_role(user: User, *roles: str) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    return user_role(user) in roles


def is_bureau_staff(user: User) -> bool:
    """Reviewers, supervisors and admins: anyone who looks at units other than their own."""
    return has_role(user, Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN)


def can_read_audit_log(user: User) -> bool:
    """Separation of duties (三员): only the 审计员 role reads and exports the audit log —
    not admins, who administer units and accounts. Superusers (the operators who own the
    Django admin and the server) keep it."""
    return user.is_authenticated and (user.is_superuser or user_role(user) == Role.AUDITOR)


def audit_events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """The rows an auditor may read: those of their unit's subtree; an auditor at a root
    unit (no parent: the province) also reads rows tied to no unit (failed logins of
    unknown usernames, operator actions). Anyone else: nothing."""
    events = AuditEvent.objects.select_related("actor", "organization")
    if user.is_authenticated and user.is_superuser:
        return events
    unit = user_unit(user) if can_read_audit_log(user) else None
    if unit is None:
        return events.none()
    mine = Q(organization__path__startswith=unit.path)
    if unit.parent_id is None:
        mine |= Q(organization__isnull=True)
    return events.filter(mine)


def campaigns_visible_to(user: User):
    """Campaigns whose target subtree meets the user's: issued above and covering the user's
    unit, or aimed at units below it. Drafts are only seen by staff of the issuing unit's tree.
    """

    campaigns = Campaign.objects.select_related("issuer", "target_unit")
    if user.is_superuser:
        return campaigns
    unit = user_unit(user)
    if unit is None:
        return campaigns.none()
    covering = campaigns.annotate(covers=StrIndex(Value(unit.path), F("target_unit__path"))).filter(
        covers=1
    )
    below = Q(target_unit__path__startswith=unit.path)
    visible = campaigns.filter(Q(pk__in=covering.values("pk")) | below)
    return visible.exclude(Q(status=CampaignStatus.DRAFT) & ~Q(issuer__path__startswith=unit.path))


def reports_visible_to(user: User):

    return scope_to_user(
        Report.objects.select_related("campaign", "organization"), user, via="organization"
    )


def school_tasks(user: User):
    """The school's reports in published or closed campaigns: open tasks first, then by
    deadline (soonest first), closed tasks after them, latest first."""

    unit = user_unit(user)
    if unit is None or not unit.is_school:
        return []
    return (
        reports_visible_to(user)
        .filter(organization=unit)
        .exclude(campaign__status=CampaignStatus.DRAFT)
        .annotate(
            closed=Case(
                When(campaign__status=CampaignStatus.CLOSED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("closed", "campaign__deadline")
    )


def previous_report(report):
    """The same school's report of the latest earlier campaign it submitted."""

    return (
        Report.objects.filter(organization_id=report.organization_id, version__gt=0)
        .exclude(pk=report.pk)
        .filter(campaign__deadline__lt=report.campaign.deadline)
        .select_related("campaign")
        .order_by("-campaign__deadline")
        .first()
    )


def rectifications_for_report(report):
    """This report's items plus the school's items still open from earlier campaigns."""

    still_open = Q(status__in=[RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS])
    return (
        RectificationItem.objects.filter(organization_id=report.organization_id)
        .filter(
            Q(report=report)
            | (still_open & Q(report__campaign__deadline__lt=report.campaign.deadline))
        )
        .select_related("report__campaign")
        .order_by("report__campaign__deadline", "pk")
    )


def school_rectifications(user):
    """The items of the user's own school, open first, with their history (for its page)."""
    unit = user_unit(user)
    if unit is None or not unit.is_school:
        return RectificationItem.objects.none()
    return (
        RectificationItem.objects.filter(organization=unit)
        .select_related("report__campaign")
        .prefetch_related("events__actor")
        .order_by(
            Case(
                When(status=RectificationStatus.VERIFIED, then=1),
                default=0,
                output_field=IntegerField(),
            ),
            F("due_date").asc(nulls_last=True),
            "pk",
        )
    )
