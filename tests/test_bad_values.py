"""Bad values, one rule at a time: non-finite and full-width numbers, malformed revisions,
over-long sections, NUL bytes, requests too large to read, the lockout text."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client

from reports.choices import ReportState
from reports.limits import MAX_SECTION_CHARS
from reports.models import Report
from tests.factories import fill, form_data, make_campaign

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(world) -> Report:
    return Report.objects.get(campaign=make_campaign(world), organization=world.school_a1)


@pytest.mark.parametrize("typed", ["nan", "inf", "-inf", "1e400", "NaN", "Infinity"])
def test_a_non_finite_number_gets_a_field_message_and_the_text_is_still_saved(
    world, draft, login, typed
):
    data = form_data(draft)
    data["ind_enrolment"] = typed
    data["section_problems"] = "与非数字一起发送的文字"
    response = login(world.alice).post(f"/reports/{draft.pk}/save/", data, **HTMX)
    draft.refresh_from_db()
    assert response.status_code == 200
    assert "在校学生数：请输入有限的数字" in response.content.decode()
    assert draft.sections["problems"] == "与非数字一起发送的文字"
    assert draft.indicator_values["enrolment"] == typed  # kept as typed text, never NaN


def test_a_non_finite_number_is_refused_at_submission_with_a_field_message(world, draft, login):
    data = form_data(draft)
    data["ind_enrolment"] = "nan"
    response = login(world.alice).post(f"/reports/{draft.pk}/submit/", data)
    draft.refresh_from_db()
    assert response.status_code == 422
    assert "请输入有限的数字" in response.content.decode()
    assert draft.state == ReportState.DRAFT and draft.revision == 1


@pytest.mark.parametrize(
    ("code", "typed", "stored"),
    [
        ("enrolment", "８００", 800),
        ("after_school_rate", "１．５", 1.5),
        ("enrolment", "８，０００", 8000),
    ],
)
def test_full_width_digits_are_read_as_numbers(world, draft, login, code, typed, stored):
    data = form_data(draft)
    data[f"ind_{code}"] = typed
    login(world.alice).post(f"/reports/{draft.pk}/save/", data, **HTMX)
    draft.refresh_from_db()
    assert draft.indicator_values[code] == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [("1e300", "数值过大"), ("-5", "不能小于 0人"), ("20001", "不能大于 20000人")],
)
def test_an_out_of_range_number_gets_a_field_message_on_autosave(
    world, draft, login, typed, message
):
    data = form_data(draft)
    data["ind_enrolment"] = typed
    response = login(world.alice).post(f"/reports/{draft.pk}/save/", data, **HTMX)
    draft.refresh_from_db()
    assert response.status_code == 200 and message in response.content.decode()
    assert draft.sections["problems"] == "个别教师作业设计能力不足。"


@pytest.mark.parametrize("revision", ["abc", "", "1.5", "-1", "１"])
def test_a_malformed_revision_is_refused_with_a_message_not_a_500(world, draft, login, revision):
    client = login(world.alice)
    data = {**form_data(draft), "revision": revision}
    autosave = client.post(f"/reports/{draft.pk}/save/", data, **HTMX)
    plain = client.post(f"/reports/{draft.pk}/save/", data)
    submit = client.post(f"/reports/{draft.pk}/submit/", data)
    confirm = client.post(
        f"/reports/{draft.pk}/import/",
        {"confirm": "1", "revision": revision, "section_problems": "导入"},
        follow=True,
    )
    draft.refresh_from_db()
    assert autosave.status_code == 409 and "版本号无效" in autosave.content.decode()
    assert plain.status_code == 409 and "版本号无效" in plain.content.decode()
    assert submit.status_code == 409 and "版本号无效" in submit.content.decode()
    assert "版本号无效" in confirm.content.decode()
    assert draft.revision == 0 and draft.state == ReportState.DRAFT


def test_a_malformed_revision_in_an_expired_session_is_kept_for_after_login(world, draft):
    client = Client()
    data = {**form_data(draft), "revision": "abc", "section_problems": "过期时输入"}
    assert client.post(f"/reports/{draft.pk}/save/", data, **HTMX).status_code == 401
    client.force_login(world.alice)
    page = client.get(f"/reports/{draft.pk}/").content.decode()
    assert "过期时输入" in page  # shown for copying, not written over anything


def test_an_over_long_section_is_refused_at_the_field_and_the_rest_is_saved(world, draft, login):
    client = login(world.alice)
    fill(draft, world.alice)
    draft.refresh_from_db()
    long_text = "减" * (MAX_SECTION_CHARS + 1)
    data = {**form_data(draft), "section_achievements": long_text, "section_problems": "新问题"}
    response = client.post(f"/reports/{draft.pk}/save/", data, **HTMX)
    draft.refresh_from_db()
    assert response.status_code == 200
    assert "超过每栏 50,000 字的上限" in response.content.decode()
    assert draft.sections["problems"] == "新问题"
    assert draft.sections["achievements"].startswith("学校全面落实作业公示制度")
    data["revision"] = str(draft.revision)
    page = client.post(f"/reports/{draft.pk}/save/", data)
    assert page.status_code == 200 and long_text in page.content.decode()  # shown as typed
    data["revision"] = str(Report.objects.get(pk=draft.pk).revision)
    submit = client.post(f"/reports/{draft.pk}/submit/", data)
    draft.refresh_from_db()
    assert submit.status_code == 422 and "超过每栏" in submit.content.decode()
    assert draft.state == ReportState.DRAFT


def test_a_report_of_100000_characters_fits_in_one_save(world, draft, login):
    data = form_data(draft)
    for key in ("achievements", "problems"):
        data[f"section_{key}"] = "减" * 50_000
    response = login(world.alice).post(f"/reports/{draft.pk}/save/", data, **HTMX)
    draft.refresh_from_db()
    assert response.status_code == 200
    assert len(draft.sections["achievements"]) == len(draft.sections["problems"]) == 50_000


def test_a_nul_byte_is_dropped_not_a_500(world, draft, login):
    data = {**form_data(draft), "section_problems": "问\x00题", "note_as_every_day": "说\x00明"}
    response = login(world.alice).post(f"/reports/{draft.pk}/save/", data, **HTMX)
    draft.refresh_from_db()
    assert response.status_code == 200
    assert draft.sections["problems"] == "问题"
    assert draft.checklist_answers["as_every_day"]["note"] == "说明"


def test_a_request_too_large_to_read_gets_a_chinese_page_and_autosave_a_status_line(
    world, draft, login
):
    client = login(world.alice)
    # 6.3 MB URL-encoded, as the browser sends the form (9 bytes a Chinese character)
    body = urlencode({**form_data(draft), "section_problems": "减" * 700_000})
    form = "application/x-www-form-urlencoded"
    autosave = client.post(f"/reports/{draft.pk}/save/", body, content_type=form, **HTMX)
    assert autosave.status_code == 413
    assert "内容过长，未保存" in autosave.content.decode()
    assert "页面上的文字仍在" in autosave.content.decode()
    assert "<html" not in autosave.content.decode()  # a fragment for the status line
    page = client.post(f"/reports/{draft.pk}/save/", body, content_type=form)
    assert page.status_code == 413
    assert "本次提交的内容没有保存" in page.content.decode()
    assert "作为 Word 或 PDF 附件上传" in page.content.decode()
    many = urlencode({f"f{i}": "1" for i in range(1200)})
    too_many = client.post(f"/reports/{draft.pk}/save/", many, content_type=form, **HTMX)
    assert too_many.status_code == 413 and "内容过长" in too_many.content.decode()
    draft.refresh_from_db()
    assert draft.revision == 0


def test_autosave_swaps_a_413_into_the_status_line_and_never_a_textarea():
    from pathlib import Path

    script = Path("static/js/report_form.js").read_text()
    assert '{ code: "413", swap: true, error: false }' in script
    form = Path("reports/submission/templates/submission/report_form.html").read_text()
    assert 'hx-target="#save-status"' in form


def test_the_lockout_message_says_minutes_in_chinese(world, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    page = response.content.decode()
    minutes = round(settings.AXES_COOLOFF_TIME * 60)  # hours in the setting
    assert f"登录失败次数过多，请 {minutes} 分钟后再试" in page
    assert "PT15M" not in page
