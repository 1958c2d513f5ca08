from django.urls import path

from . import audit_views

app_name = "auditlog"

urlpatterns = [
    path("audit/events/", audit_views.audit_list, name="list"),
    path("audit/events/export.xlsx", audit_views.audit_export, name="export"),
    path("audit/events/<int:seq>/", audit_views.audit_detail, name="detail"),
]
