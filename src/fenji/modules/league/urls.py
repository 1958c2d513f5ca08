from django.urls import path

from . import activity_views, import_views, stats_views, views

app_name = "league"

# the console pages under league/, the member's phone pages under m/ (the mobile channel is chosen by that prefix)
urlpatterns = [
    path("league/orgs/", views.orgs, name="orgs"),
    path("league/orgs/<int:pk>/", views.org, name="org"),
    path("league/members/", views.members, name="members"),
    path("league/members/<int:pk>/", views.member, name="member"),
    path("league/members/import/", import_views.member_import_page, name="member_import"),
    path("league/members/import/template.xlsx", import_views.member_import_template, name="member_import_template"),
    path("league/members/import/<int:pk>/", import_views.member_import_job, name="member_import_job"),
    path("league/members/import/<int:pk>/errors.xlsx", import_views.member_import_errors, name="member_import_errors"),
    path("league/members/<int:pk>/transfer/", views.transfer_out, name="transfer_out"),
    path("league/members/<int:pk>/status/", views.status_propose, name="status_propose"),
    path("league/status/", views.status_cases, name="status_cases"),
    path("league/status/<int:pk>/", views.status_case, name="status_case"),
    path("league/transfers/", views.transfers, name="transfers"),
    path("league/transfers/<int:pk>/", views.transfer, name="transfer"),
    path("league/edits/", views.edits, name="edits"),
    path("league/edits/<int:pk>/", views.edit, name="edit"),
    path("league/dues/", views.dues, name="dues"),
    path("league/remittances/", views.remittances, name="remittances"),
    path("league/remittances/<int:pk>/", views.remittance, name="remittance"),
    path("league/dues-uses/", views.dues_uses, name="dues_uses"),
    path("league/stats/", stats_views.stats_page, name="stats"),
    path("league/activities/", activity_views.activities, name="activities"),
    path("league/activities/new/", activity_views.activity_new, name="activity_new"),
    path("league/activities/<int:pk>/", activity_views.activity, name="activity"),
    path("league/activities/<int:pk>/edit/", activity_views.activity_edit, name="activity_edit"),
    path("league/activities/<int:pk>/photos/<int:photo>/", activity_views.activity_photo, name="activity_photo"),
    path("m/league/dues/", views.m_dues, name="m_dues"),
    path("m/league/activities/", activity_views.m_activities, name="m_activities"),
    path("m/league/transfer/", views.m_transfer, name="m_transfer"),
    path("m/league/me/", views.m_me, name="m_me"),
]
