"""The unit's pages (console): notices to its members, activities and their sign-ups, feedback to answer."""

from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fenji.core.kernel.pagination import newest_first_page
from fenji.core.org.selectors import unit_own
from fenji.core.web.excel import stamp
from fenji.core.web.forms import form_post
from fenji.core.web.query import paging, query_without
from fenji.core.web.routes import requires, signed_in

from . import exports, selectors, services
from . import permissions as perms
from .forms import ActivityForm, AnswerForm, NoticeForm, OpinionForm, PassUpForm
from .models import FeedbackTopic


def _page(request, rows, template, extra):
    page = newest_first_page(rows, **paging(request))
    return render(request, template, {"page": page, "query": query_without(request, "after"),
                                      "first_page": not request.GET.get("after"), **extra})


@requires(perms.NOTICE_SEND)
@require_http_methods(["GET", "POST"])
def notices(request):
    unit = unit_own(actor=request.actor)
    form = NoticeForm(request.POST or None)
    consequence = ""
    if request.method == "POST" and form.is_valid() and request.POST.get("confirmed") != "1":
        count = services.notice_recipient_count(actor=request.actor, unit=unit,
                                                include_subtree=form.cleaned_data["include_subtree"])
        consequence = _("将发送给 %(n)s 名成员（站内消息），确认发送？") % {"n": f"{count:,}"}
    else:
        done = form_post(request, form, lambda data: services.notice_send(actor=request.actor, unit=unit, **data),
                         success=reverse("community:notices"),
                         message=lambda notice: _("已发送通知“%(t)s”，共 %(n)d 人") % {"t": notice.title,
                                                                                    "n": notice.recipient_count})
        if done:
            return done
    return _page(request, selectors.notice_list(actor=request.actor), "community/notices.html",
                 {"form": form, "unit": unit, "consequence": consequence})


@requires(perms.ACTIVITY_MANAGE)
@require_http_methods(["GET", "POST"])
def activities(request):
    unit = unit_own(actor=request.actor)
    form = ActivityForm(request.POST or None)
    done = form_post(request, form, lambda data: services.activity_create(actor=request.actor, unit=unit, **data),
                     success=reverse("community:activities"),
                     message=lambda activity: _("已发布活动“%(t)s”") % {"t": activity.title})
    return done or _page(request, selectors.activity_list(actor=request.actor), "community/activities.html",
                         {"form": form, "unit": unit})


@requires(perms.ACTIVITY_MANAGE)
def activity_detail(request, pk):
    activity = selectors.activity_get(actor=request.actor, pk=pk)
    if request.GET.get("format") == "xlsx":
        return exports.activity_signups_export(actor=request.actor, activity=activity).response(
            f"signups-{activity.pk}-{stamp()}.xlsx")
    return render(request, "community/activity_detail.html",
                  {"activity": activity, "signups": selectors.signup_list(activity)})


# The two kinds of feedback share their pages: what differs is who handles it and where its list is.
TOPIC_PAGES = {
    FeedbackTopic.UNIT: {"list": "community:feedback", "detail": "community:feedback_detail", "title": _("意见反馈")},
    FeedbackTopic.SYSTEM: {"list": "community:opinions", "detail": "community:opinion", "title": _("系统意见建议")},
}


def _feedback_list(request, topic):
    state = request.GET.get("state", "")
    return _page(request, selectors.feedback_list(actor=request.actor, state=state, topic=topic),
                 "community/feedback.html", {"state": state, "pages": TOPIC_PAGES[topic]})


def _feedback_detail(request, pk, topic):
    item = selectors.feedback_get(actor=request.actor, pk=pk, topic=topic)
    pages = TOPIC_PAGES[topic]
    passing = request.method == "POST" and request.POST.get("op") == "pass_up"
    form = AnswerForm(request.POST if request.method == "POST" and not passing else None)
    pass_form = PassUpForm(request.POST if passing else None) if topic == FeedbackTopic.SYSTEM else None
    if passing:
        done = form_post(request, pass_form,
                         lambda data: services.feedback_pass_up(actor=request.actor, feedback=item, **data),
                         success=reverse(pages["list"]), message=_("已转呈上级单位的系统管理员"))
    else:
        done = form_post(request, form,
                         lambda data: services.feedback_answer(actor=request.actor, feedback=item, **data),
                         success=reverse(pages["list"]), message=_("已答复，提交人会收到站内消息"))
    author = get_user_model().objects.unscoped(reason="the author of feedback in scope").select_related(
        "person", "unit").get(pk=item.author_id)
    return done or render(request, "community/feedback_detail.html", {
        "item": item, "form": form, "pass_form": pass_form, "author": author, "pages": pages,
        "has_upper": item.unit.parent_id is not None})


@requires(perms.FEEDBACK_HANDLE)
def feedback(request):
    return _feedback_list(request, FeedbackTopic.UNIT)


@requires(perms.FEEDBACK_HANDLE)
@require_http_methods(["GET", "POST"])
def feedback_detail(request, pk):
    return _feedback_detail(request, pk, FeedbackTopic.UNIT)


@requires(perms.OPINION_HANDLE)
def opinions(request):
    return _feedback_list(request, FeedbackTopic.SYSTEM)


@requires(perms.OPINION_HANDLE)
@require_http_methods(["GET", "POST"])
def opinion_detail(request, pk):
    return _feedback_detail(request, pk, FeedbackTopic.SYSTEM)


@signed_in
@require_http_methods(["GET", "POST"])
def opinion_new(request):
    """提意见建议: anyone with a console account writes about the system to their unit's administrator, and
    reads the answers to what they sent."""
    form = OpinionForm(request.POST or None)
    done = form_post(request, form, lambda data: services.feedback_submit(
        actor=request.actor, topic=FeedbackTopic.SYSTEM, **data), success=reverse("community:opinion_new"),
        message=_("已提交给本单位的系统管理员，答复后会通知您"))
    page = newest_first_page(selectors.feedback_list_mine(account=request.user), **paging(request))
    return done or render(request, "community/opinion_new.html", {"form": form, "page": page})
