"""Writes of the veterans module: each checks the actor's right at the unit, validates, writes and audits in one
transaction (``@service``). A service record is entered for the actor's own unit (the unit that did the work)
about an elder within the actor's reach; its 5-working-day verdict is read at entry (``records.entered_on_time``);
a change after entry keeps the fields before and after with the reason."""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.utils import timezone
from django.utils.crypto import get_random_string

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.files.models import FileKind
from fenji.core.files.services import attachment_write
from fenji.core.kernel.crypto import blind_index
from fenji.core.kernel.errors import DomainError, NotVisible
from fenji.core.kernel.inputs import date_in_range
from fenji.core.kernel.text import checked_text
from fenji.core.people.identity import clean_mobile, parse_id_number
from fenji.core.people.models import Account, AccountKind, Person

from . import module as perms
from . import record_fields
from .models import Elder, ElderStatus, Health, Rank, RecordKind, RecordRevision, Retirement, SelfCare, ServiceRecord
from .records import entered_on_time

PHOTO_KINDS = {FileKind.JPG, FileKind.PNG, FileKind.PDF}
PHOTOS_MAX = 9
AMOUNT_MAX = Decimal("1000000")
HOURS_MAX = Decimal("24")  # one record is one day's service at most

RECORD_ACTIONS = {RecordKind.VISIT: perms.VISIT_RECORD, RecordKind.AID: perms.AID_MANAGE,
                  RecordKind.BRANCH: perms.BRANCH_RECORD, RecordKind.VOLUNTEER: perms.VOLUNTEER_RECORD}
ELDER_FIELDS = ("retirement", "former_post", "rank", "retired_on", "residence", "health", "self_care", "living_alone",
                "contact_name", "contact_relation", "contact_phone", "branch")


def _text(value, label, field, limit, required=False):
    return checked_text(value, label=label, field=field, limit=limit, required=required)


def _choice(value, choices, label, field):
    if value not in choices.values:
        raise DomainError(f"请选择{label}", field=field)
    return value


def _elder_fields(data: dict) -> dict:
    """The elder's own facts checked (the person's name and ID number are not among them)."""
    today = timezone.localdate()
    retired_on = data.get("retired_on")
    if retired_on is not None and (retired_on > today or not date_in_range(retired_on)):
        raise DomainError("离退休时间不能晚于今天", field="retired_on")
    phone = (data.get("contact_phone") or "").strip()
    return {
        "retirement": _choice(data.get("retirement"), Retirement, "离休或退休", "retirement"),
        "former_post": _text(data.get("former_post"), "原工作单位及职务", "former_post", 100),
        "rank": _choice(data.get("rank") or Rank.OTHER, Rank, "原职级", "rank"),
        "retired_on": retired_on,
        "residence": _text(data.get("residence"), "居住地址", "residence", 200),
        "health": _choice(data.get("health") or Health.GOOD, Health, "健康状况", "health"),
        "self_care": _choice(data.get("self_care") or SelfCare.FULL, SelfCare, "生活自理情况", "self_care"),
        "living_alone": bool(data.get("living_alone")),
        "contact_name": _text(data.get("contact_name"), "联系亲属", "contact_name", 50),
        "contact_relation": _text(data.get("contact_relation"), "与本人关系", "contact_relation", 20),
        "contact_phone": _phone(phone) if phone else "",
        "branch": _text(data.get("branch"), "所在离退休干部党支部", "branch", 100),
    }


def _phone(text: str) -> str:
    try:
        return clean_mobile(text)
    except DomainError as error:
        raise DomainError(error.message, field="contact_phone") from None


def _unusable_password() -> str:
    return UNUSABLE_PASSWORD_PREFIX + get_random_string(40)


def elder_account_create(*, actor, unit, person: Person, mobile: str) -> Account:
    """The elder's mobile account, without a password: the elder activates it with an SMS code (激活账号). Called
    inside the service that registers the elder (the one form or the import), which checks and audits."""
    if Account.objects.unscoped(reason="one mobile number, one account: platform-wide").filter(
            mobile_hash=blind_index(mobile)).exists():
        raise DomainError("该手机号已有账号：一个手机号只能开设一个账号，请核实后再填", field="mobile")
    return Account.objects.create(person=person, kind=AccountKind.ELDER, mobile=mobile, unit=unit, unit_path=unit.path,
                                  password=_unusable_password(), must_change_password=True,
                                  opened_by_id=actor.account_id)


