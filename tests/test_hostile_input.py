"""Hostile input: no value a form or the API can receive costs a 500 or the text sent with it.

The fuzz test reads the field names of every form from the rendered pages (and the query
parameters of every filtering page from the views), posts each hostile value into each
field in turn with the other fields valid, and asserts the answer is not a server error.
Each request runs inside a savepoint rolled back afterwards, so every one starts from the
same state (a submission that succeeds does not hide the next values from the form).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client

from reports.choices import RectificationStatus, Role
from reports.models import Attachment, ExportJob, Notification, RectificationItem, Report
from reports.workflow import report_approve, report_open_review, report_submit
from tests.factories import fill, form_data, make_campaign
from tests.world import make_user

HTMX = {"HTTP_HX_REQUEST": "true"}
INVALID_UTF8 = object()  # stands for the raw bytes %FF%FE%ED%A0%80 (not UTF-8, a surrogate)
LONG = "减" * 300_000  # posted into text areas; other fields get a 10,000-character string
SHORTER = "减" * 10_000

HOSTILE: list[Any] = [
    "nan",
    "inf",
    "-inf",
    "1e400",
    "-0",
    "１．５",
    "²",  # str.isdigit() says yes, int() says no
    "abc",
    "",
    "1.5",
    "9" * 30,
    LONG,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "a\x00b",
    INVALID_UTF8,
]
# One value of each kind, for the endpoints whose parsing another endpoint already gets every
# value through: the report form's other endpoints share the autosave's parser
# (report_form.parse_form), and Django form classes validate their own fields. Keeps the file
# near a minute.
ONE_OF_EACH_KIND: list[Any] = [
    "nan",
    "1e400",
    "１．５",
    "²",
    "abc",
    "",
    "1.5",
    LONG,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "a\x00b",
    INVALID_UTF8,
]
ONE_OF_EACH = {
    "report_save",
    "report_submit",
    "report_save_expired_session",
    "report_import_confirm",
    "campaign_create",
    "review_approve",
    "review_return",
    "review_reopen",
    "export_request",
    "rectification_save",
    "password_change",
    "login",
}


# ---------------------------------------------------------------- reading forms


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    formactions: set[str] = field(default_factory=set)  # buttons posting elsewhere


class FormReader(HTMLParser):
    """Every <form> of a page with its named fields and their current values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.textareas: set[str] = set()
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
            return
        if self.forms and tag in ("button", "input") and a.get("formaction"):
            self.forms[-1].formactions.add(a["formaction"])
        if not self.forms or not a.get("name"):
            return
        name, fields = a["name"], self.forms[-1].fields
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a or name not in fields:
                    fields[name] = a.get("value", "on") if "checked" in a else ""
            elif kind != "file":
                fields[name] = a.get("value", "")
        elif tag == "button":
            fields.setdefault(name, a.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            self.textareas.add(name)
            fields[name] = ""
        elif tag == "select":
            self._select = name
            fields.setdefault(name, "")
        elif tag == "option" and self._select and ("selected" in a or not fields[self._select]):
            fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1].fields[self._textarea] += data


def forms_on(client: Client, url: str, action: str) -> tuple[dict[str, str], set[str]]:
    """The fields of the forms of page ``url`` posting to ``action`` (merged, CSRF aside),
    and which of them are text areas."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    reader = FormReader()
    reader.feed(page.content.decode())
    fields: dict[str, str] = {}
    for form in reader.forms:
        if form.method == "post" and action in (form.action, *form.formactions):
            fields.update(form.fields)
    assert fields, f"no form posting to {action} on {url}"
    fields.pop("csrfmiddlewaretoken", None)
    return fields, reader.textareas & set(fields)


def values_for(
    field_name: str, baseline: str, textareas: set[str], foreign: list[str], values=HOSTILE
):
    """Every hostile value; other units' ids where the field holds an id."""
    for value in values:
        if value is LONG and field_name not in textareas:
            value = SHORTER
        yield value
    if baseline.isdecimal() or field_name in ("item_id", "version_number", "unit", "campaign", "v"):
        yield from foreign


def encode(fields: dict[str, Any]) -> str:
    parts = []
    for name, value in fields.items():
        if value is INVALID_UTF8:
            parts.append(f"{quote(name)}=%FF%FE%ED%A0%80")
        else:
            parts.append(urlencode({name: value}))
    return "&".join(parts)


