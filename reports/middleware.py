import secrets
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from reports.audit import audit_record, bind_request, unbind_request
from reports.passwords import password_expired
from reports.selectors import user_unit

EXEMPT_PREFIXES = ("/static/", "/healthz", "/accounts/logout/", "/accounts/password_change/")
LAST_SEEN = "_last_seen"  # epoch seconds of the session's last request
SESSION_TOKEN = "_single_session"  # noqa: S105 - a session key name; matches User.session_key when SINGLE_SESSION is on
EXPIRY_NOTED = "_password_expiry_noted"


class AuditContextMiddleware:
    """Bind the request for the audit rows written by model signals (``reports.audit``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = bind_request(request)
        try:
            return self.get_response(request)
        finally:
            unbind_request(token)


class ForcePasswordChangeMiddleware:
    """Send an account to the password change page until it changes its password: accounts
    created by import or reset by an admin (``must_change_password``), and accounts whose
    password is older than ``PASSWORD_EXPIRY_DAYS`` (when set)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            if user.must_change_password:
                return redirect(reverse("password_change"))
            if password_expired(user):
                if not request.session.get(EXPIRY_NOTED):
                    request.session[EXPIRY_NOTED] = True
                    audit_record(
                        action="password_expired",
                        actor=user,
                        target=user.username,
                        organization=user_unit(user),
                        request=request,
                    )
                messages.warning(
                    request,
                    f"您的密码已使用超过 {settings.PASSWORD_EXPIRY_DAYS} 天，请修改后继续使用。",
                )
                return redirect(reverse("password_change"))
        return self.get_response(request)


def on_login_start_session(sender, request: HttpRequest, user, **kwargs) -> None:
    """At login (receiver of ``user_logged_in``): start the idle clock and, with
    ``SINGLE_SESSION``, make this session the account's only one. The token lives in the
    session data, so it survives the key change of a password change."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_SEEN] = time.time()
    request.session.pop(EXPIRY_NOTED, None)
    if getattr(settings, "SINGLE_SESSION", False):
        token = secrets.token_hex(16)
        request.session[SESSION_TOKEN] = token
        type(user).objects.filter(pk=user.pk).update(session_key=token)
        user.session_key = token


class IdleSessionMiddleware:
    """End a signed-in session idle for ``SESSION_IDLE_MINUTES``, and (``SINGLE_SESSION``) a
    session replaced by a newer login of the same account.

    The request then goes on as anonymous: a page asks for the login, the report form's
    autosave is kept in the new session and applied after re-login
    (``submission.views.report._stash_for_login``), so no typed text is lost. The last
    activity is written at most once a minute.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            reason = self._reason_to_end(request, user, now)
            if reason:
                request._logout_reason = reason
                logout(request)
                if reason == "replaced":
                    messages.warning(request, "您的账号已在其他地方登录，本次会话已结束。")
                else:
                    messages.info(request, "长时间未操作，已自动退出登录，请重新登录。")
            elif now - request.session.get(LAST_SEEN, 0) > 60:
                request.session[LAST_SEEN] = now
        return self.get_response(request)

    @staticmethod
    def _reason_to_end(request: HttpRequest, user, now: float) -> str:
        idle = int(getattr(settings, "SESSION_IDLE_MINUTES", 0) or 0) * 60
        last = request.session.get(LAST_SEEN)
        if idle and last is not None and now - last > idle:
            return "idle"
        token = request.session.get(SESSION_TOKEN)
        if (
            getattr(settings, "SINGLE_SESSION", False)
            and user.session_key
            and token != user.session_key
        ):
            return "replaced"
        return ""


class NoStoreForSignedInMiddleware:
    """Keep pages of a signed-in user out of every cache (browser, proxy, back button after
    logout on a shared computer): report data, reviews, dashboards and exports all need a
    login. A response that chose its own Cache-Control keeps it; static files never get
    here (whitenoise answers them first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        return response


class StripNulFromQueryMiddleware:
    """Drop NUL characters from query-string values before any view reads them.

    PostgreSQL refuses NUL in text, so ``?q=%00`` reaching a filter would answer 500. No
    legitimate filter value contains one; form posts are covered by Django's own
    ``ProhibitNullCharactersValidator`` (a field message), so only the query string is
    cleaned here, in one place for every page and API.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "%00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in value for values in request.GET.lists() for value in values[1]
        ):
            cleaned = request.GET.copy()
            for key, values in list(cleaned.lists()):
                cleaned.setlist(key, [value.replace("\x00", "") for value in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
