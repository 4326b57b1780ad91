from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

EXEMPT_PREFIXES = ("/static/", "/healthz", "/accounts/logout/", "/accounts/password_change/")


class ForcePasswordChangeMiddleware:
    """Send accounts created by import to the password change page until they change it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            return redirect(reverse("password_change"))
        return self.get_response(request)


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
