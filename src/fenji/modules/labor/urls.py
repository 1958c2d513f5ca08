from django.urls import path

from . import views

app_name = "labor"

urlpatterns = [
    path("tickets/", views.tickets, name="tickets"),
    path("tickets/new/", views.ticket_new, name="ticket_new"),
    path("tickets/<int:pk>/", views.ticket, name="ticket"),
    path("tickets/<int:pk>/edit/", views.ticket_edit, name="ticket_edit"),
    path("tickets/<int:pk>/files/<int:file_pk>/", views.ticket_file, name="ticket_file"),
    path("tickets/<int:pk>/application.pdf", views.application_pdf, name="application_pdf"),
    path("tickets/<int:pk>/release.pdf", views.release_pdf, name="release_pdf"),
    path("ledger/", views.ledger, name="ledger"),
]
