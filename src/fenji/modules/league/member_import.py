"""批量导入团员 (seed 002: 团员个人账号由所在团支部统一创建，通过批量导入功能…在入团手续办理完成后的 15 个工作日内): the
core's Excel import (``kernel.xlsx``) run with the League's columns ``LEAGUE_MEMBERS`` and ``LeagueMemberWriter``, as a
background job with its progress (``kernel.xlsx.jobs``), like the core's member import.

Each row is read by the spec (control characters refused, full-width digits folded, ID numbers and dates read as
text), checked against the file's other rows (the same ID number, mobile number or development number twice), then
entered through ``services.member_register`` itself — the same rules as a member entered by hand (a 团支部 only, the
development number and its join year, the join age, an ID number already a member refused: the answer is a
transfer) — each row in its own savepoint: the person, the member account (mobile login, no password: activated by
SMS code) and the member are written together or not at all. A refused row goes to the error report with its
reason. The import is one audit event (``league.member.import``) besides each member's ``league.member.register``.

The entry deadline: a member is to be entered within ``ENTRY_DAYS`` working days of joining (``entry_due``); one
entered later is counted late (``entered_late``) — in the import's record and in 团员录入及时率 (``oversight``).
"""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenji.core.access import policy
from fenji.core.audit.models import Outcome
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.text import normalise_number
from fenji.core.kernel.xlsx import jobs
from fenji.core.kernel.xlsx.run import CHUNK_ROWS, ImportResult, Row, RowWriter, import_rows
from fenji.core.kernel.xlsx.spec import CellError, Column, ImportSpec, by_label
from fenji.core.org.models import Unit
from fenji.core.people.identity import clean_mobile, parse_id_number
from fenji.core.people.import_uploader import import_uploader

from . import module as perms
from . import services
from .models import Education, Occupation, PoliticalStatus

IMPORT_ACTION = "league.member.import"
MAX_ROWS = 5_000  # a branch has a few dozen members: a larger file is most likely the wrong one
ENTRY_DAYS = 15  # seed 002: a new member is entered within 15 working days of joining
_SPACES = re.compile(r"[\s\u3000]+")


def entry_due(join_date: datetime.date) -> datetime.date:
    """The last day a member who joined on ``join_date`` is entered on time (the core's working-day calendar)."""
    from fenji.core.calendar.workdays import add_working_days

    return add_working_days(join_date, ENTRY_DAYS, provisional=True)


def entered_late(join_date: datetime.date, entered_on: datetime.date) -> bool:
    return entered_on > entry_due(join_date)



def _yes_no(text: str) -> bool:
    text = _SPACES.sub("", text)
    if text in ("是", "Y", "y", "1"):
        return True
    if text in ("否", "N", "n", "0"):
        return False
    raise CellError(_("请填写“是”或“否”"))


def _join_date(text: str) -> datetime.date:
    """2023-05-04, 2023/5/4, 2023.5.4, 2023年5月4日 (full-width digits too), or a date cell."""
    digits = re.findall(r"[0-9]+", normalise_number(text.split(" ")[0]))
    try:
        return datetime.date(*(int(part) for part in digits[:3]))
    except (TypeError, ValueError):
        raise CellError(_("日期无效（格式如 2023-05-04）")) from None


def _number(text: str) -> str:
    return normalise_number(text)


# The titles and aliases are the file's format (matched in the header), not text to translate.
LEAGUE_MEMBERS = jobs.register(ImportSpec("league.members", "团员名单", (
    Column("real_name", "姓名", required=True, parse=lambda t: _SPACES.sub(" ", t).strip(), max_length=50, width=12),
    Column("id_number", "身份证号", aliases=("身份证号码", "公民身份号码"), required=True, text_only=True, width=22,
           parse=lambda text: parse_id_number(_SPACES.sub("", text))),
    Column("mobile", "手机号", aliases=("手机号码", "手机", "联系电话"), required=True, text_only=True,
           parse=lambda text: clean_mobile(_SPACES.sub("", text))),
    Column("ethnicity", "民族", max_length=20, width=10),
    Column("join_date", "入团时间", aliases=("入团年月", "入团日期"), required=True, parse=_join_date, width=12),
    Column("join_place", "入团所在单位", aliases=("入团地点", "入团单位"), required=True, max_length=100, width=22),
    Column("development_no", "发展团员编号", aliases=("团员编号", "发展编号"), parse=_number, width=16),
    Column("political_status", "政治面貌", parse=by_label(PoliticalStatus, "政治面貌"), width=12),
    Column("education", "最高学历", aliases=("学历",), parse=by_label(Education, "最高学历"), width=14),
    Column("occupation", "职业", parse=by_label(Occupation, "职业"), width=14),
    Column("work_unit", "工作单位或学校", aliases=("工作单位", "学校"), max_length=100, width=22),
    Column("income", "月收入（元）", aliases=("收入", "月工资收入"), parse=_number, width=12),
    Column("student", "在校学生", aliases=("是否在校学生", "学生"), parse=_yes_no, width=10),
), example={"real_name": "张三（示例）", "id_number": "11010520080301002X", "mobile": "13800000000",
            "ethnicity": "汉族", "join_date": "2023-05-04", "join_place": "第十三中学", "development_no": "202300000001",
            "political_status": "共青团员", "education": "高中、中专、职高", "occupation": "学生", "income": "0",
            "student": "是"}))

