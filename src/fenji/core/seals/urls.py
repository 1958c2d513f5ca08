from django.urls import path

from . import views

app_name = "seals"

urlpatterns = [
    path("", views.seal_list, name="list"),
    path("units/<int:unit_pk>/create/", views.create, name="create"),
    path("keys/<int:pk>/revoke/", views.revoke, name="revoke"),
]
