"""/dashboard/: statistics, exports and the API token page."""

from django.urls import path

from reports import dashboard_views as views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("exports/", views.export_list, name="export_list"),
    path("exports/csv/", views.export_csv_stream, name="export_csv_stream"),
    path("exports/<int:pk>/progress/", views.export_progress, name="export_progress"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("api-token/", views.api_token, name="api_token"),
]
