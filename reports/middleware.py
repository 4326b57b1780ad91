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
