from django.urls import path

from . import backentry_views, export_views, followup_views, learning_views, stats_views, views

app_name = "discipline"

urlpatterns = [
    path("petitions/", views.petitions, name="petitions"),
    path("petitions/new/", views.petition_new, name="petition_new"),
    path("petitions/import/", backentry_views.petition_import, name="petition_import"),
    path("petitions/import/template.xlsx", backentry_views.petition_import_template, name="petition_import_template"),
    path("petitions/import/<int:pk>/", backentry_views.petition_import_job, name="petition_import_job"),
    path("petitions/import/<int:pk>/errors.xlsx", backentry_views.petition_import_errors, name="petition_import_errors"),
    path("petitions/<int:pk>/", views.petition, name="petition"),
    path("petitions/<int:pk>/petitioner/", views.petitioner, name="petitioner"),
    path("clues/", views.clues, name="clues"),
    path("clues/new/", views.clue_new, name="clue_new"),
    path("clues/<int:pk>/", views.clue, name="clue"),
    path("cases/", views.cases, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("rectifications/", followup_views.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/", followup_views.rectification, name="rectification"),
    path("absences/", followup_views.absences, name="absences"),
    path("absences/new/", followup_views.absence_new, name="absence_new"),
    path("absences/<int:pk>/", followup_views.absence, name="absence"),
    path("conduct/", followup_views.conduct_records, name="conduct_records"),
    path("conduct/new/", followup_views.conduct_new, name="conduct_new"),
    path("conduct/<int:pk>/", followup_views.conduct_record, name="conduct_record"),
    path("upward/", views.upward, name="upward"),
    path("upward/<int:pk>/", views.upward_report, name="upward_report"),
    path("exports/", export_views.exports, name="exports"),
    path("exports/new/", export_views.export_new, name="export_new"),
    path("exports/<int:pk>/", export_views.export, name="export"),
    path("exports/<int:pk>/file/", export_views.export_file, name="export_file"),
    path("imports/", export_views.imports, name="imports"),
    path("stats/", stats_views.stats_page, name="stats"),
    path("learning/", learning_views.learning, name="learning"),
]
