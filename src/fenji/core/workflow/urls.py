from django.urls import path

from . import views

app_name = "workflow"

urlpatterns = [
    path("", views.in_scope, name="list"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.new, name="new"),
    path("new/<str:kind>/", views.file, name="file"),
    path("awaiting/", views.awaiting, name="awaiting"),
    path("timeliness/", views.timeliness, name="timeliness"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
