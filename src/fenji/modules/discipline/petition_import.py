"""补录导入 (seed 003 §19): the petitions kept on paper during an outage, entered many at once from an Excel
sheet — the kernel's import (``kernel.xlsx``) run with the spec ``PETITIONS`` and ``PetitionWriter``, as a
background job with its progress (``kernel.xlsx.jobs``).

Every row is a back-entry: it goes through ``services.petition_register`` with ``backfilled=True``, so the paper
date (收件日期) is kept and every deadline counts from it, the entry time is the import's, and each petition is
audited like one registered on the page. The rank guard applies row by row: a subject the unit may not record
refuses the row and opens the upward-report task, whose reference the error report names (the task is kept: the
paper must still go up). A row is written whole or not at all (its own savepoint); the others go on. The import
itself is one more audit event (``discipline.petition.import``).

One subject per row: a petition about several people is entered on the page, where up to
``forms.SUBJECT_ROWS`` are taken.
"""

import datetime
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
from fenji.core.people.import_uploader import import_uploader

from . import module as perms
from . import services
from .models import Category, Channel
from .rank import RANKS, rank_code

IMPORT_ACTION = "discipline.petition.import"
_SPACES = re.compile(r"[\s\u3000]+")
# a service's refusal names its field: the column it belongs to on the report
_COLUMN_OF = {"received_on": "received_on", "backfilled": "received_on", "channel": "channel",
              "category": "category", "content": "content", "subjects": "subject_name",
              "petitioner_name": "petitioner_name", "petitioner_phone": "petitioner_phone",
              "petitioner_address": "petitioner_address", "petitioner_workplace": "petitioner_workplace"}



def _paper_date(text: str) -> datetime.date:
    """2024-05-01, 2024/5/1, 2024.5.1, 2024年5月1日, or a date cell (read as 2024-05-01 00:00:00)."""
    digits = re.findall(r"\d+", normalise_number(text.split(" ")[0]))
    try:
        day = datetime.date(*(int(part) for part in digits[:3])) if len(digits) >= 3 else None
    except ValueError:
        day = None
    if day is None or day > timezone.localdate() or day.year < 2000:
        raise CellError(_("收件日期无效（格式如 2024-05-01，不能晚于今天）"))
    return day


def _real_name(text: str) -> bool:
    text = _SPACES.sub("", text)
    if text in ("实名", "是"):
        return True
    if text in ("匿名", "否"):
        return False
    raise CellError(_("请填写“实名”或“匿名”"))


def _rank(text: str) -> str:
    code = rank_code(_SPACES.sub("", text))
    if code is None:
        raise CellError(_("职级应为：%(labels)s") % {"labels": "、".join(label for _code, label in RANKS)})
    return code


def _yes_no(text: str) -> bool:
    text = _SPACES.sub("", text)
    if text in ("是", "党员", "中共党员", "Y", "y", "1"):
        return True
    if text in ("否", "", "N", "n", "0"):
        return False
    raise CellError(_("请填写“是”或“否”"))


