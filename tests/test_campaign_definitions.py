"""``reports.definitions``: a campaign's indicators and checklist items are read once per
process, and every change made through the ORM (the task form, the admin) is seen by the
next request, in any process, because it moves the campaign's ``definitions_changed_at``."""

from reports.definitions import campaign_definitions
from reports.models import Campaign, ChecklistItemDefinition, IndicatorDefinition
from tests.factories import CHECKLIST, INDICATORS, make_campaign


def _read(campaign: Campaign) -> tuple[list[str], list[str]]:
    """What a new request sees: the campaign row read again, then its definitions."""
    found = campaign_definitions(Campaign.objects.get(pk=campaign.pk))
    return [d.code for d in found.indicators], [i.code for i in found.checklist_items]


def test_a_current_campaign_row_costs_no_query(world, django_assert_num_queries):
    campaign = make_campaign(world)
    row = Campaign.objects.get(pk=campaign.pk)
    first = campaign_definitions(row)
    with django_assert_num_queries(0):
        again = campaign_definitions(row)
    assert again is first


def test_adding_and_removing_from_either_side_is_seen(world):
    campaign = make_campaign(world)
    indicators, checklist = _read(campaign)
    assert sorted(indicators) == sorted(INDICATORS) and sorted(checklist) == sorted(CHECKLIST)
    campaign.indicators.remove(IndicatorDefinition.objects.get(code="enrolment"))
    assert "enrolment" not in _read(campaign)[0]
    IndicatorDefinition.objects.get(code="enrolment").campaign_set.add(campaign)
    assert "enrolment" in _read(campaign)[0]
    ChecklistItemDefinition.objects.get(code="as_every_day").campaign_set.clear()
    assert _read(campaign)[1] == ["hw_no_grade12"]
    campaign.checklist_items.clear()
    assert _read(campaign)[1] == []


def test_a_catalogue_edit_or_deletion_is_seen_by_the_campaigns_using_it(world):
    campaign = make_campaign(world)
    other = make_campaign(world, title="另一个任务")
    other.indicators.set([])
    other.checklist_items.set([])
    untouched = Campaign.objects.get(pk=other.pk).definitions_changed_at
    _read(campaign)
    definition = IndicatorDefinition.objects.get(code="homework_grade36")
    definition.label = "改过的名称"
    definition.save()
    found = campaign_definitions(Campaign.objects.get(pk=campaign.pk))
    assert "改过的名称" in [d.label for d in found.indicators]
    ChecklistItemDefinition.objects.get(code="hw_no_grade12").delete()
    assert _read(campaign)[1] == ["as_every_day"]
    assert Campaign.objects.get(pk=other.pk).definitions_changed_at == untouched
