"""Batch opening of member accounts from an Excel file (C2.6, seed 002 批量导入), with a row-by-row
error report.

One call reads one .xlsx (``xlsx_rows``: streamed, constant memory) and works through its rows in
chunks of ``CHUNK_ROWS``:

1. every row is checked on its own — name, ID number (GB 11643 check digit, ``identity``), mobile
   number, unit (exists, active, and within the actor's reach for ``people.account.open``);
2. the chunk's rows are checked against each other and against the database: one query per number
   over the blind-index hashes (``Account.mobile_hash``, ``Person.id_number_hash``), not one per row;
3. the chunk's valid rows are written in one transaction, one ``COPY`` (PostgreSQL) or ``executemany``
   INSERT (SQLite) per table (``bulk_rows``): the columns that are the same for the whole chunk are
   prepared once by the model fields themselves, the numbers are encrypted and their blind indexes
   computed with the same key ring calls the fields make — the rows are those ``bulk_create`` of
   ``Person`` and ``Account`` would write (~7 times cheaper: no per-row, per-field ``pre_save``).

A rejected row writes nothing; a crash leaves whole chunks only (each is its own transaction, and
the database's unique constraints stay the last word: a chunk that loses a race is checked again).
Rejected rows go to an Excel report (``ExcelSheet``) with the columns of the template first, so the
corrected report can be uploaded again as it is.

Imported accounts are members (mobile-only login) with no usable password and no SMS: a batch of
100,000 cannot hash a password and text each one at the pace of an import (PBKDF2 alone is ~150 ms an
account). They exist — real name, the mobile number as login, found by the login lookup — and get
their password when the member's first-login activation is issued.

The import is one audit event (``people.account.import``): who, the default unit, the file's name,
size, SM3 and SHA-256, and the rows read, created and rejected. It is written in the transaction of
the last chunk; an import stopped by an error records it with outcome ``failed`` and the rows that
were written before the error.
"""

import datetime
import logging
import re
import secrets
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fenji.core.access import policy
from fenji.core.audit.models import Outcome
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel import crypto
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.text import control_message, has_control_inside
from fenji.core.kernel.xlsx import writer as bulk_rows
from fenji.core.kernel.xlsx.reader import Number, iter_rows
from fenji.core.kernel.xlsx.writer import RowShape, copy_text
from fenji.core.org.models import Unit
from fenji.core.web.excel import ExcelSheet

from . import permissions as perms
from .identity import clean_mobile, parse_id_number
from .models import Account, AccountKind, Person
from .referrals import refer_duplicate

logger = logging.getLogger(__name__)

IMPORT_ACTION = "people.account.import"  # the audit event of one import (the action checked: ACCOUNT_OPEN)
CHUNK_ROWS = 1000  # SQLite holds its write lock while a chunk is encrypted and inserted: ~0.15 s a chunk
HEADER_SEARCH_ROWS = 10  # a title line or two above the column names is common in hand-made lists
ERROR_SAMPLE = 200  # errors kept in memory for the page; the report has them all
NAME_MAX = 50  # Person.real_name
CODE_MAX = 32  # Unit.code
CELL_MAX = 200  # a cell longer than this is cut in the report
# The columns an imported row sets itself, in the order ``_Importer._insert`` gives them; the others are
# the same for the whole chunk and come from the model's fields (defaults, ``created_at``…).
PERSON_VARYING = ("id", "real_name", "id_number", "id_number_hash", "gender", "birth_date")
ACCOUNT_VARYING = ("id", "mobile", "mobile_hash", "person_id", "unit_id", "unit_path", "password")


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    required: bool
    aliases: tuple[str, ...]


COLUMNS = (
    Column("real_name", "姓名", True, ("姓名", "名字")),
    Column("id_number", "身份证号", True, ("身份证号", "身份证号码", "公民身份号码", "身份证")),
    Column("mobile", "手机号", True, ("手机号", "手机号码", "手机", "联系电话", "登录手机号")),
    Column("unit_code", "所在单位代码", False, ("所在单位代码", "单位代码", "组织代码", "所在组织代码")),
)
TITLES = [c.title for c in COLUMNS]
# The template's example row: left in by mistake, it is skipped rather than imported as a person.
EXAMPLE = {"real_name": "张三（示例）", "id_number": "11010519491231002X", "mobile": "13800000000", "unit_code": ""}
REPORT_HEADERS = TITLES + ["原行号", "错误列", "错误原因"]
_HEADER_NOISE = re.compile(r"[\s*＊:：]|[（(【\[].*?[）)】\]]")  # "*姓名", "手机号（必填）", "身份证号:"
_SPACES = re.compile(r"[\s\u3000]+")


