"""Production headers: a Content-Security-Policy with no inline script or style on every page
type, ``Cache-Control: no-store`` on every page of a signed-in user (report data), the HTTPS
settings read from the environment, and no template that would need an inline exception."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from reports.choices import ExportState
from reports.models import ExportJob, User
from tests.export_builders import build

BASE = Path(settings.BASE_DIR)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER_ATTR = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def built(world):
    return build(world)


@pytest.fixture
def operator(db):
    return User.objects.create_superuser("root", "root@example.edu.cn", "Correct-Horse-2026")


def page_types(world, built, operator):
    """(what, path, user) for every kind of page the portal serves."""
    campaign = built.campaign.pk
    return [
        ("login", "/accounts/login/", None),
        ("home", "/", world.alice),
        ("report form (editable)", f"/reports/{built.b1.pk}/", world.bob),
        ("report (submitted)", f"/reports/{built.a1.pk}/", world.alice),
        ("review queue", "/review/", world.rita),
        ("review page", f"/review/reports/{built.a2.pk}/", world.rita),
        ("notifications", "/review/notifications/", world.amy),
        ("dashboard", f"/dashboard/?campaign={campaign}", world.rita),
        ("supervisor dashboard", f"/dashboard/?campaign={campaign}", world.sam),
        ("exports", "/dashboard/exports/", world.rita),
        ("campaign", f"/campaigns/{campaign}/", world.ada),
        ("org import", "/orgs/import/", world.ada),
        ("password change", "/accounts/password_change/", world.alice),
        ("django admin", "/django-admin/", operator),
        ("django admin change list", "/django-admin/reports/organization/", operator),
    ]


def test_every_page_type_carries_a_csp_without_inline_script_or_style(
    world, built, operator, client
):
    for what, path, user in page_types(world, built, operator):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(path)
        assert response.status_code == 200, (what, response.status_code)
        csp = policy(response)
        assert csp["default-src"] == ["'self'"], what
        assert csp["script-src"] == ["'self'"], what
        assert csp["style-src"] == ["'self'"], what
        assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"], what
        assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"], what
        header = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in header and "unsafe-eval" not in header, what
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), (what, INLINE_SCRIPT.search(html).group())
        assert not HANDLER_ATTR.search(html), (what, HANDLER_ATTR.search(html).group())
        assert not JS_URL.search(html), what
        assert not STYLE_ELEMENT.search(html), what
        if not path.startswith("/django-admin/"):  # Django's own pages: see the browser test
            assert not STYLE_ATTR.search(html), (what, STYLE_ATTR.search(html).group())
        assert response.headers["X-Frame-Options"] == "DENY", what
        assert response.headers["X-Content-Type-Options"] == "nosniff", what
        assert response.headers["Referrer-Policy"] == "same-origin", what


def test_the_api_and_its_browsable_pages_answer_with_the_same_policy(world, built, login):
    """No Swagger or Redoc page is served (they load CDN assets); DRF's browsable pages use
    only its own static files and a JSON <script> block, so no exception is needed."""
    client = login(world.rita)
    response = client.get("/api/campaigns/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert policy(response)["script-src"] == ["'self'"]
    page = client.get("/api/campaigns/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert policy(page)["script-src"] == ["'self'"]
    html = page.content.decode()
    for pattern in (INLINE_SCRIPT, HANDLER_ATTR, STYLE_ATTR, STYLE_ELEMENT, JS_URL):
        assert not pattern.search(html), pattern.search(html).group()
    assert "cdn" not in html.lower()


def test_no_template_needs_an_inline_script_handler_or_style():
    """Caught here rather than in a browser: an inline script, on…= handler, javascript: URL,
    <style> element or style="" attribute would be refused by the policy and silently do
    nothing."""
    templates = sorted(
        {*BASE.glob("templates/**/*.html"), *BASE.glob("reports/**/templates/**/*.html")}
    )
    assert len(templates) > 30
    offending = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(BASE)
        for pattern in (INLINE_SCRIPT, HANDLER_ATTR, STYLE_ATTR, STYLE_ELEMENT, JS_URL):
            for match in pattern.finditer(text):
                offending.append(f"{name}: {match.group()[:80]}")
        if "hx-on" in text:
            offending.append(f"{name}: hx-on (evaluated as script)")
    assert offending == []


def test_htmx_is_told_not_to_inject_its_indicator_style(client):
    page = client.get("/accounts/login/").content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in page
    css = (Path(settings.BASE_DIR) / "static/css/portal.css").read_text(encoding="utf-8")
    assert ".htmx-request .htmx-indicator" in css


# --- Cache-Control ------------------------------------------------------------------------


def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_pages_with_report_data_are_never_stored(world, built, login):
    rita = login(world.rita)
    for path in (
        f"/review/reports/{built.a2.pk}/",
        "/review/",
        f"/dashboard/?campaign={built.campaign.pk}",
        "/dashboard/exports/",
        "/api/campaigns/",
    ):
        response = rita.get(path)
        assert response.status_code == 200, path
        assert no_store(response), path
    alice = login(world.alice)
    for path in ("/", f"/reports/{built.a1.pk}/"):
        response = alice.get(path)
        assert response.status_code == 200 and no_store(response), path


def test_an_export_download_is_never_stored(world, built, login):
    from portal.celery import app

    client = login(world.rita)
    form = {"campaign": built.campaign.pk, "unit": world.county_a.pk, "kind": "csv"}
    assert client.post("/dashboard/exports/", form).status_code == 302
    job = ExportJob.objects.get(user=world.rita)
    app.tasks["reports.run_export"](job.pk)  # what the worker does
    assert ExportJob.objects.get(pk=job.pk).state == ExportState.DONE
    response = client.get(f"/dashboard/exports/{job.pk}/download/")
    assert response.status_code == 200
    assert no_store(response)
    b"".join(response.streaming_content)


def test_static_files_stay_cacheable_for_a_signed_in_user(world, login):
    """whitenoise answers /static/ before the no-store middleware (collectstatic ran first)."""
    response = login(world.alice).get("/static/css/portal.css")
    assert response.status_code == 200
    assert not no_store(response)
    assert "Content-Security-Policy" not in response.headers


def test_the_login_page_is_not_cached_either(client):
    assert no_store(client.get("/accounts/login/"))  # Django's never_cache


# --- HTTPS settings from the environment --------------------------------------------------


def test_the_https_settings_come_from_the_environment(monkeypatch):
    import importlib

    import portal.settings as module

    env = {
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
        "SECURE_HSTS_PRELOAD": "1",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
        "SESSION_COOKIE_SECURE": "1",
        "SECURE_REFERRER_POLICY": "strict-origin",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        loaded = importlib.reload(module)
        assert loaded.SECURE_HSTS_SECONDS == 31536000
        assert loaded.SECURE_HSTS_INCLUDE_SUBDOMAINS and loaded.SECURE_HSTS_PRELOAD
        assert loaded.SECURE_SSL_REDIRECT is True
        assert loaded.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
        assert loaded.SESSION_COOKIE_SECURE and loaded.CSRF_COOKIE_SECURE
        assert loaded.SESSION_COOKIE_HTTPONLY is True
        assert loaded.SECURE_REFERRER_POLICY == "strict-origin"
    finally:
        for name in env:
            monkeypatch.delenv(name)
        importlib.reload(module)


def test_behind_the_proxy_https_gets_hsts_and_the_healthcheck_is_not_redirected(
    db, client, settings
):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    secure = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert client.get("/healthz").status_code == 200  # the container's check, not redirected
