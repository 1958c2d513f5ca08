from django.urls import path

from . import mobile_views, views

app_name = "tickets"

urlpatterns = [
    path("tickets/", views.ticket_list, name="list"),
    path("tickets/reviews/", views.reviews, name="reviews"),
    path("tickets/report/", views.report, name="report"),
    path("tickets/boards/", views.boards, name="boards"),
    path("tickets/boards/<int:pk>/", views.board_detail, name="board"),
    path("tickets/<int:pk>/", views.ticket_detail, name="detail"),
    path("tickets/<int:pk>/photos/<int:photo>/", views.ticket_photo, name="photo"),
    path("m/tickets/", mobile_views.my_tickets, name="m_list"),
    path("m/tickets/new/", mobile_views.ticket_new, name="m_new"),
    path("m/tickets/public/", mobile_views.public_replies, name="public"),
    path("m/tickets/<int:pk>/", mobile_views.ticket_detail, name="m_detail"),
    path("m/tickets/<int:pk>/photos/<int:photo>/", mobile_views.ticket_photo, name="m_photo"),
]
