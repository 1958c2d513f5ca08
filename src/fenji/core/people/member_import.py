"""Batch opening of member accounts from an Excel file (C2.6, seed 002 批量导入), with a row-by-row
error report: the kernel's import (``kernel.xlsx``) run with the member spec ``MEMBERS`` and ``MemberWriter``.

1. every row is checked on its own by the spec — name, ID number (GB 11643 check digit, ``identity``),
   mobile number; an ID or mobile number that Excel stored as a number is refused, never turned into text;
2. ``MemberWriter.prepare`` checks each row's unit (exists, active, and within the actor's reach for
   ``people.account.open``) and the chunk's rows against each other;
3. ``MemberWriter.write`` checks them against the database — the chunk written in a savepoint and, only
   if a unique index refuses it, one query per number over the blind-index hashes (``Account.mobile_hash``,
   ``Person.id_number_hash``), not one per row — and writes the valid ones
   in one ``COPY`` (PostgreSQL) or ``executemany`` INSERT (SQLite) per table (``kernel.xlsx.writer``): the
   columns that are the same for the whole chunk are prepared once by the model fields themselves, the
   numbers are encrypted and their blind indexes computed with the same key ring calls the fields make —
   the rows are those ``bulk_create`` of ``Person`` and ``Account`` would write (~7 times cheaper).

Imported accounts are members (mobile-only login) with no usable password and no SMS: a batch of
100,000 cannot hash a password and text each one at the pace of an import (PBKDF2 alone is ~150 ms an
account). They exist — real name, the mobile number as login, found by the login lookup — and get
their password when the member's first-login activation is issued.

The import is one audit event (``people.account.import``): who, the default unit, the file's name,
size, SM3 and SHA-256, and the rows read, created and rejected. It is written in the transaction of
the last chunk; an import stopped by an error records it with outcome ``failed`` and the rows that
were written before the error.

The page runs the import as a background job (``kernel.xlsx.jobs``): ``member_import_start`` checks the
file's header, seals it and queues it; ``run_job`` runs it in the worker as the account that uploaded it.
"""

import datetime
import re
import secrets

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenji.core.access import policy
from fenji.core.audit.models import Outcome
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel import crypto
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.xlsx import jobs
from fenji.core.kernel.xlsx import writer as bulk_rows
from fenji.core.kernel.xlsx.run import CHUNK_ROWS, ImportResult, ImportStopped, Row, RowWriter, import_rows
from fenji.core.kernel.xlsx.spec import CellError, Column, ImportSpec
from fenji.core.kernel.xlsx.writer import RowShape, copy_text
from fenji.core.org.models import Unit

from . import permissions as perms
from .identity import clean_mobile, parse_id_number
from .import_uploader import import_uploader
from .models import Account, AccountKind, Person
from .referrals import refer_duplicate

__all__ = ["CHUNK_ROWS", "IMPORT_ACTION", "MEMBERS", "ImportResult", "ImportStopped", "member_import",
           "member_import_start"]

IMPORT_ACTION = "people.account.import"  # the audit event of one import (the action checked: ACCOUNT_OPEN)
NAME_MAX = 50  # Person.real_name
CODE_MAX = 32  # Unit.code
# The columns an imported row sets itself, in the order ``MemberWriter._insert`` gives them; the others are
# the same for the whole chunk and come from the model's fields (defaults, ``created_at``…).
PERSON_VARYING = ("id", "real_name", "id_number", "id_number_hash", "gender", "birth_date")
ACCOUNT_VARYING = ("id", "mobile", "mobile_hash", "person_id", "unit_id", "unit_path", "password")
_SPACES = re.compile(r"[\s\u3000]+")