def _header_key(text) -> str:
    return _HEADER_NOISE.sub("", str(text or ""))


ALIASES = {alias: column for column in COLUMNS for alias in column.aliases}


@dataclass
class RowError:
    row: int
    column: str  # the column's title, or "" for the row as a whole
    reason: str

    def __str__(self):
        where = _("第 %(row)s 行") % {"row": self.row}
        return f"{where} {self.column}：{self.reason}" if self.column else f"{where}：{self.reason}"


@dataclass
class ImportResult:
    """What an import did. ``report`` is the error workbook (a file object at 0), ``None`` if no row failed."""

    unit: Unit
    file_name: str
    size: int
    sm3: str
    sha256: str
    header_row: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    read: int = 0
    created: int = 0
    rejected: int = 0
    out_of_scope: int = 0
    errors: list[RowError] = field(default_factory=list)  # the first ERROR_SAMPLE
    report: object = None
    seconds: float = 0.0

    @property
    def summary(self) -> str:
        return _("读取 %(read)s 行，导入 %(created)s 行，失败 %(rejected)s 行") % {
            "read": self.read, "created": self.created, "rejected": self.rejected}


class ImportStopped(DomainError):
    """The file could not be read to its end; ``result`` says what was written before."""

    def __init__(self, message: str, result: ImportResult):
        super().__init__(message, field="file", code="import_stopped")
        self.result = result


# --- checking one row -----------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Number):
        return _plain_number(value)
    return str(value).strip()


def _plain_number(value: Number) -> str:
    """A number cell as digits when it is a whole number (a mobile typed as a number), else as written."""
    try:
        number = float(value)
    except ValueError:
        return str(value)
    if number.is_integer() and abs(number) < 2**53:
        return str(int(number))
    return str(value)


def _check_name(raw, errors: list, row: int) -> str:
    name = _SPACES.sub(" ", _text(raw)).strip()
    if not name:
        errors.append(RowError(row, "姓名", _("姓名不能为空")))
    # ``isalpha``: letters only (a Chinese name, the usual case) has no digit and no control character
    elif isinstance(raw, Number) or (not name.isalpha() and any(ch.isdigit() for ch in name)):
        errors.append(RowError(row, "姓名", _("姓名不能包含数字")))
    elif len(name) > NAME_MAX:
        errors.append(RowError(row, "姓名", _("姓名不能超过 %(max)s 个字（当前 %(n)s 个）") % {"max": NAME_MAX, "n": len(name)}))
    return name


def _control_errors(raw: dict, row: int) -> list[RowError]:
    """A cell holding NUL or a C0/C1 control character inside its text (a line break too: no column is
    multi-line)."""
    return [RowError(row, c.title, control_message(c.title)) for c in COLUMNS if has_control_inside(raw.get(c.key))]


def _check_id_number(raw, errors: list, row: int, today: datetime.date | None = None):
    if isinstance(raw, Number):
        errors.append(RowError(row, "身份证号", _(
            "身份证号被 Excel 存成了数字，末几位已经丢失：请把该列设置为“文本”格式后重新录入")))
        return None
    number = _SPACES.sub("", _text(raw))
    if not number:
        errors.append(RowError(row, "身份证号", _("身份证号不能为空（会员账号实行实名制）")))
        return None
    try:
        return parse_id_number(number, today=today)
    except DomainError as error:
        errors.append(RowError(row, "身份证号", error.message))
        return None


def _check_mobile(raw, errors: list, row: int) -> str:
    text = _text(raw)
    if not text:
        errors.append(RowError(row, "手机号", _("手机号不能为空（手机号即登录账号）")))
        return ""
    try:
        return clean_mobile(text)
    except DomainError as error:
        errors.append(RowError(row, "手机号", error.message))
        return ""


