from django.urls import path

from . import views

app_name = "veterans"

# the console pages under veterans/, the elder's phone pages under m/ (the mobile channel is chosen by that prefix)
urlpatterns = [
    path("veterans/elders/", views.elders, name="elders"),
    path("veterans/elders/<int:pk>/", views.elder, name="elder"),
    path("veterans/elders/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("veterans/records/", views.records, name="records"),
    path("veterans/records/new/<str:kind>/", views.record_new, name="record_new"),
    path("veterans/records/<int:pk>/", views.record, name="record"),
    path("veterans/records/<int:pk>/photos/<int:photo>/", views.record_photo, name="record_photo"),
    path("veterans/visits/", views.visits_due, name="visits_due"),
    path("m/veterans/mine/", views.m_mine, name="m_mine"),
]
