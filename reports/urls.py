"""The core's own pages: the home page and the session keep-alive. The feature apps mount
their own URLconfs."""

from django.urls import path

from reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("session/keepalive", views.session_keepalive, name="session_keepalive"),
]
