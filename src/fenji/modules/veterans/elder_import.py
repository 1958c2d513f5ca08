"""批量导入老干部: the kernel's import (``kernel.xlsx``) run with the elder spec ``ELDERS`` and ``ElderWriter``, as a
background job with its progress (``kernel.xlsx.jobs``).

Each row is checked on its own by the spec (name, ID number with its check digit, mobile number, the choices by
their Chinese labels, dates), then against the chunk's other rows and the database (one query per number over the
blind-index hashes); the valid rows are written — the person, the elder and, with a mobile number, the elder's
mobile account without a password (the elder activates it by SMS code) — and the others go to the error report
with their reasons. A row is written whole or not at all. The import is one audit event (``veterans.elder.import``).
"""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from fenji.core.access import policy
from fenji.core.audit.models import Outcome
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.crypto import blind_index
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.text import normalise_number
from fenji.core.kernel.xlsx import jobs
from fenji.core.kernel.xlsx.run import CHUNK_ROWS, ImportResult, Row, RowWriter, import_rows
from fenji.core.kernel.xlsx.spec import CellError, Column, ImportSpec, by_label
from fenji.core.org.models import Unit
from fenji.core.people.identity import clean_mobile, parse_id_number
from fenji.core.people.import_uploader import import_uploader
from fenji.core.people.models import Account, Person

from . import module as perms
from .models import Elder, Health, Rank, Retirement, SelfCare
from .services import elder_account_create

IMPORT_ACTION = "veterans.elder.import"
_SPACES = re.compile(r"[\s\u3000]+")



def _yes_no(text: str) -> bool:
    text = _SPACES.sub("", text)
    if text in ("是", "独居", "Y", "y", "1"):
        return True
    if text in ("否", "", "N", "n", "0"):
        return False
    raise CellError(_("请填写“是”或“否”"))


def _date(text: str) -> datetime.date:
    """2001-05-01, 2001/5/1, 2001.5.1, 2001年5月1日, or a date cell (read as 2001-05-01 00:00:00)."""
    digits = re.findall(r"\d+", normalise_number(text.split(" ")[0]))
    try:
        day = datetime.date(*(int(part) for part in digits[:3])) if len(digits) >= 3 else None
    except ValueError:
        day = None
    if day is None or day > timezone.localdate() or day.year < 1930:
        raise CellError(_("日期无效（格式如 2001-05-01，不能晚于今天）"))
    return day


def _mobile(text: str) -> str:
    return clean_mobile(_SPACES.sub("", text))


# The titles and aliases are the file's format (matched in the header), not text to translate.
ELDERS = jobs.register(ImportSpec("veterans.elders", "老干部名单", (
    Column("real_name", "姓名", required=True, parse=lambda t: _SPACES.sub(" ", t).strip(), max_length=50, width=12),
    Column("id_number", "身份证号", aliases=("身份证号码", "公民身份号码"), required=True, text_only=True, width=22,
           parse=lambda text: parse_id_number(_SPACES.sub("", text))),
    Column("retirement", "离休/退休", aliases=("离退休类别", "类别"), required=True, parse=by_label(Retirement, "离休/退休")),
    Column("mobile", "手机号", aliases=("手机号码", "手机"), parse=_mobile, text_only=True),
    Column("former_post", "原工作单位及职务", aliases=("原职务",), max_length=100, width=24),
    Column("rank", "原职级", aliases=("职级",), parse=by_label(Rank, "原职级")),
    Column("retired_on", "离退休时间", aliases=("离退休日期",), parse=_date),
    Column("residence", "居住地址", aliases=("住址", "居住地"), max_length=200, width=30),
    Column("health", "健康状况", parse=by_label(Health, "健康状况")),
    Column("self_care", "生活自理情况", aliases=("自理情况",), parse=by_label(SelfCare, "生活自理情况")),
    Column("living_alone", "独居", aliases=("是否独居",), parse=_yes_no),
    Column("contact_name", "联系亲属", max_length=50),
    Column("contact_relation", "与本人关系", max_length=20),
    Column("contact_phone", "亲属联系电话", parse=_mobile, text_only=True),
    Column("branch", "所在党支部", aliases=("所在离退休干部党支部", "党支部"), max_length=100, width=24),
    Column("unit_code", "所在单位代码", aliases=("单位代码",), max_length=32),
), example={"real_name": "张三（示例）", "id_number": "11010519491231002X", "retirement": "退休",
            "mobile": "13800000000", "health": "良好", "self_care": "能自理", "living_alone": "否"}))

FACTS = ("retirement", "former_post", "rank", "retired_on", "residence", "health", "self_care", "living_alone",
         "contact_name", "contact_relation", "contact_phone", "branch")