# ---------------------------------------------------------------- the scene


@dataclass
class Scene:
    world: Any
    draft: Report  # A1's draft (alice), with a rectification item and an attachment
    reviewed: Report  # A2's report under review (rita)
    approved: Report  # A1's report of another campaign, approved (rita may reopen it)
    item: RectificationItem  # A1's item, marked done (rita verifies or sends it back)
    attachment: Attachment
    job: ExportJob
    foreign: list[str]  # ids of other units' objects


@pytest.fixture
def scene(world) -> Scene:
    world.audrey = make_user("audrey", world.province, Role.AUDITOR)  # reads the audit log
    campaign = make_campaign(world)
    draft = Report.objects.get(campaign=campaign, organization=world.school_a1)
    fill(draft, world.alice)
    draft.refresh_from_db()
    item = RectificationItem.objects.create(
        organization=world.school_a1,
        report=draft,
        problem="作业公示不及时",
        status=RectificationStatus.DONE,
        measure="已整改到位",
    )
    attachment = Attachment(
        report=draft, original_name="说明.txt", content_type="text/plain", size=6
    )
    attachment.file.save("说明.txt", ContentFile("说明".encode()), save=False)
    attachment.save()
    reviewed = Report.objects.get(campaign=campaign, organization=world.school_a2)
    fill(reviewed, world.amy)
    report_submit(report_id=reviewed.pk, actor=world.amy)
    report_open_review(report_id=reviewed.pk, reviewer=world.rita)
    other = make_campaign(world, title="上一期", period="2024—2025学年第二学期")
    approved = Report.objects.get(campaign=other, organization=world.school_a1)
    fill(approved, world.alice)
    report_submit(report_id=approved.pk, actor=world.alice)
    report_open_review(report_id=approved.pk, reviewer=world.rita)
    report_approve(report_id=approved.pk, reviewer=world.rita, version_number=1)
    Notification.objects.create(
        user=world.alice, kind="returned", title="通知", body="内容", url="/"
    )
    job = ExportJob.objects.create(
        user=world.rita, kind="csv", campaign=campaign, unit=world.county_a
    )
    return Scene(
        world=world,
        draft=Report.objects.get(pk=draft.pk),
        reviewed=Report.objects.get(pk=reviewed.pk),
        approved=Report.objects.get(pk=approved.pk),
        item=item,
        attachment=attachment,
        job=job,
        foreign=[str(world.school_b1.pk), str(world.county_b.pk), str(reviewed.pk)],
    )


# ---------------------------------------------------------------- the endpoints


@dataclass
class Post:
    """A POST endpoint: who posts, where its form is rendered, where it posts to."""

    user: str | None
    page: Any  # scene → URL of the page holding the form (None: fields given)
    action: Any  # scene → URL posted to
    fields: Any = None  # scene → fields, when no page renders the form
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Get:
    user: str | None
    url: Any
    params: list[str]


def _report_page(s: Scene) -> str:
    return f"/reports/{s.draft.pk}/"


def _import_confirm(s: Scene) -> dict[str, str]:
    fields = {"confirm": "1", "revision": str(s.draft.revision)}
    for section in s.draft.campaign.sections:
        fields[f"section_{section['key']}"] = f"导入的{section['title']}"
    return fields


