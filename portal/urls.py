from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from reports import views as report_views

# A request too large to read (DATA_UPLOAD_MAX_MEMORY_SIZE…) gets a Chinese page, and an
# htmx autosave a status line: reports/error_views.py.
handler400 = "reports.error_views.bad_request"

admin.site.site_header = "减负自查报告平台 · 系统管理"
admin.site.site_title = "减负自查报告平台"

reset_only = report_views.email_reset_only


class FaviconView(RedirectView):
    """``/favicon.ico``, which browsers ask for on their own, → the static icon (hashed name
    in production, so computed per request rather than at import)."""

    permanent = False

    def get_redirect_url(self, *args: object, **kwargs: object) -> str:
        return static("favicon.ico")


# django.contrib.auth.urls, spelled out: the e-mail password reset answers 404 unless
# PASSWORD_RESET_BY_EMAIL is on (admins reset passwords from the unit page instead).
account_urls = [
    path("login/", report_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", report_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password_reset/",
        reset_only(report_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        reset_only(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        reset_only(report_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        reset_only(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("healthz", report_views.healthz, name="healthz"),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("accounts/", include(account_urls)),
    path("django-admin/", admin.site.urls),
    path("review/", include("reports.review.urls")),
    path("dashboard/", include("reports.dashboards.urls")),
    path("api/", include("reports.dashboards.api_urls")),
    path("", include("reports.bureau.urls")),
    path("", include("reports.submission.urls")),
    path("", include("reports.urls")),
]
