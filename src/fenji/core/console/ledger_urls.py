from django.urls import path

from . import ledger_views as views

app_name = "ledgers"

urlpatterns = [
    path("ledgers/accounts/", views.account_ledger, name="accounts"),
    path("ledgers/permissions/", views.grant_ledger, name="permissions"),
    path("ledgers/requests/<int:pk>/form.pdf", views.request_form, name="request_form"),
    path("ledgers/reviews/", views.review_list, name="reviews"),
    path("ledgers/reviews/new/", views.review_create, name="review_create"),
]