class UnitCache:
    """Units named in the file by code, looked up once per chunk for the codes not seen before."""

    def __init__(self, actor):
        self.actor = actor
        self.by_code: dict[str, Unit | None] = {}

    def load(self, codes) -> None:
        wanted = {c for c in codes if c and c not in self.by_code}
        if not wanted:
            return
        found = {u.code: u for u in Unit.objects.filter(code__in=wanted)}
        for code in wanted:
            self.by_code[code] = found.get(code)

    def check(self, code: str, default: Unit, errors: list, row: int) -> tuple[Unit | None, bool]:
        """The row's unit (or ``None`` with an error), and whether it was refused for scope."""
        if not code:
            return default, False
        if len(code) > CODE_MAX:
            errors.append(RowError(row, "所在单位代码", _("单位代码过长")))
            return None, False
        unit = self.by_code.get(code)
        # Out of reach reads like missing: a list must not tell which codes exist elsewhere.
        if unit is None or not policy.can(self.actor, perms.ACCOUNT_OPEN, unit.path):
            errors.append(RowError(row, "所在单位代码", _(
                "单位代码“%(code)s”不存在，或不在您开设账号的管理范围内") % {"code": code}))
            return None, unit is not None
        if not unit.is_active:
            errors.append(RowError(row, "所在单位代码", _(
                "单位“%(name)s”（%(code)s）已撤销，不能在其下开设账号") % {"name": unit.name, "code": code}))
            return None, False
        return unit, False


@dataclass
class Candidate:
    row: int
    raw: dict
    name: str
    identity: object
    mobile: str
    unit: Unit
    mobile_hash: str
    id_hash: str


# --- the import ------------------------------------------------------------------------------------


@service
def _import_allowed(*, actor, unit: Unit) -> None:
    """Checked once before the file is read (a refusal is audited after the rollback, like every service)."""
    policy.require(actor, perms.ACCOUNT_OPEN, unit.path)
    if not unit.is_active:
        raise DomainError(_("“%(name)s”已撤销，不能在其下开设账号") % {"name": unit.name}, field="unit")


def _digest(stream) -> tuple[int, str, str]:
    stream.seek(0)
    sm3, sha = hashes.Hash(hashes.SM3()), hashes.Hash(hashes.SHA256())
    size = 0
    while chunk := stream.read(1024 * 1024):
        size += len(chunk)
        sm3.update(chunk)
        sha.update(chunk)
    stream.seek(0)
    return size, sm3.finalize().hex(), sha.finalize().hex()


def _find_header(rows) -> tuple[int, dict[str, int], list[str]]:
    """The header row's number, the position of each known column, and the titles of the others."""
    for seen, (number, cells) in enumerate(rows, start=1):
        keys = [_header_key(c) for c in cells]
        if "姓名" in keys or sum(k in ALIASES for k in keys) >= 2:
            positions, ignored = {}, []
            for index, key in enumerate(keys):
                column = ALIASES.get(key)
                if column is None:
                    if key:
                        ignored.append(str(cells[index]).strip())
                    continue
                if column.key in positions:
                    raise DomainError(_("第 %(row)s 行的表头中“%(title)s”列出现了两次") % {
                        "row": number, "title": column.title}, field="file", code="bad_header")
                positions[column.key] = index
            missing = [c.title for c in COLUMNS if c.required and c.key not in positions]
            if missing:
                raise DomainError(_("第 %(row)s 行的表头缺少“%(missing)s”列：表头应为 %(columns)s（可下载导入模板）") % {
                    "row": number, "missing": "”“".join(missing), "columns": "、".join(TITLES)},
                    field="file", code="missing_column")
            return number, positions, ignored
        if seen >= HEADER_SEARCH_ROWS:
            break
    raise DomainError(_("没有找到表头：第一行应为列名 %(columns)s（可下载导入模板）") % {"columns": "、".join(TITLES)},
                      field="file", code="missing_column")


class ErrorReport:
    """The rejected rows as a workbook, written as they come (constant memory)."""

    def __init__(self):
        self.sheet = None

    def add(self, row: int, raw: dict, errors: list[RowError]) -> None:
        if self.sheet is None:
            self.sheet = ExcelSheet(_("导入失败的行"), REPORT_HEADERS, {0: 12, 4: 8, 5: 16, 6: 60})
            # the number columns stay text when the user corrects them in Excel and uploads the report again
            self.sheet.sheet.set_column(1, 1, 22, self.sheet.text)
            self.sheet.sheet.set_column(2, 3, 16, self.sheet.text)
        values = [_report_cell(raw.get(c.key)) for c in COLUMNS]
        columns = "、".join(dict.fromkeys(e.column for e in errors if e.column))
        reasons = "；".join(f"{e.column}：{e.reason}" if e.column else e.reason for e in errors)
        self.sheet.add(values + [row, columns, reasons])

    def finish(self):
        if self.sheet is None:
            return None
        self.sheet.book.close()
        self.sheet.handle.seek(0)
        return self.sheet.handle


