from django.urls import path

from . import grant_views as views

app_name = "grants"

urlpatterns = [
    path("access/grants/", views.grant_list, name="list"),
    path("access/grants/new/", views.grant_create, name="create"),
    path("access/grants/<int:pk>/revoke/", views.grant_revoke, name="revoke"),
    path("access/roles/", views.role_list, name="roles"),
    path("access/roles/new/", views.role_create, name="role_create"),
    path("access/registry/", views.registry_view, name="registry"),
]
