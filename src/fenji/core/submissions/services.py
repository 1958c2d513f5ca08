"""Reports up: draft, send to the head, the head reviews and seals (and so submits), the parent unit
signs for it and handles it, or returns it (to the head while reviewing, or from the parent) for
rework. Each step checks who may take it, writes and audits in one transaction."""

from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.services import RuleViolation
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.files.services import attachment_intact, attachment_store
from fenji.core.kernel import modules
from fenji.core.kernel.errors import DomainError, NotVisible
from fenji.core.org.models import Unit, UnitStatus
from fenji.core.seals import permissions as seal_perms
from fenji.core.seals.services import require_apply, seal_apply

from . import permissions as perms
from .alerts import arrival_alert, review_alert
from .models import EDITABLE, Submission, SubmissionKind, SubmissionState

MAX_ATTACHMENTS = 20


def content_bytes(submission: Submission) -> bytes:
    """What the seal covers besides the attachments: the 文种, title, contact and body, as UTF-8 text."""
    kind = SubmissionKind(submission.kind).label if submission.kind in SubmissionKind.values else submission.kind
    lines = [f"文种：{kind}", f"标题：{submission.title}", f"联系人：{submission.contact}", "", submission.body]
    return "\n".join(lines).encode()


def _locked(submission: Submission) -> Submission:
    return (Submission.objects.unscoped(reason="a submission the caller has already shown the actor")
            .select_for_update().get(pk=submission.pk))


def _own_unit(actor):
    from django.contrib.auth import get_user_model

    if actor is policy.SYSTEM or getattr(actor, "account_id", None) is None:
        raise DomainError("上报事项须由本人账号起草")
    account = (get_user_model().objects.unscoped(reason="the drafter's own account").select_related("unit__parent")
               .get(pk=actor.account_id))
    return account.unit


def _validate(kind, title, body, contact):
    if kind not in SubmissionKind.values:
        raise DomainError("请选择文种：信息、请示或报告", field="kind")
    for value, name, label in ((title, "title", "标题"), (body, "body", "正文"), (contact, "contact", "联系人及电话")):
        if not (value or "").strip():
            raise DomainError(f"请填写{label}", field=name)


def submission_targets(unit: Unit) -> list[Unit]:
    """Where ``unit`` may send what it initiates: its parent first, then the active units beside it of a kind a
    live module declares a receiver (``Module.submission_receivers``: a county commission's rooms approve the
    documents its towns and dispatched groups initiate)."""
    if unit.parent_id is None:
        return []
    kinds = {kind for module in modules.live() for kind in module.submission_receivers}
    beside = (Unit.objects.filter(parent_id=unit.parent_id, kind__in=kinds, status=UnitStatus.ACTIVE)
              .exclude(pk=unit.pk).order_by("path") if kinds else [])
    return [unit.parent, *beside]


def _target(unit: Unit, chosen) -> Unit:
    targets = submission_targets(unit)
    if chosen in (None, ""):
        return targets[0]
    wanted = chosen.pk if isinstance(chosen, Unit) else chosen
    found = next((t for t in targets if str(t.pk) == str(wanted)), None)
    if found is None:  # the same answer for a unit elsewhere and one that does not exist
        raise DomainError("只能报送本单位的上级单位或其受理部门", field="target_unit")
    return found


@service
def submission_draft(*, actor, kind: str, title: str, body: str, contact: str, uploads=(),
                     submission: Submission | None = None, remove_attachments=(), target_unit=None) -> Submission:
    """Start a draft for the actor's own unit, or change the actor's own draft (also a returned one).
    ``target_unit`` (a unit or its id) is one of ``submission_targets``; none: the parent (or, for a draft, as
    it was)."""
    _validate(kind, title, body, contact)
    if submission is None:
        unit = _own_unit(actor)
        policy.require(actor, perms.SUBMISSION_DRAFT, unit.path)
        if unit.parent_id is None:
            raise DomainError(f"“{unit.name}”没有上级单位，无法上报")
        submission = Submission(unit=unit, unit_path=unit.path, target_unit=_target(unit, target_unit),
                                drafted_by_id=actor.account_id)
        created = True
    else:
        submission = _locked(submission)
        policy.require(actor, perms.SUBMISSION_DRAFT, submission.unit_path)
        if submission.drafted_by_id != actor.account_id:
            raise NotVisible()
        if submission.state not in EDITABLE:
            raise DomainError("已送审或已报送的事项不能修改")
        if target_unit not in (None, ""):
            submission.target_unit = _target(submission.unit, target_unit)
        created = False
    submission.kind, submission.title = kind, title.strip()[:200]
    submission.body, submission.contact = body.strip(), contact.strip()[:100]
    submission.save()
    if remove_attachments:
        submission.attachments.remove(*[int(pk) for pk in remove_attachments])
    uploads = [u for u in uploads if u]
    if _attachments(submission).count() + len(uploads) > MAX_ATTACHMENTS:
        raise DomainError(f"附件最多 {MAX_ATTACHMENTS} 个", field="files")
    for upload in uploads:
        submission.attachments.add(attachment_store(actor=actor, unit=submission.unit, upload=upload))
    audit_record(actor=actor, action="submissions.submission.draft", target=submission,
                 details={"created": created, "title": submission.title, "kind": submission.kind,
                          "target": submission.target_unit.name,
                          "attachments": sorted(_attachments(submission).values_list("pk", flat=True))})
    return submission