def _report_cell(value) -> str:
    """The cell as text; a number as its digits (an ID number typed as one shows the zeros Excel left)."""
    if isinstance(value, Number):
        try:
            number = float(value)
            # as Excel shows it: at most 15 significant digits (an 18-digit ID number keeps its lost zeros)
            text = format(Decimal(f"{number:.15g}"), "f") if number.is_integer() else str(value)
        except (ValueError, OverflowError):
            text = str(value)
    else:
        text = "" if value is None else str(value)
    return text[:CELL_MAX]


def _unusable_password() -> str:
    # What ``set_unusable_password()`` stores, without its 40 ``secrets.choice`` calls (~85 µs a row).
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


class _Importer:
    def __init__(self, *, actor, unit: Unit, result: ImportResult, report: ErrorReport, started):
        self.actor = actor
        self.unit = unit
        self.result = result
        self.report = report
        self.units = UnitCache(actor)
        self.started = started
        self.ring = crypto.keyring()
        self.copy = bulk_rows.uses_copy()
        self.referrals: list[tuple[Unit, int, str]] = []  # number clashes outside the actor's scope

    def reject(self, row: int, raw: dict, errors: list[RowError]) -> None:
        self.result.rejected += 1
        room = ERROR_SAMPLE - len(self.result.errors)
        if room > 0:
            self.result.errors.extend(errors[:room])
        self.report.add(row, raw, errors)

    def check_rows(self, batch) -> list[Candidate]:
        """Each row on its own, then against the rows before it in the chunk."""
        self.units.load({_text(raw.get("unit_code")) for _, raw in batch})
        # once a chunk, as the fields would on every save: a key file rotated mid-import is picked up
        self.ring = crypto.keyring()
        blind = self.ring.blind_index
        today = datetime.date.today()  # once a chunk, not once a row (a birth date after it is refused)
        candidates, mobiles, ids = [], {}, {}
        for row, raw in batch:
            errors = _control_errors(raw, row)
            if errors:
                self.reject(row, raw, errors)
                continue
            name = _check_name(raw.get("real_name"), errors, row)
            identity = _check_id_number(raw.get("id_number"), errors, row, today)
            mobile = _check_mobile(raw.get("mobile"), errors, row)
            unit, refused = self.units.check(_text(raw.get("unit_code")), self.unit, errors, row)
            self.result.out_of_scope += refused
            if not errors:
                if mobile in mobiles:
                    errors.append(RowError(row, "手机号", _("与第 %(row)s 行的手机号相同：一个手机号只能开设一个账号") % {
                        "row": mobiles[mobile]}))
                if identity.number in ids:
                    errors.append(RowError(row, "身份证号", _("与第 %(row)s 行的身份证号相同：一人只能有一个账号") % {
                        "row": ids[identity.number]}))
            if errors:
                self.reject(row, raw, errors)
                continue
            mobiles[mobile] = row
            ids[identity.number] = row
            candidates.append(Candidate(row, raw, name, identity, mobile, unit, blind(mobile), blind(identity.number)))
        return candidates

    def existing(self, candidates: list[Candidate]) -> tuple[dict, dict]:
        """Which of the chunk's numbers already have an account: hash → (opened by this import?, the
        account's id, its unit path)."""
        accounts = Account.objects.unscoped(reason="one person, one account: uniqueness is platform-wide")
        mine = (lambda opened_by, created: opened_by == self.actor.account_id and created >= self.started)
        mobiles = {h: (mine(by, at), pk, path) for h, by, at, pk, path in accounts.filter(
            mobile_hash__in=[c.mobile_hash for c in candidates]).values_list(
                "mobile_hash", "opened_by_id", "created_at", "pk", "unit_path")}
        ids = {h: (mine(by, at), pk, path) for h, by, at, pk, path in Person.objects.filter(
            id_number_hash__in=[c.id_hash for c in candidates]).values_list(
                "id_number_hash", "account__opened_by_id", "created_at", "account__pk", "account__unit_path")}
        return mobiles, ids

    def clash(self, c: Candidate, found: tuple, field: str) -> RowError:
        """The row's number is taken. Named as a duplicate when the actor may see the account that has
        it; otherwise a neutral refusal, and the clash goes to the administrators who see both units."""
        mine, account_id, unit_path = found
        if field == "mobile":
            column, same, taken = "手机号", _("与本文件前面已导入的行手机号相同"), _(
                "该手机号已有账号：一人只能有一个账号，如需调整请联系其所在单位管理员")
            neutral = _("无法使用该手机号码开户，请联系上级账户管理员核实")
        else:
            column, same, taken = "身份证号", _("与本文件前面已导入的行身份证号相同"), _(
                "该身份证号已有账号：一人只能有一个账号，如需调整请联系其所在单位管理员")
            neutral = _("无法使用该身份证号码开户，请联系上级账户管理员核实")
        if mine:
            return RowError(c.row, column, same)
        if account_id is not None and policy.can(self.actor, perms.ACCOUNT_VIEW, unit_path):
            return RowError(c.row, column, taken)
        if account_id is not None:
            self.referrals.append((c.unit, account_id, field))
        return RowError(c.row, column, neutral)

    def refer(self) -> None:
        for unit, account_id, field_name in self.referrals:
            existing = (Account.objects.unscoped(reason="the account behind a number clash in an import")
                        .select_related("person", "unit").filter(pk=account_id).first())
            if existing is not None:
                refer_duplicate(actor=self.actor, unit=unit, existing=existing, field=field_name)
        self.referrals = []

    def write(self, candidates: list[Candidate], *, audit: dict | None = None) -> None:
        """The chunk's new rows and (for the last chunk) the audit event, in one transaction."""
        for attempt in range(3):
            try:
                with transaction.atomic():
                    kept = self._write(candidates)
                    if audit is not None:
                        details = _audit_details(self.result)
                        details["created"] += len(kept)
                        details["rejected"] += len(self.late_rejections)
                        audit_record(**audit, details=details)
            except IntegrityError:
                # Someone opened one of these people between our check and our insert (PostgreSQL's
                # READ COMMITTED; SQLite's IMMEDIATE transactions cannot interleave): check again.
                if attempt == 2:
                    raise
                continue
            break
        with transaction.atomic():
            self.refer()
        for candidate, reasons in self.late_rejections:
            self.reject(candidate.row, candidate.raw, reasons)
        self.result.created += len(kept)

    def _write(self, candidates: list[Candidate]) -> list[Candidate]:
        self.late_rejections = []
        self.referrals = []
        kept = candidates
        if candidates:
            mobiles, ids = self.existing(candidates)
            kept = []
            for c in candidates:
                errors = []
                if c.mobile_hash in mobiles:
                    errors.append(self.clash(c, mobiles[c.mobile_hash], "mobile"))
                if c.id_hash in ids:
                    errors.append(self.clash(c, ids[c.id_hash], "id_number"))
                if errors:
                    self.late_rejections.append((c, errors))
                else:
                    kept.append(c)
        if not kept:
            return kept
        self._insert(kept)
        return kept

    def _insert(self, kept: list[Candidate]) -> None:
        """Person and Account rows as the ORM would write them, in one COPY / executemany per table.

        The constant columns (defaults, ``created_at``, kind, opened by…) come from the fields themselves,
        once per chunk (``bulk_rows.RowShape``); the varying ones are the database values the fields
        produce: ``EncryptedTextField`` → ``KeyRing.encrypt``, ``BlindIndexField`` → ``KeyRing.blind_index``
        (computed by ``check_rows`` with the same ring), a date as ISO text.
        """
        ring, copy = self.ring, self.copy
        person_shape = RowShape.of(Person, Person(real_name=""), PERSON_VARYING, copy=copy)
        account_shape = RowShape.of(
            Account, Account(kind=AccountKind.MEMBER, must_change_password=True, opened_by_id=self.actor.account_id),
            ACCOUNT_VARYING, copy=copy)
        person_row, account_row = person_shape.maker(PERSON_VARYING), account_shape.maker(ACCOUNT_VARYING)
        person_ids = bulk_rows.allocate_ids(Person, len(kept))
        account_ids = bulk_rows.allocate_ids(Account, len(kept))
        encrypt, password = ring.encrypt, _unusable_password
        if copy:  # COPY text: only the name can hold a character COPY escapes; the rest is digits, base64, hex
            people = "".join([person_row(
                pid, copy_text(c.name), encrypt(c.identity.number), c.id_hash, c.identity.gender,
                c.identity.birth_date.isoformat() if c.identity.birth_date else "\\N")
                for c, pid in zip(kept, person_ids, strict=True)])
            accounts = "".join([account_row(
                aid, encrypt(c.mobile), c.mobile_hash, pid, c.unit.pk, c.unit.path, password())
                for c, pid, aid in zip(kept, person_ids, account_ids, strict=True)])
        else:
            people = [person_row(pid, c.name, encrypt(c.identity.number), c.id_hash, c.identity.gender,
                                 c.identity.birth_date.isoformat() if c.identity.birth_date else None)
                      for c, pid in zip(kept, person_ids, strict=True)]
            accounts = [account_row(aid, encrypt(c.mobile), c.mobile_hash, pid, c.unit.pk, c.unit.path, password())
                        for c, pid, aid in zip(kept, person_ids, account_ids, strict=True)]
        bulk_rows.write(person_shape, people)
        bulk_rows.write(account_shape, accounts)


