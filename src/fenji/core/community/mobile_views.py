"""The member's pages on the phone: 通知公告, 活动, 意见反馈 (large type, ``web/mobile_base.html``)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.pagination import newest_first_page, ordered_page
from fenji.core.notify.services import message_mark_read
from fenji.core.web.forms import form_post
from fenji.core.web.query import paging
from fenji.core.web.routes import signed_in

from . import selectors, services
from .forms import FeedbackForm


def _me(request):
    return get_user_model().objects.unscoped(reason="the signed-in account").get(pk=request.user.pk)


@signed_in(channel="mobile")
def notices(request):
    page = newest_first_page(selectors.notice_messages_mine(account=request.user), **paging(request))
    return render(request, "community/m_notices.html", {"page": page})


@signed_in(channel="mobile")
def notice_detail(request, pk):
    notice, message = selectors.notice_get_mine(account=request.user, pk=pk)
    message_mark_read(actor=request.user, message=message)
    return render(request, "community/m_notice.html", {"notice": notice})


@signed_in(channel="mobile")
def activities(request):
    me = _me(request)
    paged = paging(request)  # soonest-starting last: by page number, like every sorted list
    page = ordered_page(selectors.activity_list_offered(account=me), order=["-starts_at", "-id"],
                        page=paged["page"], size=paged["size"])
    return render(request, "community/m_activities.html", {
        "page": page, "mine": selectors.signed_up(account=me, activities=page.rows)})


@signed_in(channel="mobile")
def activity_detail(request, pk):
    me = _me(request)
    activity = selectors.activity_get_offered(account=me, pk=pk)
    return render(request, "community/m_activity.html", {
        "activity": activity, "mine": activity.pk in selectors.signed_up(account=me, activities=[activity]),
        "closed": timezone.now() > activity.signup_until})


@signed_in(channel="mobile")
@require_POST
def activity_signup(request, pk):
    me = _me(request)
    activity = selectors.activity_get_offered(account=me, pk=pk)
    join = request.POST.get("op") != "cancel"
    try:
        services.activity_signup(actor=request.actor, activity=activity, join=join)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("报名成功") if join else _("已取消报名"))
    return redirect(reverse("community:m_activity", args=[activity.pk]))


@signed_in(channel="mobile")
@require_http_methods(["GET", "POST"])
def feedback(request):
    form = FeedbackForm(request.POST or None)
    done = form_post(request, form, lambda data: services.feedback_submit(actor=request.actor, **data),
                     success=reverse("community:m_feedback"), message=_("已提交，单位答复后会通知您"))
    return done or render(request, "community/m_feedback.html", {
        "form": form, "page": newest_first_page(selectors.feedback_list_mine(account=request.user), **paging(request))})
