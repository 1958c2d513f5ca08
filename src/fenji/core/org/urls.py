from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("org/units/", views.unit_tree, name="tree"),
    path("org/units/picker/", views.unit_picker, name="picker"),
    path("org/units/<int:pk>/", views.unit_detail, name="unit"),
    path("org/units/<int:pk>/children/", views.unit_children, name="children"),
    path("org/units/<int:pk>/new/", views.unit_create, name="create"),
    path("org/units/<int:pk>/edit/", views.unit_edit, name="edit"),
    path("org/units/<int:pk>/move/", views.unit_move, name="move"),
    path("org/units/<int:pk>/revoke/", views.unit_revoke, name="revoke"),
]
