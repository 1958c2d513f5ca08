from django.urls import path

from . import dashboard_views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", dashboard_views.dashboard_page, name="page"),
    path("dashboard/export.xlsx", dashboard_views.dashboard_export, name="export"),
]