OPTIONAL = ("ethnicity", "development_no", "political_status", "education", "occupation", "work_unit", "income",
            "student")
# the same number twice in one file: named by the first row that has it
UNIQUE = (("id_number", gettext_lazy("与第 %(row)s 行的身份证号相同：一人只能录入一次")),
          ("mobile", gettext_lazy("与第 %(row)s 行的手机号相同：一个手机号只能开设一个账号")),
          ("development_no", gettext_lazy("与第 %(row)s 行的发展团员编号相同")))
KEYS = {column.key for column in LEAGUE_MEMBERS.columns}


def _unique_value(row: Row, key: str):
    value = row.values.get(key)
    return value.number if key == "id_number" and value is not None else value


class LeagueMemberWriter(RowWriter):
    def __init__(self, *, actor, branch: Unit):
        self.actor = actor
        self.branch = branch
        self.late = 0
        self._late_chunk = 0

    def prepare(self, rows: list[Row]) -> None:
        seen: dict[str, dict] = {key: {} for key, _reason in UNIQUE}
        for row in rows:
            if not row.ok:
                continue
            for key, reason in UNIQUE:
                value = _unique_value(row, key)
                if value and value in seen[key]:
                    row.fail(key, str(reason) % {"row": seen[key][value]})
            if row.ok:
                for key, _reason in UNIQUE:
                    if value := _unique_value(row, key):
                        seen[key][value] = row.number

    def write(self, rows: list[Row]) -> int:
        """Each row through ``member_register`` (the same rules as by hand), in its own savepoint: whole or not at
        all."""
        today = timezone.localdate()
        created, self._late_chunk = 0, 0
        for row in rows:
            values = row.values
            extra = {key: values[key] for key in OPTIONAL if values.get(key) not in (None, "")}
            try:
                member = services.member_register(
                    actor=self.actor, branch=self.branch, real_name=values["real_name"],
                    id_number=values["id_number"].number, mobile=values["mobile"], join_date=values["join_date"],
                    join_place=values["join_place"], **extra)
            except DomainError as error:
                row.fail(error.field if error.field in KEYS else "", error.message)
                continue
            created += 1
            self._late_chunk += entered_late(member.join_date, today)
        return created

    def committed(self) -> None:
        self.late += self._late_chunk
        self._late_chunk = 0

    def _details(self, result: ImportResult) -> dict:
        return {"branch": self.branch.name, "file": result.file_name, "size": result.size, "sm3": result.sm3,
                "read": result.read, "created": result.created, "rejected": result.rejected,
                "late": self.late + self._late_chunk}

    def audit(self, result: ImportResult) -> None:
        audit_record(actor=self.actor, action=IMPORT_ACTION, target=self.branch, details=self._details(result))

    def failed(self, result: ImportResult, reason: str) -> None:
        audit_record(actor=self.actor, action=IMPORT_ACTION, target=self.branch, outcome=Outcome.FAILED,
                     details={**self._details(result), "error": reason[:200]})


@service
def _import_allowed(*, actor, branch: Unit) -> None:
    """Checked once before the file is read: the actor manages the branch's members, and it is an active 团支部."""
    policy.require(actor, perms.MEMBER_MANAGE, branch.path)
    if branch.kind not in services.BRANCH_KINDS:
        raise DomainError(_("团员只能编入团支部，请选择团支部"), field="branch")
    if not branch.is_active:
        raise DomainError(_("“%(name)s”已撤销") % {"name": branch.name}, field="branch")


def league_member_import(*, actor, branch: Unit, file, file_name: str = "", chunk_size: int = CHUNK_ROWS,
                         max_rows: int | None = None, progress=None) -> ImportResult:
    """Enter a member of ``branch`` for every valid row of the .xlsx ``file``; ``result.counts["late"]``: members
    entered more than ``ENTRY_DAYS`` working days after joining."""
    _import_allowed(actor=actor, branch=branch)
    writer = LeagueMemberWriter(actor=actor, branch=branch)
    result = import_rows(LEAGUE_MEMBERS, file, writer=writer, file_name=file_name, chunk_size=chunk_size,
                         max_rows=max_rows, progress=progress)
    result.counts["late"] = writer.late
    return result


def league_member_import_start(*, actor, branch: Unit, file, file_name: str, max_rows: int):
    """Queue the import of an upload (the right and the header checked first: refused at once, nothing queued)."""
    _import_allowed(actor=actor, branch=branch)
    return jobs.job_start(LEAGUE_MEMBERS, file, account_id=actor.account_id, file_name=file_name, unit_id=branch.pk,
                          unit_name=branch.name, options={"max_rows": max_rows})


@jobs.runs(LEAGUE_MEMBERS)
def run_job(job, stream, progress) -> ImportResult:
    """The queued import, run as the account that uploaded it (with its grants as they are now)."""
    actor, unit = import_uploader(job)
    return league_member_import(actor=actor, branch=unit, file=stream, file_name=job.file_name,
                                max_rows=job.options.get("max_rows"), progress=progress)