def _text(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


# The titles and aliases are the sheet's format (matched in the header), not text to translate.
PETITIONS = jobs.register(ImportSpec("discipline.petitions", "信访件补录", (
    Column("received_on", "收件日期", aliases=("收信日期", "来信来访日期", "受理日期"), required=True, parse=_paper_date,
           width=14),
    Column("channel", "来源渠道", aliases=("渠道", "来源"), required=True, parse=by_label(Channel, "来源渠道")),
    Column("category", "类别", aliases=("信访类别", "件类"), required=True, parse=by_label(Category, "类别")),
    Column("real_name", "实名/匿名", aliases=("是否实名", "实名"), required=True, parse=_real_name),
    Column("petitioner_name", "信访人", aliases=("信访人姓名", "举报人"), parse=_text, max_length=50),
    Column("petitioner_phone", "联系电话", aliases=("信访人电话", "手机号"), text_only=True, parse=_text, width=14),
    Column("petitioner_address", "地址", aliases=("信访人地址",), parse=_text, max_length=200, width=24),
    Column("petitioner_workplace", "信访人工作单位", parse=_text, max_length=100, width=20),
    Column("content", "反映的主要问题", aliases=("主要问题", "反映问题"), required=True, max_length=services.CONTENT_MAX,
           width=40),
    Column("subject_name", "被反映人姓名", aliases=("被反映人",), required=True, parse=_text, max_length=50),
    Column("subject_workplace", "被反映人单位", aliases=("被反映人工作单位",), required=True, parse=_text, max_length=100,
           width=20),
    Column("subject_rank", "被反映人职级", aliases=("职级",), required=True, parse=_rank),
    Column("subject_post", "被反映人职务", aliases=("职务",), parse=_text, max_length=100),
    Column("subject_party", "是否党员", aliases=("党员",), parse=_yes_no),
), example={"received_on": "2024-05-06", "channel": "来信", "category": "检举", "real_name": "实名",
            "petitioner_name": "李某（示例）", "petitioner_phone": "13800000000", "content": "反映村务公开不及时",
            "subject_name": "王某", "subject_workplace": "某村村委会", "subject_rank": "村（社区）干部"}))


class PetitionWriter(RowWriter):
    def __init__(self, *, actor, unit: Unit):
        self.actor = actor
        self.unit = unit
        self.refused: set[int] = set()  # rows refused by the rank guard (each opened its upward task)

    def write(self, rows: list[Row]) -> int:
        created = 0
        for row in rows:
            values = row.values
            subject = services.SubjectIn(values["subject_name"], values["subject_workplace"], values["subject_rank"],
                                         values.get("subject_post") or "", bool(values.get("subject_party")))
            if not services.unit_may_record(self.unit, subject.rank):
                # the task stays with the chunk: the paper must still go up, and the row says where
                report = services.upward_report_open(actor=self.actor, unit=self.unit)
                row.fail("subject_rank", services.RankRefused(report).message)
                self.refused.add(row.number)
                continue
            try:
                with transaction.atomic():  # a row whole or not at all; the chunk goes on
                    services.petition_register(
                        actor=self.actor, unit=self.unit, received_on=values["received_on"], backfilled=True,
                        channel=values["channel"], category=values["category"], real_name=values["real_name"],
                        content=values["content"], subjects=[subject],
                        petitioner={"name": values.get("petitioner_name"), "phone": values.get("petitioner_phone"),
                                    "address": values.get("petitioner_address"),
                                    "workplace": values.get("petitioner_workplace")})
            except DomainError as error:
                row.fail(_COLUMN_OF.get(error.field or "", ""), error.message)
                continue
            created += 1
        return created

    def _details(self, result: ImportResult) -> dict:
        return {"unit": self.unit.name, "file": result.file_name, "size": result.size, "sm3": result.sm3,
                "read": result.read, "created": result.created, "rejected": result.rejected,
                "rank_refused": len(self.refused)}

    def audit(self, result: ImportResult) -> None:
        result.counts["rank_refused"] = len(self.refused)
        audit_record(actor=self.actor, action=IMPORT_ACTION, target=self.unit, details=self._details(result))

    def failed(self, result: ImportResult, reason: str) -> None:
        audit_record(actor=self.actor, action=IMPORT_ACTION, target=self.unit, outcome=Outcome.FAILED,
                     details={**self._details(result), "error": reason[:200]})


@service
def _import_allowed(*, actor, unit: Unit) -> None:
    policy.require(actor, perms.PETITION_REGISTER, unit.path)
    if not unit.is_active:
        raise DomainError(_("“%(name)s”已撤销，不能补录信访件") % {"name": unit.name}, field="unit")


def petition_import(*, actor, unit: Unit, file, file_name: str = "", chunk_size: int = CHUNK_ROWS,
                    max_rows: int | None = None, progress=None) -> ImportResult:
    """Back-enter a petition received at ``unit`` for every valid row of the .xlsx ``file``."""
    _import_allowed(actor=actor, unit=unit)
    return import_rows(PETITIONS, file, writer=PetitionWriter(actor=actor, unit=unit), file_name=file_name,
                       chunk_size=chunk_size, max_rows=max_rows, progress=progress)


def petition_import_start(*, actor, unit: Unit, file, file_name: str, max_rows: int):
    """Queue the import of an upload (the right and the header checked first: refused at once, nothing queued)."""
    _import_allowed(actor=actor, unit=unit)
    return jobs.job_start(PETITIONS, file, account_id=actor.account_id, file_name=file_name, unit_id=unit.pk,
                          unit_name=unit.name, options={"max_rows": max_rows})


@jobs.runs(PETITIONS)
def run_job(job, stream, progress) -> ImportResult:
    actor, unit = import_uploader(job)
    return petition_import(actor=actor, unit=unit, file=stream, file_name=job.file_name,
                           max_rows=job.options.get("max_rows"), progress=progress)
