"""A browser-less client for a running portal (gunicorn on loopback): cookies, the CSRF
token, form posts. ``PortalClient`` is standard library only (urllib, blocking, a new
connection per request); used by the production-stack test and by
``benchmarks/bench_load.py --client threads``. ``AsyncPortalClient`` is the same user agent
over aiohttp (asyncio, one kept-alive connection, as a browser keeps it): what
``benchmarks/bench_load.py`` drives by default, so that many users cost one process little
CPU. Both build their requests with ``_prepare`` and read pages with the same helpers."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from reports.demo import DEMO_CHECKLIST

REPORT_LINK = re.compile(r'href="/reports/(\d+)/"')
REVISION = re.compile(r'name="revision"[^>]*value="(\d+)"')
FORM = "application/x-www-form-urlencoded"


@dataclass
class Answer:
    status: int
    url: str
    text: str


class PortalClient:
    """One signed-in (or anonymous) user agent; follows redirects as a browser does."""

    def __init__(self, base: str, timeout: float = 60) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def request(self, path: str, data: dict | None = None, headers: dict | None = None) -> Answer:
        url, body, headers = _prepare(self.base, self.cookie("csrftoken"), path, data, headers)
        req = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 - loopback
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                return Answer(response.status, response.url, response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, url, error.read().decode(errors="replace"))

    def get(self, path: str) -> Answer:
        return self.request(path)

    def post(self, path: str, data: dict, headers: dict | None = None) -> Answer:
        return self.request(path, data, headers)

    def login(self, username: str, password: str, remember: bool = False) -> Answer:
        self.get("/accounts/login/")
        form = {"username": username, "password": password}
        if remember:
            form["remember_device"] = "on"
        return self.post("/accounts/login/", form)


def _prepare(
    base: str, token: str | None, path: str, data: dict | None, headers: dict | None
) -> tuple[str, bytes | None, dict]:
    """URL, body and headers of a request: a form post carries the CSRF token (field and
    header) from the ``csrftoken`` cookie, as the portal's pages and htmx send it."""
    body = None
    headers = dict(headers or {})
    if data is not None:
        token = token or ""
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}).encode()
        headers.setdefault("X-CSRFToken", token)
        headers.setdefault("Content-Type", FORM)
    return (path if path.startswith("http") else base + path), body, headers


class AsyncPortalClient:
    """``PortalClient`` over aiohttp: the same requests, answers and redirects, awaited.
    Create it inside a running event loop and ``await close()`` at the end. A failure of the
    transport (refused, reset, timed out) raises ``OSError``, as urllib's do."""

    def __init__(self, base: str, timeout: float = 60) -> None:
        import aiohttp  # only the benchmark's client needs it (a dev dependency)

        self.base = base.rstrip("/")
        self._errors = (aiohttp.ClientError, TimeoutError)
        self.session = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # unsafe: keep cookies of 127.0.0.1
            timeout=aiohttp.ClientTimeout(total=timeout),
        )

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.session.cookie_jar if c.key == name), None)

    async def request(
        self, path: str, data: dict | None = None, headers: dict | None = None
    ) -> Answer:
        url, body, headers = _prepare(self.base, self.cookie("csrftoken"), path, data, headers)
        method = "GET" if body is None else "POST"
        try:
            async with self.session.request(method, url, data=body, headers=headers) as response:
                text = (await response.read()).decode(errors="replace")
                return Answer(response.status, str(response.url), text)
        except self._errors as error:
            raise OSError(f"{method} {url}: {error!r}") from error

    async def get(self, path: str) -> Answer:
        return await self.request(path)

    async def post(self, path: str, data: dict, headers: dict | None = None) -> Answer:
        return await self.request(path, data, headers)

    async def login(self, username: str, password: str) -> Answer:
        await self.get("/accounts/login/")
        return await self.post("/accounts/login/", {"username": username, "password": password})

    async def close(self) -> None:
        await self.session.close()


def report_form_data(revision: int, seed: int = 0) -> dict[str, str]:
    """A complete, valid report for a primary school of the demo campaign (its indicators
    and checklist, ``reports.demo``): what a school types before 提交."""
    enrolment = 600 + seed % 1000
    data = {
        "revision": str(revision),
        "section_achievements": (
            f"学校第{seed}次完善作业公示制度，教研组每周研讨作业设计，推行分层作业。"
            "课后服务每周开展五天，开设书法、篮球、科学实验等社团，学生自愿参加。"
            "落实每天校内体育活动不少于六十分钟，学生手机统一保管。"
        ),
        "section_problems": "个别教师作业设计能力不足，课后服务师资紧张，需要持续关注。",
        "section_next_steps": "加强作业设计培训，引进校外优质资源，每月检查一次落实情况。",
        "ind_enrolment": str(enrolment),
        "ind_after_school_days": "5",
        "ind_after_school_students": str(enrolment - 50),
        "ind_pe_minutes": "60",
        "ind_phones_managed": "yes",
        "ind_homework_grade12": "0",
        "ind_homework_grade36": "45",
    }
    for code in DEMO_CHECKLIST:
        data[f"chk_{code}"] = "done"
        data[f"note_{code}"] = ""
    return data
