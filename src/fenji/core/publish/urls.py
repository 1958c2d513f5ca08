from django.urls import path

from . import reader_views, views

app_name = "publish"

urlpatterns = [
    path("publish/columns/", views.columns, name="columns"),
    path("publish/columns/<int:pk>/", views.column_detail, name="column"),
    path("publish/health/", views.health, name="health"),
    path("publish/posts/", views.posts, name="posts"),
    path("publish/posts/new/", views.post_new, name="post_new"),
    path("publish/posts/<int:pk>/", views.post_detail, name="post"),
    path("publish/posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("publish/posts/<int:pk>/approvals.pdf", views.post_approvals_pdf, name="post_pdf"),
    path("publish/posts/<int:pk>/files/<int:attachment_pk>/", views.post_attachment, name="post_attachment"),
    path("publish/words/", views.words, name="words"),
    path("publish/words/<int:pk>/remove/", views.word_remove, name="word_remove"),
    path("m/columns/", reader_views.m_columns, name="m_columns"),
    path("m/columns/<int:pk>/", reader_views.m_column, name="m_column"),
    path("m/posts/<int:pk>/", reader_views.m_post, name="m_post"),
    path("m/posts/<int:pk>/files/<int:attachment_pk>/", reader_views.m_post_attachment, name="m_post_attachment"),
    path("public/", reader_views.public_home, name="public"),
    path("public/columns/<int:pk>/", reader_views.public_column, name="public_column"),
    path("public/posts/<int:pk>/", reader_views.public_post, name="public_post"),
    path("public/posts/<int:pk>/files/<int:attachment_pk>/", reader_views.public_post_attachment,
         name="public_post_attachment"),
]
