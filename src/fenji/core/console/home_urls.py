from django.urls import path

from . import home_views

app_name = "home"

urlpatterns = [
    path("", home_views.home, name="home"),
]
