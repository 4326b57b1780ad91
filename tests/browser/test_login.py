import pytest

pytestmark = pytest.mark.browser


def test_the_reviewer_logs_in_on_a_phone_and_sees_the_home_page(live_server, demo_data, phone):
    phone.goto(f"{live_server.url}/accounts/login/")
    assert phone.locator("html").get_attribute("lang") == "zh-CN"
    assert phone.locator("h1").inner_text() == "登录"
    phone.fill("input[name=username]", "demo-reviewer")
    phone.fill("input[name=password]", "jianfu2026")
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")
    assert "青山县教育局" in phone.content()
    # Nothing overflows a 375 px screen.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    # The collapsed menu opens and holds the role's entries.
    phone.click("button.navbar-toggler")
    assert phone.locator("#mainnav").get_by_text("单位", exact=True).is_visible()


def test_static_assets_are_served_locally(live_server, demo_data, phone):
    requests = []
    phone.on("request", lambda request: requests.append(request.url))
    phone.goto(f"{live_server.url}/accounts/login/")
    assert requests and all(url.startswith(live_server.url) for url in requests)
    assert phone.evaluate("typeof htmx") == "object"