def _open(file):
    if isinstance(file, str | Path):
        return open(file, "rb"), True  # noqa: SIM115 - closed by the caller
    return file, False


def member_import(*, actor, unit: Unit, file, file_name: str = "", chunk_size: int = CHUNK_ROWS,
                  max_rows: int | None = None) -> ImportResult:
    """Open a member account for every valid row of the .xlsx ``file`` (an upload, a binary file object or a
    path); rows without a unit code go to ``unit``. Returns what was read, created and rejected, with the
    error report; raises ``DomainError`` before writing anything when the file cannot be imported at all
    (not an .xlsx, no header, a required column missing, too many rows), ``AccessDenied`` when the actor may
    not open accounts at ``unit``, and ``ImportStopped`` when the file breaks off after some chunks were
    written.
    """
    _import_allowed(actor=actor, unit=unit)
    clock = time.perf_counter()
    stream, close = _open(file)
    try:
        name = file_name or Path(getattr(file, "name", "") or str(file)).name
        size, sm3, sha256 = _digest(stream)
        result = ImportResult(unit=unit, file_name=name[:200], size=size, sm3=sm3, sha256=sha256)
        info: dict = {}
        rows = iter_rows(stream, info=info)
        result.header_row, positions, result.ignored_columns = _find_header(rows)
        if max_rows is not None and info.get("last_row", 0) - result.header_row > max_rows:
            raise DomainError(_("文件约有 %(rows)s 行，超过每次 %(max)s 行的上限：请分成多个文件导入") % {
                "rows": info["last_row"] - result.header_row, "max": max_rows}, field="file", code="too_many_rows")
        report = ErrorReport()
        importer = _Importer(actor=actor, unit=unit, result=result, report=report,
                             started=timezone.now() - datetime.timedelta(seconds=1))
        audit = {"actor": actor, "action": IMPORT_ACTION, "target": unit}
        example = {key: EXAMPLE[key] for key in positions}  # the template's example row, in this file's columns
        try:
            batch = []
            for number, cells in rows:
                raw = {key: (cells[i] if i < len(cells) else None) for key, i in positions.items()}
                texts = {key: _text(value) for key, value in raw.items()}
                if not any(texts.values()) or texts == example:
                    continue  # a blank line, or the template's example row
                result.read += 1
                if max_rows is not None and result.read > max_rows:
                    raise DomainError(_("文件超过每次 %(max)s 行的上限：请分成多个文件导入") % {"max": max_rows},
                                      field="file", code="too_many_rows")
                batch.append((number, raw))
                if len(batch) >= chunk_size:
                    importer.write(importer.check_rows(batch))
                    batch = []
            importer.write(importer.check_rows(batch), audit=audit)
        except DomainError as error:
            result.report = report.finish()
            _record_failure(actor, unit, result, error.message)
            if result.created:
                raise ImportStopped(_("%(error)s。在此之前已导入 %(created)s 行（已保存，不会撤回）") % {
                    "error": error.message, "created": result.created}, result) from None
            raise
        except Exception as error:
            try:
                _record_failure(actor, unit, result, type(error).__name__)
            except Exception:  # the database itself failed: the original error is the one to raise
                logger.exception("member import: the failure could not be recorded")
            raise
        result.report = report.finish()
        result.seconds = time.perf_counter() - clock
        return result
    finally:
        if close:
            stream.close()


def _audit_details(result: ImportResult) -> dict:
    return {"kind": AccountKind.MEMBER, "unit": result.unit.name, "file": result.file_name, "size": result.size,
            "sm3": result.sm3, "sha256": result.sha256, "read": result.read, "created": result.created,
            "rejected": result.rejected, "out_of_scope": result.out_of_scope}


def _record_failure(actor, unit, result: ImportResult, reason: str) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action=IMPORT_ACTION, target=unit, outcome=Outcome.FAILED,
                     details={**_audit_details(result), "error": reason[:200]})
