"""The review feature, mounted at /review/. Importing the views connects the notification
receivers (see ``reports.notifications``)."""

from django.urls import path

from reports import review_views as views

urlpatterns = [
    path("", views.review_queue, name="review_queue"),
    path("reports/<int:pk>/", views.review_report, name="review_report"),
    path("reports/<int:pk>/approve/", views.review_approve, name="review_approve"),
    path("reports/<int:pk>/return/", views.review_return, name="review_return"),
    path("reports/<int:pk>/reopen/", views.review_reopen, name="review_reopen"),
    path("reports/<int:pk>/reanalyze/", views.review_reanalyze, name="review_reanalyze"),
    path("reports/<int:pk>/feedback/", views.review_feedback, name="review_feedback"),
    path("overview/<int:campaign_id>/", views.review_overview, name="review_overview"),
    path("rectifications/", views.rectification_followup, name="rectification_followup"),
    path(
        "rectifications/<int:pk>/verify/",
        views.rectification_verify_view,
        name="rectification_verify",
    ),
    path(
        "rectifications/<int:pk>/send-back/",
        views.rectification_send_back_view,
        name="rectification_send_back",
    ),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read-all/", views.notification_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
]
