from django.urls import path

from . import views

app_name = "discipline"

urlpatterns = [
    path("petitions/", views.petitions, name="petitions"),
    path("petitions/new/", views.petition_new, name="petition_new"),
    path("petitions/<int:pk>/", views.petition, name="petition"),
    path("petitions/<int:pk>/petitioner/", views.petitioner, name="petitioner"),
    path("clues/", views.clues, name="clues"),
    path("clues/new/", views.clue_new, name="clue_new"),
    path("clues/<int:pk>/", views.clue, name="clue"),
    path("cases/", views.cases, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("upward/", views.upward, name="upward"),
    path("upward/<int:pk>/", views.upward_report, name="upward_report"),
]
