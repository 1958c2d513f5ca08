from django.urls import path

from . import alert_views, calendar_views
from . import maintenance_views as views

app_name = "ops"

urlpatterns = [
    path("ops/maintenance/", views.maintenance_list, name="maintenance"),
    path("ops/maintenance/new/", views.maintenance_schedule, name="schedule"),
    path("ops/maintenance/<int:pk>/cancel/", views.maintenance_cancel, name="cancel"),
    path("ops/alerts/", alert_views.alert_rules, name="alerts"),
    path("ops/calendar/", calendar_views.calendar_year, name="calendar"),
    path("ops/calendar/set/", calendar_views.calendar_set, name="calendar_set"),
    path("ops/calendar/remove/", calendar_views.calendar_remove, name="calendar_remove"),
    path("ops/calendar/confirm/", calendar_views.calendar_confirm, name="calendar_confirm"),
    path("ops/calendar/import/", calendar_views.calendar_import, name="calendar_import"),
]
