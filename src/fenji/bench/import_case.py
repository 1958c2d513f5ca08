"""Benchmark case: Excel import of member accounts, and the export of the same rows (issue: 100,000 rows
with full validation; targets ≥ 30,000 rows/s end to end, ≤ 300 MB peak for 1,000,000 rows).

``case_member_import(unit, actor, rows=100_000)`` writes a deterministic .xlsx of ``rows`` valid members
under ``unit`` (xlsxwriter ``constant_memory``), then measures three things one after the other:

- ``parse``: reading the file alone (``kernel.xlsx.reader.iter_rows``);
- ``import``: ``people.services.member_import`` end to end — digest, parsing, every check, the duplicate
  queries, the rows written per chunk with COPY (PostgreSQL) or executemany (SQLite) through
  ``kernel.xlsx.writer`` (real SM4-GCM ciphertext and HMAC-SM3 blind indexes, the rows the models would
  write), the audit event;
- ``export``: the imported accounts read back through the scoped selector (numbers decrypted) and written
  with ``web.excel.ExcelSheet``.

Each phase reports rows/s, wall and CPU seconds (and those of the import's worker processes, with the
largest worker's peak RSS, when the file was large enough for them: ``kernel.xlsx.parallel``) and the
growth of the process's peak RSS
(``ru_maxrss``: the peak only grows, so a phase that stays under an earlier peak reports 0 — run one case
per process for clean memory figures). With ``cleanup`` the imported accounts are deleted afterwards, so
the case can run again on the same database.
"""

import datetime
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

from fenji.core.access import policy
from fenji.core.kernel.paths import subtree_q
from fenji.core.kernel.xlsx.reader import iter_rows
from fenji.core.org.models import Unit
from fenji.core.people import permissions as people_perms
from fenji.core.people.identity import check_char
from fenji.core.people.member_import import CHUNK_ROWS, MEMBERS
from fenji.core.people.models import Account, AccountKind, Person
from fenji.core.people.selectors import account_list
from fenji.core.people.services import member_import
from fenji.core.web.excel import ExcelSheet

SEED = "fenji-bench-member-import"
REGION = "330106"  # not a region the synthetic province (bench.datasets: 3200xx) uses: no clash with its people
MOBILE_PREFIX = "15"  # bench.datasets numbers its members 13…, the test personas 139…
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"


def _maxrss_mb(who=resource.RUSAGE_SELF) -> float:
    # Linux reports kilobytes, macOS bytes
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _children_cpu() -> float:
    """CPU seconds of the worker processes that have ended (the import's pool is shut down with it)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def member_file(path: Path, rows: int, *, unit_code: str = "") -> Path:
    """``rows`` valid, distinct members (deterministic), the numbers as text like the template's."""
    rng = random.Random(SEED)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("会员名单")
    sheet.write_row(0, 0, MEMBERS.titles)
    start = datetime.date(1950, 1, 1)
    for n in range(rows):
        birth = start + datetime.timedelta(days=n % 20000)
        first17 = f"{REGION}{birth:%Y%m%d}{n // 20000 % 1000:03d}"
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if n % 3 else "")
        sheet.write_string(n + 1, 0, name)
        sheet.write_string(n + 1, 1, first17 + check_char(first17))
        sheet.write_string(n + 1, 2, f"{MOBILE_PREFIX}{n:09d}")
        if unit_code:
            sheet.write_string(n + 1, 3, unit_code)
    book.close()
    return path


class _Phase:
    def __enter__(self):
        self.rss = _maxrss_mb()
        self.wall = time.perf_counter()
        self.cpu = time.process_time()
        self.workers_cpu = _children_cpu()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.wall
        self.cpu_seconds = time.process_time() - self.cpu
        self.workers_cpu_seconds = _children_cpu() - self.workers_cpu
        self.rss_growth = _maxrss_mb() - self.rss
        return False

    def report(self, rows: int) -> dict:
        out = {"rows": rows, "rows_per_s": round(rows / self.seconds) if self.seconds else None,
               "seconds": round(self.seconds, 2), "cpu_seconds": round(self.cpu_seconds, 2),
               "peak_rss_growth_mb": round(self.rss_growth, 1), "peak_rss_mb": round(_maxrss_mb(), 1)}
        if self.workers_cpu_seconds:  # the import's worker processes (kernel.xlsx.parallel)
            out.update(workers_cpu_seconds=round(self.workers_cpu_seconds, 2),
                       workers_peak_rss_mb=round(_maxrss_mb(resource.RUSAGE_CHILDREN), 1))
        return out


def case_member_import(unit: Unit, actor=policy.SYSTEM, rows: int = 100_000, *, chunk_size: int = CHUNK_ROWS,
                       workdir: str | Path | None = None, cleanup: bool = True, export: bool = True) -> dict:
    """Import ``rows`` generated members into ``unit`` as ``actor`` and export them again; see the module."""
    with tempfile.TemporaryDirectory(dir=workdir, prefix="fenji-import-") as folder:
        path = Path(folder) / "members.xlsx"
        with _Phase() as generate:
            member_file(path, rows)
        out = {"file_mb": round(path.stat().st_size / 1024 / 1024, 1), "generate": generate.report(rows),
               "chunk_size": chunk_size}

        with _Phase() as parse:
            read = sum(1 for _ in iter_rows(path.open("rb"))) - 1  # less the header
        out["parse"] = parse.report(read)

        started = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
        with _Phase() as whole:
            result = member_import(actor=actor, unit=unit, file=path, chunk_size=chunk_size)
        out["import"] = {**whole.report(result.read), "created": result.created, "rejected": result.rejected}
        if result.rejected:
            out["import"]["first_errors"] = [str(e) for e in result.errors[:3]]

    imported = (account_list(actor=actor, action=people_perms.ACCOUNT_VIEW)
                .filter(subtree_q("unit_path", unit.path), kind=AccountKind.MEMBER, created_at__gte=started,
                        opened_by_id=getattr(actor, "account_id", None)))
    if export:
        with _Phase() as written:
            sheet = ExcelSheet("会员名单", ["姓名", "身份证号", "手机号", "单位"])
            for account in imported.select_related("person", "unit").order_by("unit_path", "id").iterator(
                    chunk_size=2000):
                sheet.add([account.person.real_name, account.person.id_number, account.mobile, account.unit.name])
            sheet.response("members.xlsx").close()
        out["export"] = written.report(sheet.rows)
    if cleanup:  # in batches: a queryset delete would load every account to cascade
        pairs = list(imported.values_list("pk", "person_id"))
        for start in range(0, len(pairs), 5000):
            batch = pairs[start:start + 5000]
            Account.objects.unscoped(reason="the benchmark removes what it imported").filter(
                pk__in=[a for a, _ in batch]).delete()
            Person.objects.filter(pk__in=[p for _, p in batch]).delete()
        out["cleaned_up"] = len(pairs)
    return out


def run_on_fresh_database(rows: int = 100_000) -> dict:
    """By hand on a migrated database: ``fenji shell -c "from fenji.bench.import_case import *;
    print(run_on_fresh_database(100_000))"`` — one unit, then the case as the platform."""
    from fenji.core.org.models import UnitKind
    from fenji.core.org.services import unit_create

    unit = Unit.objects.filter(code="bench-import").first() or unit_create(
        actor=policy.SYSTEM, parent=None, name="导入测试单位", kind=UnitKind.UNIT, code="bench-import")
    return case_member_import(unit, policy.SYSTEM, rows)
