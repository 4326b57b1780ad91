"""static/js/keepalive.js: typing in a form keeps the session alive; an idle form does not."""

import pytest

from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def test_typing_in_a_form_pings_the_keepalive_and_an_idle_form_does_not(
    live_server, demo_data, phone, settings
):
    settings.SESSION_KEEPALIVE_SECONDS = 1
    pings = []
    phone.on("request", lambda r: pings.append(r.method) if "session/keepalive" in r.url else None)
    login(phone, live_server.url, "demo-school")
    phone.goto(f"{live_server.url}/accounts/password_change/")
    phone.wait_for_timeout(2500)
    assert pings == [], "nobody typed: no keep-alive"
    phone.fill("input[name=old_password]", "正在输入")
    phone.wait_for_selector("html[data-keepalive='204']", timeout=5000)
    assert pings == ["POST"]