def _name(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _name_check(name: str) -> None:
    # ``isalpha``: letters only (a Chinese name, the usual case) has no digit and no control character
    if not name.isalpha() and any(ch.isdigit() for ch in name):
        raise CellError(_("姓名不能包含数字"))


# The titles and aliases are the file's format (matched in the header), not text to translate.
MEMBERS = jobs.register(ImportSpec("people.members", "会员名单", (
    Column("real_name", "姓名", aliases=("名字",), required=True, parse=_name, check=_name_check,
           max_length=NAME_MAX, text_only=gettext_lazy("姓名不能包含数字"), width=14),
    Column("id_number", "身份证号", aliases=("身份证号码", "公民身份号码", "身份证"), required=True,
           parse=lambda text: parse_id_number(_SPACES.sub("", text)), text_only=True, width=22,
           empty=gettext_lazy("身份证号不能为空（会员账号实行实名制）")),
    Column("mobile", "手机号", aliases=("手机号码", "手机", "联系电话", "登录手机号"), required=True,
           parse=clean_mobile, text_only=True, empty=gettext_lazy("手机号不能为空（手机号即登录账号）")),
    Column("unit_code", "所在单位代码", aliases=("单位代码", "组织代码", "所在组织代码"), max_length=CODE_MAX),
), example={"real_name": "张三（示例）", "id_number": "11010519491231002X", "mobile": "13800000000"}))


def _unusable_password() -> str:
    # What ``set_unusable_password()`` stores, without its 40 ``secrets.choice`` calls (~85 µs a row).
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


class MemberWriter(RowWriter):
    parallel = True  # ``compute`` and the spec's checks in worker processes for a large file

    def __init__(self, *, actor, unit: Unit):
        self.actor = actor
        self.unit = unit
        self.units: dict[str, Unit | None] = {}  # by code, looked up once per chunk for the codes not seen
        self.started = timezone.now() - datetime.timedelta(seconds=1)
        self.copy = bulk_rows.uses_copy()
        self.out_of_scope = 0
        self.referrals: list[tuple[Unit, int, str]] = []  # number clashes outside the actor's scope
        self.optimistic = True  # write first, look the numbers up only if the unique indexes refuse (``write``)

    # --- before the chunk's transaction ---------------------------------------------------------------

    def compute(self, rows: list[Row]) -> None:
        """The numbers' blind indexes and ciphertexts, with the key ring the fields would use — in a worker
        process for a large file (``kernel.xlsx.parallel``). Asked once a chunk, as the fields would on every
        save: a key file rotated mid-import is picked up."""
        ring = crypto.keyring()
        blind, encrypt = ring.blind_index, ring.encrypt
        for row in rows:
            if row.ok:
                values = row.values
                mobile, number = values["mobile"], values["id_number"].number
                values["mobile_hash"], values["id_hash"] = blind(mobile), blind(number)
                values["mobile_token"], values["id_token"] = encrypt(mobile), encrypt(number)
                values["password"] = _unusable_password()

    def prepare(self, rows: list[Row]) -> None:
        wanted = {r.values.get("unit_code") for r in rows} - set(self.units) - {None}
        if wanted:
            found = {u.code: u for u in Unit.objects.filter(code__in=wanted)}
            self.units.update((code, found.get(code)) for code in wanted)
        mobiles, ids = {}, {}
        for row in rows:
            if "real_name" not in row.values and "mobile" not in row.values and not row.ok:
                continue  # refused for a control character: nothing was read
            row.values["unit"] = self._unit(row)
            if not row.ok:
                continue
            mobile, number = row.values["mobile"], row.values["id_number"].number
            if mobile in mobiles:
                row.fail("mobile", _("与第 %(row)s 行的手机号相同：一个手机号只能开设一个账号") % {"row": mobiles[mobile]})
            if number in ids:
                row.fail("id_number", _("与第 %(row)s 行的身份证号相同：一人只能有一个账号") % {"row": ids[number]})
            if row.ok:
                mobiles[mobile], ids[number] = row.number, row.number

    def _unit(self, row: Row) -> Unit | None:
        code = row.values.get("unit_code")
        if not code:
            return self.unit
        unit = self.units.get(code)
        # Out of reach reads like missing: a list must not tell which codes exist elsewhere.
        if unit is None or not policy.can(self.actor, perms.ACCOUNT_OPEN, unit.path):
            self.out_of_scope += unit is not None
            row.fail("unit_code", _("单位代码“%(code)s”不存在，或不在您开设账号的管理范围内") % {"code": code})
            return None
        if not unit.is_active:
            row.fail("unit_code", _("单位“%(name)s”（%(code)s）已撤销，不能在其下开设账号") % {
                "name": unit.name, "code": code})
            return None
        return unit

    # --- inside it --------------------------------------------------------------------------------------

    def existing(self, rows: list[Row]) -> tuple[dict, dict]:
        """Which of the chunk's numbers already have an account: hash → (opened by this import?, the
        account's id, its unit path). One query per number over its blind-index hashes, uniqueness being
        platform-wide (no scope); in SQL, as the ORM's ``__in`` prepares each of 1,000 values (~5 µs)."""
        qn, started = connection.ops.quote_name, connection.ops.adapt_datetimefield_value(self.started)
        a = {name: "a." + qn(Account._meta.get_field(name).column)
             for name in ("id", "mobile_hash", "opened_by", "created_at", "unit_path", "person")}
        p = {name: "p." + qn(Person._meta.get_field(name).column) for name in ("id", "id_number_hash", "created_at")}
        account, person = qn(Account._meta.db_table), qn(Person._meta.db_table)
        found = {}
        for key, column, created, tables in (
                ("mobile_hash", a["mobile_hash"], a["created_at"], f"{account} a"),
                ("id_hash", p["id_number_hash"], p["created_at"],
                 f"{person} p LEFT JOIN {account} a ON {a['person']} = {p['id']}")):
            hashes = [r.values[key] for r in rows]
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {column}, {a['opened_by']}, {created} >= %s, {a['id']}, {a['unit_path']} "
                               f"FROM {tables} WHERE {column} IN ({', '.join(['%s'] * len(hashes))})",
                               [started, *hashes])
                found[key] = {h: (by == self.actor.account_id and bool(recent), pk, path)
                              for h, by, recent, pk, path in cursor.fetchall()}
        return found["mobile_hash"], found["id_hash"]

    def clash(self, row: Row, found: tuple, field: str) -> None:
        """The row's number is taken. Named as a duplicate when the actor may see the account that has
        it; otherwise a neutral refusal, and the clash goes to the administrators who see both units."""
        mine, account_id, unit_path = found
        if field == "mobile":
            same, taken = _("与本文件前面已导入的行手机号相同"), _(
                "该手机号已有账号：一人只能有一个账号，如需调整请联系其所在单位管理员")
            neutral = _("无法使用该手机号码开户，请联系上级账户管理员核实")
        else:
            same, taken = _("与本文件前面已导入的行身份证号相同"), _(
                "该身份证号已有账号：一人只能有一个账号，如需调整请联系其所在单位管理员")
            neutral = _("无法使用该身份证号码开户，请联系上级账户管理员核实")
        if mine:
            row.fail(field, same)
        elif account_id is not None and policy.can(self.actor, perms.ACCOUNT_VIEW, unit_path):
            row.fail(field, taken)
        else:
            if account_id is not None:
                self.referrals.append((row.values["unit"], account_id, field))
            row.fail(field, neutral)

    def write(self, rows: list[Row]) -> int:
        """The chunk's valid rows written, those whose number is taken refused (``clash``).

        Most chunks clash with nothing, and the unique indexes on the blind indexes check that as the rows go
        in: the chunk is written first in a savepoint, and only if a unique constraint refuses it is the
        savepoint rolled back, the numbers looked up (``existing``) and the rest written — the same
        refusals and the same rows as looking up first, without a lookup per chunk. After a chunk that
        clashed, the next one looks up first (a file imported twice would otherwise write every chunk twice).
        """
        self.referrals = []
        if self.optimistic:
            try:
                with transaction.atomic():  # a savepoint in the chunk's transaction
                    self._insert([row.values for row in rows])
                return len(rows)
            except IntegrityError:
                pass
        mobiles, ids = self.existing(rows)
        for row in rows:
            if row.values["mobile_hash"] in mobiles:
                self.clash(row, mobiles[row.values["mobile_hash"]], "mobile")
            if row.values["id_hash"] in ids:
                self.clash(row, ids[row.values["id_hash"]], "id_number")
        kept = [row.values for row in rows if row.ok]
        self.optimistic = len(kept) == len(rows)
        if kept:
            self._insert(kept)
        return len(kept)

    def _insert(self, kept: list[dict]) -> None:
        """Person and Account rows as the ORM would write them, in one COPY / executemany per table.

        The constant columns (defaults, ``created_at``, kind, opened by…) come from the fields themselves,
        once per chunk (``RowShape``); the varying ones are the database values the fields produce:
        ``EncryptedTextField`` → ``KeyRing.encrypt``, ``BlindIndexField`` → ``KeyRing.blind_index``
        (both computed by ``compute`` with one ring), a date as ISO text.
        """
        copy = self.copy
        person_shape = RowShape.of(Person, Person(real_name=""), PERSON_VARYING, copy=copy)
        account_shape = RowShape.of(
            Account, Account(kind=AccountKind.MEMBER, must_change_password=True, opened_by_id=self.actor.account_id),
            ACCOUNT_VARYING, copy=copy)
        person_row, account_row = person_shape.maker(PERSON_VARYING), account_shape.maker(ACCOUNT_VARYING)
        person_ids, account_ids = bulk_rows.allocate_ids_of((Person, Account), len(kept))
        none = "\\N" if copy else None
        name = copy_text if copy else str  # COPY text: only the name can hold a character COPY escapes
        people = [person_row(pid, name(v["real_name"]), v["id_token"], v["id_hash"],
                             v["id_number"].gender,
                             v["id_number"].birth_date.isoformat() if v["id_number"].birth_date else none)
                  for v, pid in zip(kept, person_ids, strict=True)]
        accounts = [account_row(aid, v["mobile_token"], v["mobile_hash"], pid, v["unit"].pk, v["unit"].path,
                                v["password"]) for v, pid, aid in zip(kept, person_ids, account_ids, strict=True)]
        bulk_rows.write(person_shape, "".join(people) if copy else people)
        bulk_rows.write(account_shape, "".join(accounts) if copy else accounts)

    # --- after it, and the record ---------------------------------------------------------------------

    def committed(self) -> None:
        for unit, account_id, field_name in self.referrals:
            existing = (Account.objects.unscoped(reason="the account behind a number clash in an import")
                        .select_related("person", "unit").filter(pk=account_id).first())
            if existing is not None:
                refer_duplicate(actor=self.actor, unit=unit, existing=existing, field=field_name)
        self.referrals = []

    def details(self, result: ImportResult) -> dict:
        return {"kind": AccountKind.MEMBER, "unit": self.unit.name, "file": result.file_name, "size": result.size,
                "sm3": result.sm3, "sha256": result.sha256, "read": result.read, "created": result.created,
                "rejected": result.rejected, "out_of_scope": self.out_of_scope}

    def audit(self, result: ImportResult) -> None:
        audit_record(actor=self.actor, action=IMPORT_ACTION, target=self.unit, details=self.details(result))

    def failed(self, result: ImportResult, reason: str) -> None:
        audit_record(actor=self.actor, action=IMPORT_ACTION, target=self.unit, outcome=Outcome.FAILED,
                     details={**self.details(result), "error": reason[:200]})


