"""The member import's worker processes (``kernel.xlsx.parallel``, ADR 0028) write what the import in one
process writes, and report the same refusals."""

from django.db import transaction

from fenji.core.kernel.xlsx import parallel
from fenji.core.people.member_import import MemberWriter
from fenji.core.people.models import Account, AccountKind
from fenji.core.people.services import member_import
from fenji.testing import actor, make_account

from .test_member_import import id_number, report_rows, workbook, wrong_check_digit


def _rows():
    good = [[f"会员{chr(0x4e00 + n)}", id_number(300 + n), f"1391113{n:04d}", None] for n in range(9)]
    return [
        *good[:3],
        ["数字1", id_number(320), "13911130020", None],            # a digit in the name
        ["校验错", wrong_check_digit(id_number(321)), "13911130021", None],
        ["数字手机", id_number(322), 13911130022, None],           # the mobile stored as a number
        ["重号甲", id_number(323), good[2][2], None],              # good[2]'s mobile, an earlier chunk
        *good[3:6],
        ["重号乙", good[4][1], "13911130024", None],               # good[4]'s ID number, the same chunk
        ["老号", id_number(325), "13911130090", None],             # the existing account's mobile
        ["外单位", id_number(326), "13911130026", "320500"],       # a unit outside the actor's reach
        ["", "", "", None],                                          # a blank line
        *good[6:],
    ]


def _import(settings, tree, admin, *, threshold):
    settings.IMPORT_PARALLEL_ROWS, settings.IMPORT_WORKERS = threshold, 2
    with transaction.atomic():  # each run on the same database: rolled back after it is read
        result = member_import(actor=actor(admin), unit=tree.town, file=workbook(_rows()), chunk_size=4)
        written = sorted(
            (a.person.real_name, a.person.id_number, a.person.id_number_hash, a.person.gender,
             a.person.birth_date, a.mobile, a.mobile_hash, a.unit_id, a.unit_path, a.must_change_password,
             a.opened_by_id, a.password[:1], a.has_usable_password())
            for a in Account.objects.unscoped(reason="test").select_related("person").filter(
                kind=AccountKind.MEMBER).exclude(person__real_name="老会员"))
        outcome = ((result.read, result.created, result.rejected, result.counts), [str(e) for e in result.errors],
                   report_rows(result), written)
        transaction.set_rollback(True)
    return outcome


def test_the_worker_processes_write_and_refuse_exactly_what_one_process_does(tree, city_admin, settings, monkeypatch):
    make_account(tree.town, name="老会员", kind="member", mobile="13911130090")
    serial = _import(settings, tree, city_admin, threshold=10**9)
    pools = []
    real_pool = parallel.Pool.__init__
    monkeypatch.setattr(parallel.Pool, "__init__", lambda self, *a, **kw: pools.append(1) or real_pool(self, *a, **kw))
    pooled = _import(settings, tree, city_admin, threshold=1)
    assert pools == [1]
    assert pooled == serial
    counts, errors, report, written = serial
    assert counts == (16, 9, 7, {"out_of_scope": 1}) and len(written) == 9 and len(report) == 8
    assert errors[3:5] == ["第 8 行 手机号：与本文件前面已导入的行手机号相同",
                           "第 12 行 身份证号：与第 10 行的身份证号相同：一人只能有一个账号"]


def test_writing_first_refuses_exactly_what_looking_up_first_does(tree, city_admin, settings, monkeypatch):
    # The chunk is written first and the numbers looked up only when a unique index refuses it: the rows
    # written and the report are those of a lookup before every write (duplicates against the database, an
    # earlier chunk and the same chunk, refused rows, a chunk boundary of 4 rows).
    make_account(tree.town, name="老会员", kind="member", mobile="13911130090")
    lookups = []
    real_existing, real_write = MemberWriter.existing, MemberWriter.write
    monkeypatch.setattr(MemberWriter, "existing", lambda self, rows: lookups.append(1) or real_existing(self, rows))
    written_first = _import(settings, tree, city_admin, threshold=10**9)
    first_lookups, lookups[:] = len(lookups), []
    monkeypatch.setattr(MemberWriter, "write",
                        lambda self, rows: setattr(self, "optimistic", False) or real_write(self, rows))
    looked_up_first = _import(settings, tree, city_admin, threshold=1)
    assert looked_up_first == written_first
    # four chunks: the first clashes with nothing (no lookup); the second clashes, so the third looks up
    # first (and clashes), and so does the fourth
    assert (first_lookups, len(lookups)) == (3, 4)
