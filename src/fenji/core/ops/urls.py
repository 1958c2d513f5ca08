from django.urls import path

from . import views

app_name = "ops"

urlpatterns = [
    path("ops/maintenance/", views.maintenance_list, name="maintenance"),
    path("ops/maintenance/new/", views.maintenance_schedule, name="schedule"),
    path("ops/maintenance/<int:pk>/cancel/", views.maintenance_cancel, name="cancel"),
]
