"""The bureau's desk, mounted at the site root: /orgs/, /campaigns/, /audit/."""

from django.urls import path

from reports.bureau.views import accounts, audit, campaigns, imports, orgs

urlpatterns = [
    path("orgs/", orgs.org_list, name="org_list"),
    path("orgs/<int:pk>/", orgs.org_detail, name="org_detail"),
    path(
        "orgs/<int:pk>/members/<int:user_pk>/reset-password/",
        accounts.member_password_reset,
        name="member_password_reset",
    ),
    path("orgs/import/", imports.org_import_view, name="org_import"),
    path("orgs/import/jobs/<int:pk>/", imports.org_import_job, name="org_import_job"),
    path(
        "orgs/import/jobs/<int:pk>/progress/",
        imports.org_import_job_progress,
        name="org_import_job_progress",
    ),
    path(
        "orgs/import/jobs/<int:pk>/clear-passwords/",
        imports.org_import_job_clear_passwords,
        name="org_import_job_clear_passwords",
    ),
    path("audit/", audit.audit_log, name="audit_log"),
    path("audit/export.xlsx", audit.audit_log_export, name="audit_log_export"),
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/delete/", campaigns.campaign_delete_view, name="campaign_delete"),
    path("campaigns/<int:pk>/publish/", campaigns.campaign_publish_view, name="campaign_publish"),
    path("campaigns/<int:pk>/close/", campaigns.campaign_close_view, name="campaign_close"),
    path(
        "campaigns/<int:pk>/notice-file/",
        campaigns.campaign_notice_file,
        name="campaign_notice_file",
    ),
]
