"""The core's own page: the home page. The feature apps mount their own URLconfs."""

from django.urls import path

from reports import views

urlpatterns = [
    path("", views.home, name="home"),
]