POSTS: dict[str, Post] = {
    "report_save_htmx": Post(
        "alice", _report_page, lambda s: f"/reports/{s.draft.pk}/save/", headers=HTMX
    ),
    "report_save": Post("alice", _report_page, lambda s: f"/reports/{s.draft.pk}/save/"),
    "report_save_expired_session": Post(
        None,
        None,
        lambda s: f"/reports/{s.draft.pk}/save/",
        fields=lambda s: form_data(s.draft),
        headers=HTMX,
    ),
    "report_submit": Post("alice", _report_page, lambda s: f"/reports/{s.draft.pk}/submit/"),
    "report_copy_forward": Post(
        "alice", None, lambda s: f"/reports/{s.draft.pk}/copy-forward/", fields=lambda s: {}
    ),
    "report_import_confirm": Post(
        "alice", None, lambda s: f"/reports/{s.draft.pk}/import/", fields=_import_confirm
    ),
    "report_import_upload": Post("alice", lambda s: f"/reports/{s.draft.pk}/import/", lambda s: ""),
    "rectification_save": Post(
        "alice", _report_page, lambda s: f"/reports/{s.draft.pk}/rectifications/"
    ),
    "attachment_upload": Post(
        "alice", None, lambda s: f"/reports/{s.draft.pk}/attachments/", fields=lambda s: {}
    ),
    "attachment_delete": Post(
        "alice", _report_page, lambda s: f"/attachments/{s.attachment.pk}/delete/"
    ),
    "campaign_create": Post("ada", lambda s: "/campaigns/new/", lambda s: ""),
    "campaign_delete": Post(
        "ada", None, lambda s: f"/campaigns/{s.draft.campaign_id}/delete/", fields=lambda s: {}
    ),
    "school_rectification_update": Post(
        "alice", lambda s: "/rectifications/", lambda s: f"/rectifications/{s.item.pk}/update/"
    ),
    "campaign_publish": Post(
        "ada", None, lambda s: f"/campaigns/{s.draft.campaign_id}/publish/", fields=lambda s: {}
    ),
    "campaign_close": Post(
        "ada", None, lambda s: f"/campaigns/{s.draft.campaign_id}/close/", fields=lambda s: {}
    ),
    "review_approve": Post(
        "rita",
        lambda s: f"/review/reports/{s.reviewed.pk}/",
        lambda s: f"/review/reports/{s.reviewed.pk}/approve/",
    ),
    "review_return": Post(
        "rita",
        lambda s: f"/review/reports/{s.reviewed.pk}/",
        lambda s: f"/review/reports/{s.reviewed.pk}/return/",
    ),
    "review_reopen": Post(
        "rita",
        lambda s: f"/review/reports/{s.approved.pk}/",
        lambda s: f"/review/reports/{s.approved.pk}/reopen/",
    ),
    "review_reanalyze": Post(
        "rita",
        None,
        lambda s: f"/review/reports/{s.reviewed.pk}/reanalyze/",
        fields=lambda s: {},
    ),
    "rectification_verify": Post(
        "rita",
        lambda s: "/review/rectifications/",
        lambda s: f"/review/rectifications/{s.item.pk}/verify/",
    ),
    "rectification_send_back": Post(
        "rita",
        lambda s: "/review/rectifications/",
        lambda s: f"/review/rectifications/{s.item.pk}/send-back/",
    ),
    "notifications_read_all": Post(
        "alice", None, lambda s: "/review/notifications/read-all/", fields=lambda s: {}
    ),
    "export_request": Post("rita", lambda s: "/dashboard/exports/", lambda s: ""),
    "api_token": Post("rita", lambda s: "/dashboard/api-token/", lambda s: ""),
    "org_import": Post("ada", lambda s: "/orgs/import/", lambda s: ""),
    "login": Post(None, lambda s: "/accounts/login/", lambda s: ""),
    "password_change": Post("alice", lambda s: "/accounts/password_change/", lambda s: ""),
    "password_reset": Post(
        None, None, lambda s: "/accounts/password_reset/", fields=lambda s: {"email": ""}
    ),
}

GETS: dict[str, Get] = {
    "home": Get("alice", lambda s: "/", ["page"]),
    "org_list": Get("rita", lambda s: "/orgs/", ["q", "page"]),
    "audit_log": Get(
        "audrey", lambda s: "/audit/", ["action", "q", "actor", "since", "until", "page"]
    ),
    "audit_export": Get(
        "audrey", lambda s: "/audit/export.xlsx", ["action", "q", "since", "until"]
    ),
    "review_queue": Get(
        "rita",
        lambda s: "/review/",
        ["campaign", "state", "unit", "school_type", "late", "flag", "sort", "page"],
    ),
    "review_report": Get("rita", lambda s: f"/review/reports/{s.reviewed.pk}/", ["v"]),
    "review_overview": Get("rita", lambda s: f"/review/overview/{s.draft.campaign_id}/", ["unit"]),
    "rectification_followup": Get(
        "rita", lambda s: "/review/rectifications/", ["status", "page", "unit"]
    ),
    "notifications": Get("alice", lambda s: "/review/notifications/", ["page"]),
    "dashboard": Get("rita", lambda s: "/dashboard/", ["campaign", "unit"]),
    "export_list": Get("rita", lambda s: "/dashboard/exports/", ["page"]),
    "export_csv": Get("rita", lambda s: "/dashboard/exports/csv/", ["campaign", "unit"]),
    "export_progress": Get("rita", lambda s: f"/dashboard/exports/{s.job.pk}/progress/", ["x"]),
    "api_campaigns": Get("rita", lambda s: "/api/campaigns/", ["page", "page_size", "format"]),
    "api_progress": Get(
        "rita", lambda s: f"/api/campaigns/{s.draft.campaign_id}/progress/", ["unit", "format"]
    ),
    "api_reports": Get(
        "rita", lambda s: f"/api/campaigns/{s.draft.campaign_id}/reports/", ["unit", "page"]
    ),
    "api_flags": Get(
        "rita", lambda s: f"/api/campaigns/{s.draft.campaign_id}/flags/", ["unit", "page"]
    ),
}