@service
def _import_allowed(*, actor, unit: Unit) -> None:
    """Checked once before the file is read (a refusal is audited after the rollback, like every service)."""
    policy.require(actor, perms.ACCOUNT_OPEN, unit.path)
    if not unit.is_active:
        raise DomainError(_("“%(name)s”已撤销，不能在其下开设账号") % {"name": unit.name}, field="unit")


def member_import(*, actor, unit: Unit, file, file_name: str = "", chunk_size: int = CHUNK_ROWS,
                  max_rows: int | None = None, progress=None) -> ImportResult:
    """Open a member account for every valid row of the .xlsx ``file`` (a binary file object or a path); rows
    without a unit code go to ``unit``. Returns what was read, created and rejected, with the error report
    (``result.counts["out_of_scope"]``: rows naming a unit outside the actor's reach); raises ``DomainError``
    before writing anything when the file cannot be imported at all (not an .xlsx, no header, a required
    column missing, too many rows), ``AccessDenied`` when the actor may not open accounts at ``unit``, and
    ``ImportStopped`` when the file breaks off after some chunks were written.
    """
    _import_allowed(actor=actor, unit=unit)
    writer = MemberWriter(actor=actor, unit=unit)
    try:
        result = import_rows(MEMBERS, file, writer=writer, file_name=file_name, chunk_size=chunk_size,
                             max_rows=max_rows, progress=progress)
    except ImportStopped as stopped:
        stopped.result.counts["out_of_scope"] = writer.out_of_scope
        raise
    result.counts["out_of_scope"] = writer.out_of_scope
    return result


def member_import_start(*, actor, unit: Unit, file, file_name: str, max_rows: int):
    """Queue the import of ``file`` (an upload) for the page: the actor's right and the file's header are
    checked first (refused at once, nothing queued); the job runs ``run_job`` in the worker."""
    _import_allowed(actor=actor, unit=unit)
    return jobs.job_start(MEMBERS, file, account_id=actor.account_id, file_name=file_name, unit_id=unit.pk,
                          unit_name=unit.name, options={"max_rows": max_rows})


@jobs.runs(MEMBERS)
def run_job(job, stream, progress) -> ImportResult:
    """The queued import, run as the account that uploaded it (with its grants as they are now)."""
    actor, unit = import_uploader(job)
    return member_import(actor=actor, unit=unit, file=stream, file_name=job.file_name,
                         max_rows=job.options.get("max_rows"), progress=progress)
