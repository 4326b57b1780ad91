"""The school's side, mounted at the site root: /reports/…, /attachments/…."""

from django.urls import path

from reports.submission.views import (
    attachments,
    imports,
    rectification_items,
    rectifications,
    report,
)

urlpatterns = [
    path("reports/<int:pk>/", report.report_detail, name="report_detail"),
    path("reports/<int:pk>/save/", report.report_save, name="report_save"),
    path("reports/<int:pk>/submit/", report.report_submit_view, name="report_submit"),
    path(
        "reports/<int:pk>/copy-forward/",
        report.report_copy_forward_view,
        name="report_copy_forward",
    ),
    path("reports/<int:pk>/import/", imports.report_import, name="report_import"),
    path("reports/<int:pk>/attachments/", attachments.attachment_upload, name="attachment_upload"),
    path(
        "reports/<int:pk>/rectifications/",
        rectifications.rectification_save_view,
        name="rectification_save",
    ),
    path(
        "rectifications/",
        rectification_items.school_rectifications_view,
        name="school_rectifications",
    ),
    path(
        "rectifications/<int:pk>/update/",
        rectification_items.school_rectification_update,
        name="school_rectification_update",
    ),
    path(
        "rectifications/evidence/<int:pk>/",
        rectification_items.rectification_evidence,
        name="rectification_evidence",
    ),
    path("attachments/<int:pk>/", attachments.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", attachments.attachment_delete, name="attachment_delete"),
]
