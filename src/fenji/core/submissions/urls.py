from django.urls import path

from . import views

app_name = "submissions"

urlpatterns = [
    path("", views.submission_list, name="list"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/seal/", views.seal, name="seal"),
    path("<int:pk>/receive/", views.receive, name="receive"),
    path("<int:pk>/handle/", views.handle, name="handle"),
    path("<int:pk>/return/", views.return_view, name="return"),
    path("<int:pk>/package.zip", views.package, name="package"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
]
