from django.contrib import admin
from django.urls import include, path

from reports import views as report_views

admin.site.site_header = "减负自查报告平台 · 系统管理"
admin.site.site_title = "减负自查报告平台"

urlpatterns = [
    path("healthz", report_views.healthz, name="healthz"),
    path(
        "accounts/password_change/",
        report_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("django-admin/", admin.site.urls),
    path("review/", include("reports.review.urls")),
    path("dashboard/", include("reports.dashboard_urls")),
    path("api/", include("reports.api_urls")),
    path("", include("reports.urls")),
]
