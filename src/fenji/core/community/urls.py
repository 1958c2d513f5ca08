from django.urls import path

from . import mobile_views, views

app_name = "community"

urlpatterns = [
    path("community/notices/", views.notices, name="notices"),
    path("community/activities/", views.activities, name="activities"),
    path("community/activities/<int:pk>/", views.activity_detail, name="activity"),
    path("community/feedback/", views.feedback, name="feedback"),
    path("community/feedback/<int:pk>/", views.feedback_detail, name="feedback_detail"),
    path("community/opinions/", views.opinions, name="opinions"),
    path("community/opinions/<int:pk>/", views.opinion_detail, name="opinion"),
    path("community/opinions/mine/", views.opinion_new, name="opinion_new"),
    path("m/notices/", mobile_views.notices, name="m_notices"),
    path("m/notices/<int:pk>/", mobile_views.notice_detail, name="m_notice"),
    path("m/activities/", mobile_views.activities, name="m_activities"),
    path("m/activities/<int:pk>/", mobile_views.activity_detail, name="m_activity"),
    path("m/activities/<int:pk>/signup/", mobile_views.activity_signup, name="m_signup"),
    path("m/feedback/", mobile_views.feedback, name="m_feedback"),
]
