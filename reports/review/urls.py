"""The review feature, mounted at /review/."""

from django.urls import path

from reports.review.views import bulk, followup, notifications, overview, queue, report

urlpatterns = [
    path("", queue.review_queue, name="review_queue"),
    path("reports/<int:pk>/", report.review_report, name="review_report"),
    path("reports/<int:pk>/copies/", report.review_copies, name="review_copies"),
    path("reports/<int:pk>/start/", report.review_start, name="review_start"),
    path("reports/<int:pk>/approve/", report.review_approve, name="review_approve"),
    path("reports/<int:pk>/return/", report.review_return, name="review_return"),
    path("reports/<int:pk>/reopen/", report.review_reopen, name="review_reopen"),
    path("reports/<int:pk>/reanalyze/", report.review_reanalyze, name="review_reanalyze"),
    path("reports/<int:pk>/feedback/", report.review_feedback, name="review_feedback"),
    path("bulk/", bulk.bulk_start, name="bulk_start"),
    path("bulk/<int:pk>/", bulk.bulk_detail, name="bulk_detail"),
    path("bulk/<int:pk>/finish/", bulk.bulk_finish, name="bulk_finish"),
    path("overview/<int:campaign_id>/", overview.review_overview, name="review_overview"),
    path("rectifications/", followup.rectification_followup, name="rectification_followup"),
    path(
        "rectifications/<int:pk>/verify/",
        followup.rectification_verify_view,
        name="rectification_verify",
    ),
    path(
        "rectifications/<int:pk>/send-back/",
        followup.rectification_send_back_view,
        name="rectification_send_back",
    ),
    path("notifications/", notifications.notification_list, name="notifications"),
    path(
        "notifications/read-all/",
        notifications.notification_read_all,
        name="notifications_read_all",
    ),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
]