@service
def submission_send_for_review(*, actor, submission: Submission) -> Submission:
    submission = _locked(submission)
    policy.require(actor, perms.SUBMISSION_DRAFT, submission.unit_path)
    if submission.drafted_by_id != actor.account_id:
        raise NotVisible()
    if submission.state not in EDITABLE:
        raise DomainError("该事项已送审或已报送")
    submission.state = SubmissionState.REVIEWING
    submission.save(update_fields=["state", "updated_at"])
    audit_record(actor=actor, action="submissions.submission.review", target=submission)
    review_alert(submission)
    return submission


def _attachments(submission: Submission):
    return submission.attachments.unscoped(reason="the submission's own attachments")


def ordered_attachments(submission: Submission) -> list:
    return list(_attachments(submission).order_by("pk"))


@service
def submission_approve_and_seal(*, actor, submission: Submission) -> Submission:
    """The unit's head reviews the draft and seals it with the unit's seal, which submits it upward.
    Only the unit's own head: a superior's leader may not seal in the unit's name."""
    submission = _locked(submission)
    require_apply(actor, submission.unit)
    if submission.state != SubmissionState.REVIEWING:
        raise DomainError("该事项不在待审核状态，请刷新页面")
    if submission.drafted_by_id == actor.account_id:
        raise RuleViolation("审核盖章人不能是起草人本人：请由单位负责人审核", rule="reviewer_is_drafter",
                            action=seal_perms.SEAL_APPLY)
    if submission.target_unit_id not in {t.pk for t in submission_targets(submission.unit)}:
        # the receiver was revoked (or the unit moved) since the draft: it would reach nobody entitled to it
        raise DomainError(f"主送单位“{submission.target_unit.name}”已不再受理本单位的报送，请退回起草人改选主送单位")
    attachments = ordered_attachments(submission)
    broken = [a.original_name for a in attachments if not attachment_intact(a)]
    if broken:
        raise DomainError(f"附件“{broken[0]}”的存储文件已损坏或缺失，请退回重新上传")
    stamp = seal_apply(actor=actor, unit=submission.unit, content=content_bytes(submission), attachments=attachments)
    now = timezone.now()
    submission.stamp_json = stamp.to_json()
    submission.seal_key_id = stamp.key_id
    submission.reviewed_by_id = actor.account_id
    submission.reviewed_at = now
    submission.submitted_at = now
    submission.state = SubmissionState.SUBMITTED
    submission.return_reason = ""
    submission.save()
    audit_record(actor=actor, action="submissions.submission.seal", target=submission,
                 details={"key_id": stamp.key_id, "content_sm3": stamp.statement["content_sm3"],
                          "target": submission.target_unit_id})
    arrival_alert(submission)
    return submission


def _require_handler(actor, submission: Submission):
    target_path = submission.target_unit.path
    if not policy.can(actor, perms.SUBMISSION_HANDLE, target_path) and not policy.can(
            actor, perms.SUBMISSION_DRAFT, submission.unit_path):
        raise NotVisible()
    policy.require(actor, perms.SUBMISSION_HANDLE, target_path)


@service
def submission_receive(*, actor, submission: Submission) -> Submission:
    """The parent unit signs for (签收) a submitted item."""
    submission = _locked(submission)
    _require_handler(actor, submission)
    if submission.state != SubmissionState.SUBMITTED:
        raise DomainError("该事项已签收或不在报送状态")
    submission.state = SubmissionState.RECEIVED
    submission.received_by_id = actor.account_id
    submission.received_at = timezone.now()
    submission.save(update_fields=["state", "received_by", "received_at", "updated_at"])
    audit_record(actor=actor, action="submissions.submission.receive", target=submission)
    return submission


@service
def submission_handle(*, actor, submission: Submission, note: str = "") -> Submission:
    """The parent unit closes a received item with its handling opinion (办结)."""
    submission = _locked(submission)
    _require_handler(actor, submission)
    if submission.state != SubmissionState.RECEIVED:
        raise DomainError("请先签收再办理" if submission.state == SubmissionState.SUBMITTED else "该事项已办结")
    submission.state = SubmissionState.HANDLED
    submission.handled_by_id = actor.account_id
    submission.handled_at = timezone.now()
    submission.handling_note = (note or "").strip()
    submission.save(update_fields=["state", "handled_by", "handled_at", "handling_note", "updated_at"])
    audit_record(actor=actor, action="submissions.submission.handle", target=submission,
                 details={"note": submission.handling_note})
    return submission


@service
def submission_return(*, actor, submission: Submission, reason: str) -> Submission:
    """Send it back for rework with a reason: by the head while reviewing, or by the parent unit once
    submitted. The stamp is dropped; the drafter edits and sends it again."""
    reason = (reason or "").strip()
    submission = _locked(submission)
    if submission.state == SubmissionState.REVIEWING:
        require_apply(actor, submission.unit)
    elif submission.state in (SubmissionState.SUBMITTED, SubmissionState.RECEIVED):
        _require_handler(actor, submission)
    else:
        raise DomainError("该事项当前不能退回")
    if not reason:
        raise DomainError("请填写退回原因", field="reason")
    previous = submission.state
    submission.state = SubmissionState.RETURNED
    submission.return_reason = reason[:500]
    submission.returned_by_id = actor.account_id
    submission.returned_at = timezone.now()
    submission.stamp_json = ""
    submission.seal_key = None
    submission.reviewed_by = None
    submission.reviewed_at = None
    submission.submitted_at = None
    submission.received_by = None
    submission.received_at = None
    submission.save()
    audit_record(actor=actor, action="submissions.submission.return", target=submission,
                 details={"reason": submission.return_reason, "from": previous})
    return submission

