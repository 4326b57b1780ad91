"""The dashboards feature, mounted at /dashboard/: statistics, exports and the API-token page
(the API itself is ``api_urls``, mounted at /api/)."""

from django.urls import path

from reports.dashboards.views import api_token, dashboard, exports

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("exports/", exports.export_list, name="export_list"),
    path("exports/csv/", exports.export_csv_stream, name="export_csv_stream"),
    path("exports/<int:pk>/progress/", exports.export_progress, name="export_progress"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
    path("api-token/", api_token.api_token, name="api_token"),
]
