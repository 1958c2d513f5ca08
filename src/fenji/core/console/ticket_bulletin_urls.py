from django.urls import path

from . import ticket_bulletin_views

app_name = "ticket_bulletin"

urlpatterns = [
    path("tickets/report/issue/", ticket_bulletin_views.ticket_bulletin_issue, name="issue"),
]