@service
def elder_register(*, actor, unit, real_name: str, id_number: str, mobile: str = "", **fields) -> Elder:
    """A retired cadre entered for ``unit``; with a mobile number, their mobile account is opened at once
    (activated later by the elder with an SMS code)."""
    policy.require(actor, perms.ELDER_MANAGE, unit.path)
    if not unit.is_active:
        raise DomainError(f"“{unit.name}”已撤销，不能在其下登记老干部", field="unit")
    real_name = _text(real_name, "姓名", "real_name", 50, required=True)
    identity = parse_id_number(id_number or "")
    data = _elder_fields(fields)
    if Person.objects.filter(id_number_hash=blind_index(identity.number)).exists():
        # The person may be known elsewhere, outside the actor's reach: the refusal does not say where.
        raise DomainError("该身份证号码已登记：一人只能登记一次，如需调整请联系上级管理员", field="id_number")
    person = Person.objects.create(real_name=real_name, id_number=identity.number, gender=identity.gender,
                                   birth_date=identity.birth_date)
    elder = Elder.objects.create(person=person, unit=unit, unit_path=unit.path, created_by_id=actor.account_id, **data)
    if (mobile or "").strip():
        elder_account_create(actor=actor, unit=unit, person=person, mobile=_mobile(mobile))
    audit_record(actor=actor, action="veterans.elder.register", target=elder,
                 details={"name": real_name, "unit": unit.name, "retirement": data["retirement"],
                          "account": bool((mobile or "").strip())})
    return elder


def _mobile(text: str) -> str:
    try:
        return clean_mobile(text)
    except DomainError as error:
        raise DomainError(error.message, field="mobile") from None


@service
def elder_update(*, actor, elder: Elder, **fields) -> Elder:
    """The elder's facts changed (health, residence, contact…): the audit names the fields changed."""
    policy.require(actor, perms.ELDER_MANAGE, elder.unit_path)
    data = _elder_fields(fields)
    elder = Elder.objects.unscoped(reason="found in scope").select_for_update(of=("self",)).get(pk=elder.pk)
    changed = [name for name, value in data.items() if getattr(elder, name) != value]
    for name in changed:
        setattr(elder, name, data[name])
    if changed:
        elder.save(update_fields=[*changed, "updated_at"])
    audit_record(actor=actor, action="veterans.elder.update", target=elder, details={"fields": changed})
    return elder


@service
def elder_status_set(*, actor, elder: Elder, status: str, note: str) -> Elder:
    """去世 or 迁出 (or back to 在册): the elder leaves the lists and the visit cadence; the records stay."""
    policy.require(actor, perms.ELDER_MANAGE, elder.unit_path)
    status = _choice(status, ElderStatus, "状态", "status")
    note = _text(note, "状态说明", "note", 200, required=status != ElderStatus.ACTIVE)
    elder.status, elder.status_note = status, note
    elder.save(update_fields=["status", "status_note", "updated_at"])
    audit_record(actor=actor, action="veterans.elder.status", target=elder, details={"status": status, "note": note})
    return elder


def elder_in_reach(*, actor, elder_id, action: str) -> Elder:
    """An elder the actor may record work for (``action`` held at the elder's unit), else ``NotVisible``."""
    elder = (Elder.objects.visible_to(actor, action).select_related("person").filter(pk=elder_id).first()
             if str(elder_id or "").isdigit() else None)
    if elder is None:
        raise NotVisible("老干部不存在或不在您的管理范围内", target_type=Elder._meta.label_lower, target_id=elder_id)
    return elder


def _number(value, *, label: str, field: str, maximum: Decimal, places: int, positive: bool = False):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().translate(str.maketrans("０１２３４５６７８９．", "0123456789.")))
    except InvalidOperation:
        raise DomainError(f"{label}应为数字", field=field) from None
    if not number.is_finite() or number < 0 or (positive and number == 0) or number > maximum:
        raise DomainError(f"{label}应在 {'0 以上' if positive else '0'} 到 {maximum} 之间", field=field)
    if number != round(number, places):
        raise DomainError(f"{label}最多保留 {places} 位小数", field=field)
    return number.quantize(Decimal(1).scaleb(-places))  # as the column stores it: 800 → 800.00


def _common(kind: str, *, ended_on, started_on, workers, amount, hours) -> dict:
    today = timezone.localdate()
    if ended_on is None:
        raise DomainError("请填写活动结束日期", field="ended_on")
    if ended_on > today:
        raise DomainError("活动结束日期不能晚于今天：活动结束后再录入", field="ended_on")
    if not date_in_range(ended_on):
        raise DomainError("活动结束日期无效", field="ended_on")
    if started_on is not None and started_on > ended_on:
        raise DomainError("活动开始日期不能晚于结束日期", field="started_on")
    data = {"ended_on": ended_on, "started_on": started_on,
            "workers": _text(workers, "经办人员", "workers", 100, required=True),
            "amount": None, "hours": None}
    if kind in record_fields.AMOUNT_LABEL:
        data["amount"] = _number(amount, label=record_fields.AMOUNT_LABEL[kind], field="amount", maximum=AMOUNT_MAX,
                                 places=2)
    if kind in record_fields.WITH_HOURS:
        data["hours"] = _number(hours, label="服务时长", field="hours", maximum=HOURS_MAX, places=1, positive=True)
        if data["hours"] is None:
            raise DomainError("请填写服务时长（小时）", field="hours")
    return data


