"""A campaign's indicators and checklist items, read once per process and campaign.

Every autosave, report page, submission and review page needs them; they change only when
a bureau edits the task or an operator edits the catalogue in the admin. The cache key is
the campaign's pk, ``created_at`` and ``definitions_changed_at``: the campaign row already
comes with the report (``select_related``), so a current entry costs no query, and every
change bumps the timestamp in the database (the receivers below), so every process sees it
on its next read. A change that bypasses the ORM's signals (a raw ``UPDATE``, a data
migration) takes effect once the campaign's timestamp changes or the processes restart.

The cached definitions are shared by every request of the process: read them, never change
them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.utils import timezone

from reports.models import Campaign, ChecklistItemDefinition, IndicatorDefinition

MAX_CAMPAIGNS = 256  # entries kept per process; a handful of campaigns are open at a time


@dataclass(frozen=True)
class CampaignDefinitions:
    indicators: tuple[IndicatorDefinition, ...]
    checklist_items: tuple[ChecklistItemDefinition, ...]


_cache: dict[int, tuple[tuple[Any, ...], CampaignDefinitions]] = {}
_lock = threading.Lock()


def campaign_definitions(campaign: Campaign) -> CampaignDefinitions:
    """The campaign's indicators and checklist items, each in the catalogue's order."""
    key = (campaign.created_at, campaign.definitions_changed_at)
    entry = _cache.get(campaign.pk)
    if entry is not None and entry[0] == key:
        return entry[1]
    found = CampaignDefinitions(
        indicators=tuple(campaign.indicators.all()),
        checklist_items=tuple(campaign.checklist_items.all()),
    )
    with _lock:
        if len(_cache) >= MAX_CAMPAIGNS:
            _cache.clear()
        _cache[campaign.pk] = (key, found)
    return found


def campaign_indicators(campaign: Campaign) -> tuple[IndicatorDefinition, ...]:
    return campaign_definitions(campaign).indicators


def campaign_checklist_items(campaign: Campaign) -> tuple[ChecklistItemDefinition, ...]:
    return campaign_definitions(campaign).checklist_items


def definitions_touch(campaigns: Any) -> None:
    """Mark the definitions of ``campaigns`` (a queryset or ids) changed."""
    ids = campaigns if isinstance(campaigns, list | set | tuple) else list(campaigns)
    if ids:
        Campaign.objects.filter(pk__in=ids).update(definitions_changed_at=timezone.now())


def on_campaign_m2m_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """``campaign.indicators`` / ``checklist_items`` changed, from either side."""
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if not reverse:  # instance is the campaign
        if action != "pre_clear":
            instance.definitions_changed_at = timezone.now()
            Campaign.objects.filter(pk=instance.pk).update(
                definitions_changed_at=instance.definitions_changed_at
            )
        return
    if action == "pre_clear":  # the definition leaves every campaign: touch them first
        definitions_touch(_campaigns_using(instance))
    elif action != "post_clear":
        definitions_touch(list(pk_set or ()))


def on_definition_changed(sender, instance, **kwargs) -> None:
    """A catalogue entry edited (``post_save``) or deleted (``pre_delete``)."""
    if instance.pk is not None:
        definitions_touch(_campaigns_using(instance))


def _campaigns_using(definition: IndicatorDefinition | ChecklistItemDefinition) -> list[int]:
    lookup = "indicators" if isinstance(definition, IndicatorDefinition) else "checklist_items"
    return list(Campaign.objects.filter(**{lookup: definition}).values_list("pk", flat=True))


def connect_receivers() -> None:
    """Connected in ``ReportsConfig.ready``."""
    for field in ("indicators", "checklist_items"):
        m2m_changed.connect(
            on_campaign_m2m_changed,
            sender=getattr(Campaign, field).through,
            dispatch_uid=f"reports.definitions.{field}",
        )
    for model in (IndicatorDefinition, ChecklistItemDefinition):
        for name, signal in (("saved", post_save), ("deleted", pre_delete)):
            signal.connect(
                on_definition_changed,
                sender=model,
                dispatch_uid=f"reports.definitions.{model.__name__}.{name}",
            )
