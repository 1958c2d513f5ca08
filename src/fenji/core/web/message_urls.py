from django.urls import path

from . import message_views as views

app_name = "messages"

urlpatterns = [
    path("", views.message_list, name="list"),
    path("<int:pk>/", views.message_detail, name="detail"),
    path("read-all/", views.message_read_all, name="read_all"),
]
