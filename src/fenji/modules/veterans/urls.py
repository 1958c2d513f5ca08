from django.urls import path

from . import views

app_name = "veterans"

# the console pages under veterans/, the elder's phone pages under m/ (the mobile channel is chosen by that prefix)
urlpatterns = [
    path("veterans/elders/", views.elders, name="elders"),
    path("veterans/elders/<int:pk>/", views.elder, name="elder"),
    path("veterans/elders/import/", views.elder_import, name="elder_import"),
    path("veterans/elders/import/template.xlsx", views.elder_import_template, name="elder_import_template"),
    path("veterans/elders/import/<int:pk>/", views.elder_import_job, name="elder_import_job"),
    path("veterans/elders/import/<int:pk>/errors.xlsx", views.elder_import_errors, name="elder_import_errors"),
    path("veterans/elders/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("veterans/records/", views.records, name="records"),
    path("veterans/records/new/<str:kind>/", views.record_new, name="record_new"),
    path("veterans/records/<int:pk>/", views.record, name="record"),
    path("veterans/records/<int:pk>/photos/<int:photo>/", views.record_photo, name="record_photo"),
    path("veterans/visits/", views.visits_due, name="visits_due"),
    path("m/veterans/mine/", views.m_mine, name="m_mine"),
    path("m/veterans/records/", views.m_records, name="m_records"),
    path("m/veterans/records/new/<str:kind>/", views.m_record_new, name="m_record_new"),
]