class ElderWriter(RowWriter):
    def __init__(self, *, actor, unit: Unit):
        self.actor = actor
        self.unit = unit
        self.units: dict[str, Unit | None] = {}

    def prepare(self, rows: list[Row]) -> None:
        wanted = {r.values.get("unit_code") for r in rows} - set(self.units) - {None, ""}
        if wanted:
            found = {u.code: u for u in Unit.objects.filter(code__in=wanted)}
            self.units.update((code, found.get(code)) for code in wanted)
        ids, mobiles = {}, {}
        for row in rows:
            if not row.ok:
                continue
            row.values["unit"] = self._unit(row)
            if not row.ok:
                continue
            number, mobile = row.values["id_number"].number, row.values.get("mobile")
            if number in ids:
                row.fail("id_number", _("与第 %(row)s 行的身份证号相同") % {"row": ids[number]})
            if mobile and mobile in mobiles:
                row.fail("mobile", _("与第 %(row)s 行的手机号相同") % {"row": mobiles[mobile]})
            if row.ok:
                ids[number] = row.number
                if mobile:
                    mobiles[mobile] = row.number
                row.values["id_hash"] = blind_index(number)
                row.values["mobile_hash"] = blind_index(mobile) if mobile else None

    def _unit(self, row: Row) -> Unit | None:
        code = row.values.get("unit_code")
        unit = self.units.get(code) if code else self.unit
        # out of reach reads like missing: the report must not tell which codes exist elsewhere
        if unit is None or not policy.can(self.actor, perms.ELDER_MANAGE, unit.path):
            row.fail("unit_code", _("单位代码“%(code)s”不存在，或不在您的管理范围内") % {"code": code})
            return None
        if not unit.is_active:
            row.fail("unit_code", _("单位“%(name)s”已撤销") % {"name": unit.name})
            return None
        return unit

    def write(self, rows: list[Row]) -> int:
        known_ids = set(Person.objects.filter(id_number_hash__in=[r.values["id_hash"] for r in rows])
                        .values_list("id_number_hash", flat=True))
        known_mobiles = set(Account.objects.unscoped(reason="one mobile number, one account: platform-wide")
                            .filter(mobile_hash__in=[r.values["mobile_hash"] for r in rows if r.values["mobile_hash"]])
                            .values_list("mobile_hash", flat=True))
        created = 0
        for row in rows:
            values = row.values
            if values["id_hash"] in known_ids:
                row.fail("id_number", _("该身份证号码已登记：一人只能登记一次"))
            if values["mobile_hash"] and values["mobile_hash"] in known_mobiles:
                row.fail("mobile", _("该手机号已有账号：一个手机号只能开设一个账号"))
            if not row.ok:
                continue
            identity, unit = values["id_number"], values["unit"]
            person = Person.objects.create(real_name=values["real_name"], id_number=identity.number,
                                           gender=identity.gender, birth_date=identity.birth_date)
            facts = {name: values[name] for name in FACTS if values.get(name) not in (None, "")}
            Elder.objects.create(person=person, unit=unit, unit_path=unit.path, created_by_id=self.actor.account_id,
                                 **facts)
            if values.get("mobile"):
                elder_account_create(actor=self.actor, unit=unit, person=person, mobile=values["mobile"])
            created += 1
        return created

    def _details(self, result: ImportResult) -> dict:
        return {"unit": self.unit.name, "file": result.file_name, "size": result.size, "sm3": result.sm3,
                "read": result.read, "created": result.created, "rejected": result.rejected}

    def audit(self, result: ImportResult) -> None:
        audit_record(actor=self.actor, action=IMPORT_ACTION, target=self.unit, details=self._details(result))

    def failed(self, result: ImportResult, reason: str) -> None:
        audit_record(actor=self.actor, action=IMPORT_ACTION, target=self.unit, outcome=Outcome.FAILED,
                     details={**self._details(result), "error": reason[:200]})


@service
def _import_allowed(*, actor, unit: Unit) -> None:
    policy.require(actor, perms.ELDER_MANAGE, unit.path)
    if not unit.is_active:
        raise DomainError(_("“%(name)s”已撤销，不能在其下登记老干部") % {"name": unit.name}, field="unit")


def elder_import(*, actor, unit: Unit, file, file_name: str = "", chunk_size: int = CHUNK_ROWS,
                 max_rows: int | None = None, progress=None) -> ImportResult:
    """Register an elder for every valid row of the .xlsx ``file``; rows without a unit code go to ``unit``."""
    _import_allowed(actor=actor, unit=unit)
    return import_rows(ELDERS, file, writer=ElderWriter(actor=actor, unit=unit), file_name=file_name,
                       chunk_size=chunk_size, max_rows=max_rows, progress=progress)


def elder_import_start(*, actor, unit: Unit, file, file_name: str, max_rows: int):
    """Queue the import of an upload (the right and the header checked first: refused at once, nothing queued)."""
    _import_allowed(actor=actor, unit=unit)
    return jobs.job_start(ELDERS, file, account_id=actor.account_id, file_name=file_name, unit_id=unit.pk,
                          unit_name=unit.name, options={"max_rows": max_rows})


@jobs.runs(ELDERS)
def run_job(job, stream, progress) -> ImportResult:
    actor, unit = import_uploader(job)
    return elder_import(actor=actor, unit=unit, file=stream, file_name=job.file_name,
                        max_rows=job.options.get("max_rows"), progress=progress)