def _client(scene: Scene, user: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if user:
        client.force_login(getattr(scene.world, user))
    return client


def _isolated(call):
    """Run ``call`` in a savepoint that is rolled back: each request sees the same state."""
    sid = transaction.savepoint()
    try:
        return call()
    finally:
        transaction.savepoint_rollback(sid)


def _short(value: Any) -> str:
    return "<invalid utf-8>" if value is INVALID_UTF8 else repr(value)[:40]


@pytest.mark.parametrize("name", list(POSTS))
def test_no_post_endpoint_answers_500_to_a_hostile_value(scene, name):
    endpoint = POSTS[name]
    client = _client(scene, endpoint.user)
    action = endpoint.action(scene)
    if endpoint.fields is not None:
        baseline = endpoint.fields(scene)
        textareas = {f for f in baseline if f.startswith("section_")}
    else:
        baseline, textareas = forms_on(client, endpoint.page(scene), action)
    if not action:  # the page posts to itself
        action = endpoint.page(scene)
    baseline.setdefault("x", "")  # a field no form has
    is_save = name in ("report_save_htmx", "report_save")
    sections = {f: f"新写的{f}：学校落实作业公示" for f in baseline if f.startswith("section_")}
    baseline.update(sections)
    failures = []
    for field_name in baseline:
        values = ONE_OF_EACH_KIND if name in ONE_OF_EACH else HOSTILE
        for value in values_for(field_name, baseline[field_name], textareas, scene.foreign, values):
            body = encode({**baseline, field_name: value})

            def post(body=body, field_name=field_name):
                response = client.post(
                    action,
                    body,
                    content_type="application/x-www-form-urlencoded",
                    **endpoint.headers,
                )
                stored = None
                if is_save and field_name != "revision":
                    stored = Report.objects.get(pk=scene.draft.pk).sections
                return response, stored

            response, stored = _isolated(post)
            if response.status_code >= 500:
                failures.append(f"{field_name}={_short(value)} → {response.status_code}")
            elif stored is not None:
                kept = {f: t for f, t in sections.items() if f != field_name}
                lost = [f for f, t in kept.items() if stored.get(f.removeprefix("section_")) != t]
                if lost:
                    failures.append(f"{field_name}={_short(value)} lost the text of {lost}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", list(GETS))
def test_no_page_answers_500_to_a_hostile_query_parameter(scene, name):
    endpoint = GETS[name]
    client = _client(scene, endpoint.user)
    url = endpoint.url(scene)
    failures = []
    for param in endpoint.params:
        for value in values_for(param, "", set(), scene.foreign):
            if value is INVALID_UTF8:
                query = f"{param}=%FF%FE%ED%A0%80"
            else:
                query = urlencode({param: value})
            response = _isolated(lambda q=query: client.get(f"{url}?{q}"))
            if response.status_code >= 500:
                failures.append(f"{param}={_short(value)} → {response.status_code}")
    assert not failures, "\n".join(failures)


def test_no_api_endpoint_answers_500_to_a_hostile_token(scene):
    client = Client(raise_request_exception=False)
    for url in ("/api/campaigns/", "/api/schema/"):
        for token in ["abc", "a\x00b", "' OR 1=1 --", "9" * 30, "减" * 1000]:
            header = f"Token {token}".encode().decode("latin-1")  # as WSGI hands it over
            response = client.get(url, HTTP_AUTHORIZATION=header)
            assert response.status_code in (401, 403), (url, token[:10], response.status_code)
