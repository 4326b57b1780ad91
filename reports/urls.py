from django.urls import path

from reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("orgs/", views.org_list, name="org_list"),
    path("orgs/<int:pk>/", views.org_detail, name="org_detail"),
    path("orgs/import/", views.org_import_view, name="org_import"),
    path("audit/", views.audit_log, name="audit_log"),
]
