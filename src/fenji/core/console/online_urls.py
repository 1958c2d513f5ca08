from django.urls import path

from . import online_views

app_name = "online"

urlpatterns = [
    path("security/online/", online_views.online_list, name="list"),
    path("security/online/<int:pk>/sign-out/", online_views.online_sign_out, name="sign_out"),
]
