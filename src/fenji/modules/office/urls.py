from django.urls import path

from . import views

app_name = "office"

urlpatterns = [
    path("media/", views.media, name="media"),
    path("media/<int:pk>/", views.medium, name="medium"),
    path("duty/", views.duty, name="duty"),
    path("publications/", views.publications, name="publications"),
    path("duty/<int:pk>/remove/", views.duty_remove, name="duty_remove"),
]
