"""Console pages of reports up: the lists, drafting with attachments, one item with its seal badge
(checked again on every view), the steps, the sealed package and its printable PDF."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fenji.core.access import policy
from fenji.core.files.forms import upload_form_status, upload_refused
from fenji.core.files.views import attachment_response, download_response
from fenji.core.kernel.errors import DomainError, NotVisible
from fenji.core.org.selectors import unit_own
from fenji.core.seals.services import may_apply as may_apply_seal
from fenji.core.web.forms import form_post
from fenji.core.web.pdf import PdfUnavailable, pdf_response
from fenji.core.web.routes import requires, signed_in

from . import exports, selectors, services
from . import permissions as perms
from .forms import HandleForm, ReturnForm, SubmissionForm
from .models import SubmissionState

LIST_SIZE = 50


@signed_in
def submission_list(request):
    actor = request.actor
    return render(request, "submissions/list.html", {
        "outgoing": selectors.submission_list_outgoing(actor=actor)[:LIST_SIZE],
        "awaiting": selectors.submission_list_awaiting_review(actor=actor)[:LIST_SIZE],
        "incoming": selectors.submission_list_incoming(actor=actor)[:LIST_SIZE],
        "can_draft": policy.can(actor, perms.SUBMISSION_DRAFT, actor.unit_path),
    })


def _save(request, form, submission=None):
    """Run the draft service from a bound form; returns the saved item or None (errors on the form)."""
    data = form.cleaned_data
    try:
        return services.submission_draft(
            actor=request.actor, kind=data["kind"], title=data["title"], body=data["body"],
            contact=data["contact"], uploads=data.get("files") or [], submission=submission,
            remove_attachments=data.get("remove") or [], target_unit=data.get("target_unit"))
    except DomainError as refusal:
        upload_refused(form, refusal)
        return None


def _form_page(request, form, submission=None):
    return render(request, "submissions/form.html", {"form": form, "submission": submission},
                  status=upload_form_status(form))


@requires(perms.SUBMISSION_DRAFT)
@require_http_methods(["GET", "POST"])
def new(request):
    form = SubmissionForm(request.POST or None, request.FILES or None,
                          targets=services.submission_targets(unit_own(actor=request.actor)))
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form)
        if saved is not None:
            messages.success(request, _("已保存草稿"))
            return redirect("submissions:detail", saved.pk)
    return _form_page(request, form)


@requires(perms.SUBMISSION_DRAFT)
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    submission = selectors.submission_get(actor=request.actor, pk=pk)
    if submission.drafted_by_id != request.actor.account_id or not submission.editable:
        raise NotVisible()
    attachments = selectors.submission_attachments(submission)
    initial = {"kind": submission.kind, "title": submission.title, "body": submission.body,
               "contact": submission.contact, "target_unit": submission.target_unit_id}
    form = SubmissionForm(request.POST or None, request.FILES or None, initial=initial, attachments=attachments,
                          targets=services.submission_targets(submission.unit))
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, submission)
        if saved is not None:
            messages.success(request, _("已保存草稿"))
            return redirect("submissions:detail", saved.pk)
    return _form_page(request, form, submission)


@signed_in
def detail(request, pk):
    actor = request.actor
    submission = selectors.submission_get(actor=actor, pk=pk)
    check = selectors.submission_seal_verify(submission)
    own = submission.drafted_by_id == actor.account_id
    target_path = submission.target_unit.path
    handler = policy.can(actor, perms.SUBMISSION_HANDLE, target_path)
    head = may_apply_seal(actor, submission.unit)
    state = submission.state
    return render(request, "submissions/detail.html", {
        "s": submission,
        "attachments": selectors.submission_attachments(submission),
        "stamp": selectors.submission_stamp(submission),
        "check": check,
        "seal_image": selectors.submission_seal_image(submission) if check else "",
        "may_edit": own and submission.editable,
        "may_send": own and submission.editable,
        "may_seal": head and not own and state == SubmissionState.REVIEWING,
        "head_is_drafter": head and own and state == SubmissionState.REVIEWING,
        "may_return": (state == SubmissionState.REVIEWING and head and not own) or (
            handler and state in (SubmissionState.SUBMITTED, SubmissionState.RECEIVED)),
        "may_receive": handler and state == SubmissionState.SUBMITTED,
        "may_handle": handler and state == SubmissionState.RECEIVED,
        "handle_form": HandleForm(),
    })


def _act(request, pk, run, done: str):
    submission = selectors.submission_get(actor=request.actor, pk=pk)
    try:
        run(submission)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, done)
    return redirect("submissions:detail", pk)


@signed_in
@require_POST
def send(request, pk):
    return _act(request, pk, lambda s: services.submission_send_for_review(actor=request.actor, submission=s),
                _("已送单位负责人审核"))


@signed_in
@require_POST
def seal(request, pk):
    return _act(request, pk, lambda s: services.submission_approve_and_seal(actor=request.actor, submission=s),
                _("已审核并加盖电子印章，报送上级"))


@signed_in
@require_POST
def receive(request, pk):
    return _act(request, pk, lambda s: services.submission_receive(actor=request.actor, submission=s),
                _("已签收"))


@signed_in
@require_POST
def handle(request, pk):
    form = HandleForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _act(request, pk, lambda s: services.submission_handle(actor=request.actor, submission=s, note=note),
                _("已办结"))


@signed_in
@require_http_methods(["GET", "POST"])
def return_view(request, pk):
    submission = selectors.submission_get(actor=request.actor, pk=pk)
    form = ReturnForm(request.POST or None)
    done = form_post(request, form, lambda data: services.submission_return(
        actor=request.actor, submission=submission, reason=data["reason"]),
        success=reverse("submissions:detail", args=[pk]), message=_("已退回"))
    if done:
        return done
    return render(request, "web/confirm.html", {
        "title": _("退回"), "button": _("确认退回"), "form": form,
        "question": _("退回“%(title)s”请起草人修改？已加盖的印章将作废，修改后须重新审核盖章。")
        % {"title": submission.title},
        "cancel_url": reverse("submissions:detail", args=[pk]),
    })


@signed_in
def package(request, pk):
    submission = selectors.submission_get(actor=request.actor, pk=pk)
    data = selectors.submission_package(submission)
    return download_response(data, f"{submission.title[:60]}-签章文件包.zip")


@signed_in
def pdf(request, pk):
    """The sealed item as a PDF with its seal image and the seal checked now (audited)."""
    submission = selectors.submission_get(actor=request.actor, pk=pk)
    try:
        data = exports.submission_pdf_export(actor=request.actor, submission=submission)
    except PdfUnavailable as error:
        messages.error(request, error.message)
        return redirect("submissions:detail", pk)
    return pdf_response(data, f"{submission.title[:60]}.pdf")


@signed_in
def attachment(request, pk, attachment_pk):
    submission = selectors.submission_get(actor=request.actor, pk=pk)
    for item in selectors.submission_attachments(submission):
        if item.pk == attachment_pk:
            return attachment_response(item)
    raise NotVisible()
