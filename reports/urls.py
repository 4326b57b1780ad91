from django.urls import path

from reports import report_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("orgs/", views.org_list, name="org_list"),
    path("orgs/<int:pk>/", views.org_detail, name="org_detail"),
    path(
        "orgs/<int:pk>/members/<int:user_pk>/reset-password/",
        views.member_password_reset,
        name="member_password_reset",
    ),
    path("orgs/import/", views.org_import_view, name="org_import"),
    path("orgs/import/jobs/<int:pk>/", views.org_import_job, name="org_import_job"),
    path(
        "orgs/import/jobs/<int:pk>/progress/",
        views.org_import_job_progress,
        name="org_import_job_progress",
    ),
    path(
        "orgs/import/jobs/<int:pk>/clear-passwords/",
        views.org_import_job_clear_passwords,
        name="org_import_job_clear_passwords",
    ),
    path("audit/", views.audit_log, name="audit_log"),
    path("campaigns/", report_views.campaign_list, name="campaign_list"),
    path("campaigns/new/", report_views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", report_views.campaign_detail, name="campaign_detail"),
    path(
        "campaigns/<int:pk>/publish/", report_views.campaign_publish_view, name="campaign_publish"
    ),
    path("campaigns/<int:pk>/close/", report_views.campaign_close_view, name="campaign_close"),
    path(
        "campaigns/<int:pk>/notice-file/",
        report_views.campaign_notice_file,
        name="campaign_notice_file",
    ),
    path("reports/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("reports/<int:pk>/save/", report_views.report_save, name="report_save"),
    path("reports/<int:pk>/submit/", report_views.report_submit_view, name="report_submit"),
    path(
        "reports/<int:pk>/copy-forward/",
        report_views.report_copy_forward_view,
        name="report_copy_forward",
    ),
    path("reports/<int:pk>/import/", report_views.report_import, name="report_import"),
    path("reports/<int:pk>/attachments/", report_views.attachment_upload, name="attachment_upload"),
    path(
        "reports/<int:pk>/rectifications/",
        report_views.rectification_save_view,
        name="rectification_save",
    ),
    path("attachments/<int:pk>/", report_views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", report_views.attachment_delete, name="attachment_delete"),
]
