from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("supervision/", views.inspection_list, name="list"),
    path("supervision/new/", views.inspection_new, name="new"),
    path("supervision/<int:pk>/", views.inspection_detail, name="detail"),
    path("supervision/<int:pk>/print.pdf", views.inspection_pdf, name="pdf"),
    path("supervision/samples/<int:pk>/", views.sample_detail, name="sample"),
    path("supervision/rectifications/", views.rectification_list, name="rectifications"),
    path("supervision/rectifications/<int:pk>/", views.rectification_detail, name="rectification"),
    path("supervision/rectifications/<int:pk>/files/<int:file>/", views.rectification_file, name="file"),
    path("supervision/accuracy/", views.accuracy, name="accuracy"),
    path("supervision/usage/", views.usage_page, name="usage"),
    path("supervision/usage/issue/", views.usage_issue, name="usage_issue"),
    path("supervision/assessment/", views.assessment_page, name="assessment"),
    path("supervision/assessment/issue/", views.assessment_issue, name="assessment_issue"),
]