def _photos(*, actor, unit, uploads) -> list:
    uploads = list(uploads or ())
    if len(uploads) > PHOTOS_MAX:
        raise DomainError(f"一条记录最多上传 {PHOTOS_MAX} 个照片或附件", field="photos")
    return [attachment_write(actor=actor, unit=unit, upload=upload, kinds=PHOTO_KINDS,
                             kinds_label="JPEG、PNG 图片或 PDF") for upload in uploads]


@service
def record_enter(*, actor, unit, kind: str, ended_on: datetime.date, details: dict, elder: Elder | None = None,
                 started_on: datetime.date | None = None, workers: str = "", amount=None, hours=None,
                 uploads=()) -> ServiceRecord:
    """A service record of ``unit``'s work entered today; late (after the fifth working day) is kept and flagged."""
    if kind not in RecordKind.values:
        raise DomainError("请选择记录类型", field="kind")
    action = RECORD_ACTIONS[kind]
    policy.require(actor, action, unit.path)
    if kind in record_fields.WITH_ELDER:
        if elder is None:
            raise DomainError("请选择服务对象（老干部）", field="elder")
        elder = elder_in_reach(actor=actor, elder_id=elder.pk, action=perms.ELDER_VIEW)
        if elder.status != ElderStatus.ACTIVE:
            raise DomainError(f"{elder.person.real_name}已{elder.get_status_display()}，不能再登记服务记录", field="elder")
    else:
        elder = None
    common = _common(kind, ended_on=ended_on, started_on=started_on, workers=workers, amount=amount, hours=hours)
    cleaned = record_fields.clean_details(kind, details or {})
    today = timezone.localdate()
    record = ServiceRecord.objects.create(
        unit=unit, unit_path=unit.path, kind=kind, elder=elder,
        title=record_fields.summary(kind, cleaned, elder.person.real_name if elder else "")[:200],
        entered_on=today, on_time=entered_on_time(common["ended_on"], today), details=cleaned,
        recorded_by_id=actor.account_id, **common)
    photos = _photos(actor=actor, unit=unit, uploads=uploads)
    if photos:
        record.photos.add(*photos)
    audit_record(actor=actor, action="veterans.record.enter", target=record,
                 details={"kind": kind, "elder": elder.person.real_name if elder else "",
                          "ended_on": common["ended_on"].isoformat(), "on_time": record.on_time})
    return record


def _snapshot(record: ServiceRecord) -> dict:
    return {"ended_on": record.ended_on.isoformat(),
            "started_on": record.started_on.isoformat() if record.started_on else None,
            "workers": record.workers, "amount": str(record.amount) if record.amount is not None else None,
            "hours": str(record.hours) if record.hours is not None else None, **record.details}


@service
def record_update(*, actor, record: ServiceRecord, reason: str, ended_on: datetime.date, details: dict,
                  started_on: datetime.date | None = None, workers: str = "", amount=None, hours=None,
                  uploads=()) -> ServiceRecord:
    """A record corrected after entry: the reason, the fields before and after are kept (a sampled record shows
    on its sample that it changed); the entry date stays, so a later end date cannot make a late record on time."""
    policy.require(actor, RECORD_ACTIONS[record.kind], record.unit_path)
    reason = _text(reason, "修改原因", "reason", 200, required=True)
    record = ServiceRecord.objects.unscoped(reason="found in scope").select_for_update(of=("self",)).get(pk=record.pk)
    common = _common(record.kind, ended_on=ended_on, started_on=started_on, workers=workers, amount=amount,
                     hours=hours)
    if common["ended_on"] > record.entered_on:
        raise DomainError("活动结束日期不能晚于录入日期", field="ended_on")
    cleaned = record_fields.clean_details(record.kind, details or {})
    before = _snapshot(record)
    for name, value in common.items():
        setattr(record, name, value)
    record.details = cleaned
    after = _snapshot(record)
    photos = _photos(actor=actor, unit=record.unit, uploads=uploads)
    if before == after and not photos:
        raise DomainError("没有修改任何内容")
    record.on_time = entered_on_time(record.ended_on, record.entered_on)
    record.title = record_fields.summary(record.kind, cleaned,
                                         record.elder.person.real_name if record.elder_id else "")[:200]
    record.revision += 1
    record.save()
    if photos:
        record.photos.add(*photos)
        after["photos_added"] = [p.original_name for p in photos]
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    RecordRevision.objects.create(record=record, number=record.revision, changed_by_id=actor.account_id,
                                  reason=reason, before={k: before.get(k) for k in changed},
                                  after={k: after.get(k) for k in changed})
    audit_record(actor=actor, action="veterans.record.update", target=record,
                 details={"revision": record.revision, "fields": changed, "reason": reason})
    return record
