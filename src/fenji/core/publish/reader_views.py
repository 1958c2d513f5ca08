"""Where published posts are read: the phone's column pages for signed-in accounts, and the public pages
(no login) for the columns marked public — server-rendered, cacheable, and without personal data."""

from django.shortcuts import render
from django.views.decorators.cache import cache_control

from fenji.core.web.routes import public, signed_in

from . import selectors
from .views import _attachment_of

LIMIT = 50
MAX_AGE = 60  # a withdrawn post leaves browsers and proxies within a minute
PUBLIC_CACHE = cache_control(public=True, max_age=MAX_AGE)


@signed_in(channel="mobile")
def m_columns(request):
    return render(request, "publish/m_columns.html", {"rows": list(selectors.column_list_readable(account=request.user))})


@signed_in(channel="mobile")
def m_column(request, pk):
    column = selectors.column_get_readable(account=request.user, pk=pk)
    return render(request, "publish/m_column.html", {
        "column": column, "rows": list(selectors.post_list_published(column=column)[:LIMIT])})


@signed_in(channel="mobile")
def m_post(request, pk):
    post = selectors.post_get_readable(account=request.user, pk=pk)
    return render(request, "publish/m_post.html", {"post": post, "attachments": selectors.post_attachments(post)})


@signed_in(channel="mobile")
def m_post_attachment(request, pk, attachment_pk):
    return _attachment_of(selectors.post_get_readable(account=request.user, pk=pk), attachment_pk)


@public
@PUBLIC_CACHE
def public_home(request):
    rows = list(selectors.column_list_public())
    latest = selectors.post_latest_by_column(rows)
    return render(request, "publish/public_home.html", {"rows": [(c, latest[c.pk]) for c in rows]})


@public
@PUBLIC_CACHE
def public_column(request, pk):
    column = selectors.column_get_public(pk=pk)
    return render(request, "publish/public_column.html", {
        "column": column, "rows": list(selectors.post_list_published(column=column)[:LIMIT])})


@public
@PUBLIC_CACHE
def public_post(request, pk):
    post = selectors.post_get_public(pk=pk)
    return render(request, "publish/public_post.html", {"post": post, "attachments": selectors.post_attachments(post)})


@public
@PUBLIC_CACHE
def public_post_attachment(request, pk, attachment_pk):
    response = _attachment_of(selectors.post_get_public(pk=pk), attachment_pk)
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response
