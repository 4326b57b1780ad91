"""The Django admin for operators: 范文库 and tasks show Chinese field names, 录入人 / 创建人 are
read-only, and every 范文库 add, change and delete is in the audit log."""

from django.test import Client

from reports.models import AuditEvent, ReferenceText, User

TEXT = "我校认真贯彻落实双减政策，成立了以校长为组长的工作领导小组。" * 5


def operator_client(db) -> tuple[Client, User]:
    user = User.objects.create_superuser("operator", "op@example.invalid", "Op-Pass-2026!")
    client = Client()
    client.force_login(user)
    return client, user


def test_reference_texts_are_translated_read_only_and_audited(db):
    client, operator = operator_client(db)
    client.post(
        "/django-admin/reports/referencetext/add/",
        {"title": "范文一", "source": "某范文网", "text": TEXT, "active": "on", "created_by": 999},
    )
    reference = ReferenceText.objects.get()
    assert reference.created_by == operator  # the posted created_by is ignored
    listing = client.get("/django-admin/reports/referencetext/").content.decode()
    assert "录入人" in listing and "录入时间" in listing
    assert "Created by" not in listing and "Created at" not in listing
    change = client.get(f"/django-admin/reports/referencetext/{reference.pk}/change/")
    page = change.content.decode()
    assert 'name="created_by"' not in page and "录入人" in page
    client.post(
        f"/django-admin/reports/referencetext/{reference.pk}/change/",
        {"title": "范文一（修订）", "source": "某范文网", "text": TEXT, "active": "on"},
    )
    client.post(f"/django-admin/reports/referencetext/{reference.pk}/delete/", {"post": "yes"})
    assert not ReferenceText.objects.exists()
    rows = list(
        AuditEvent.objects.filter(action__startswith="reference_text")
        .order_by("pk")
        .values_list("action", "target", "actor__username")
    )
    assert rows == [
        ("reference_text_create", "范文一", "operator"),
        ("reference_text_edit", "范文一（修订）", "operator"),
        ("reference_text_delete", "范文一（修订）", "operator"),
    ]


def test_a_task_in_the_admin_shows_its_creator_read_only(world):
    from tests.factories import make_campaign

    campaign = make_campaign(world)
    client, _ = operator_client(None)
    page = client.get(f"/django-admin/reports/campaign/{campaign.pk}/change/").content.decode()
    assert "创建人" in page and "创建时间" in page and 'name="created_by"' not in page
