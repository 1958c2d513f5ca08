from django.urls import path

from . import views

app_name = "discipline"

urlpatterns = [
    path("petitions/", views.petitions, name="petitions"),
    path("petitions/new/", views.petition_new, name="petition_new"),
    path("petitions/<int:pk>/", views.petition, name="petition"),
    path("petitions/<int:pk>/petitioner/", views.petitioner, name="petitioner"),
    path("upward/", views.upward, name="upward"),
    path("upward/<int:pk>/", views.upward_report, name="upward_report"),
]
