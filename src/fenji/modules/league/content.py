"""The league demo's content: members in the school's and the community's branches (the two who sign in on the
phone among them), last month's and this month's dues bills, some paid in cash, some online, some owed, and two
transfers to another district in progress.
Built through the services, as the branch would; idempotent."""

import datetime
import random

from django.utils import timezone

from fenji.core.access import policy
from fenji.core.org.models import Unit
from fenji.core.people.identity import check_char
from fenji.core.people.models import Account

from . import orgs as org_services
from . import services
from .models import DuesBill, Education, Member, Occupation

GIVEN = ("子涵", "嘉欣", "浩然", "梓轩", "思彤", "宇航", "雨桐", "俊杰", "欣怡", "明轩")
SURNAMES = "陈李黄张梁刘林何罗郑"
# branch code → (how many members, students?)
BRANCHES = (("LY-GZ-YX-13Z-G1", 5, True), ("LY-GZ-YX-13Z-G2", 4, True), ("LY-GZ-YX-BJJ-SQ1", 4, False))


# organisation code → (industry, secretary); the others are 其他 with no secretary on file
ORGS = {"LY-GZ-YX-13Z": ("school", "谢文"), "LY-GZ-YX-13Z-G1": ("school", "周子涵"),
        "LY-GZ-YX-13Z-G2": ("school", ""), "LY-GZ-YX-13Z-JS": ("school", ""),
        "LY-GZ-YX-BJJ": ("community", "陈晓"), "LY-GZ-YX-BJJ-SQ": ("community", ""),
        "LY-GZ-YX-BJJ-SQ1": ("community", "吴嘉欣"), "LY-GZ-YX-BJJ-SQ2": ("community", ""),
        "LY-GZ-TH-SP": ("community", ""), "LY-GZ-TH-SP-1": ("community", ""), "LY-SZ-FT-HQ": ("community", ""),
        "LY-SZ-FT-HQ-1": ("community", "")}


def build_orgs() -> None:
    """The League's record of every organisation of the demo tree (entered on time, years ago), their cadres, a
    branch founded last week whose approval document is still to come, and the empty 教师团支部 whose revocation
    was decided yesterday."""
    from .models import Cadre, CadreNature, CadrePosition, Organisation

    if Organisation.objects.unscoped(reason="demo content").exists():
        return
    today = timezone.localdate()
    approved = datetime.date(2019, 3, 12)
    for unit in Unit.objects.filter(kind__in=org_services.ORG_KINDS).order_by("path"):
        industry, secretary = ORGS.get(unit.code, ("party_gov" if unit.kind in org_services.LEADING_KINDS else "other", ""))
        Organisation.objects.create(unit=unit, unit_path=unit.path, industry=industry, secretary=secretary,
                                    approved_on=approved, entry_due=org_services._working_days_after(approved, 30),
                                    entry_done_on=approved + datetime.timedelta(days=7))
        if secretary:
            Cadre.objects.create(unit=unit, unit_path=unit.path, name=secretary, position=CadrePosition.SECRETARY,
                                 nature=CadreNature.PART_TIME if unit.kind == "league_branch" else CadreNature.FULL_TIME,
                                 since=datetime.date(2024, 9, 1))
    school = Unit.objects.get(code="LY-GZ-YX-13Z")
    Cadre.objects.create(unit=school, unit_path=school.path, name="林晓", position=CadrePosition.DEPUTY,
                         nature=CadreNature.SECONDED, since=datetime.date(2025, 3, 1))
    org_services.org_create(actor=policy.SYSTEM, parent=school, name="高一（5）班团支部", kind="league_branch",
                        code="LY-GZ-YX-13Z-G5", industry="school", approval_ref="穗越团〔2026〕12号",
                        approved_on=today - datetime.timedelta(days=7))
    teachers = Organisation.objects.unscoped(reason="demo content").get(unit__code="LY-GZ-YX-13Z-JS")
    org_services.org_revoke_decide(actor=policy.SYSTEM, org=teachers, decided_on=today - datetime.timedelta(days=1),
                               reference="穗越团〔2026〕15号")


def build() -> None:
    build_orgs()
    if DuesBill.objects.unscoped(reason="demo content").exists():
        return
    rng = random.Random(20260002)
    branches = {u.code: u for u in Unit.objects.filter(code__in=[code for code, _n, _s in BRANCHES])}
    county = Unit.objects.get(code="LY-GZ-YX")
    system = policy.SYSTEM
    serial = 0
    for code, count, students in BRANCHES:
        branch = branches[code]
        for account in Account.objects.unscoped(reason="demo content").filter(kind="member", unit=branch):
            if not Member.objects.unscoped(reason="demo content").filter(person=account.person).exists():
                Member.objects.create(person=account.person, unit=branch, unit_path=branch.path,
                                      join_date=datetime.date(2023, 5, 4), join_place=branch.name,
                                      development_no=f"2023{account.pk:08d}", student=students,
                                      income=0 if students else 4500)
        for _ in range(count):
            serial += 1
            birth = datetime.date(2008 if students else 1999, rng.randint(1, 12), rng.randint(1, 28))
            first17 = f"440104{birth:%Y%m%d}{600 + serial:03d}"
            join = datetime.date(birth.year + 15, 5, 4)
            services.member_register(
                actor=system, branch=branch, real_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                id_number=first17 + check_char(first17), mobile=f"1360000{serial:04d}", join_date=join,
                join_place=branch.name, development_no=f"{join.year}{serial:08d}", student=students,
                occupation=Occupation.STUDENT if students else Occupation.ENTERPRISE,
                education=Education.SENIOR if students else Education.BACHELOR,
                income=0 if students else rng.choice((2800, 4500, 6500)))
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    for month in (last_month, this_month):
        services.bills_generate(actor=system, unit=county, month=month)
    members = list(Member.objects.unscoped(reason="demo content").filter(unit_path__startswith=county.path)
                   .order_by("id"))
    for m in members:
        if rng.random() < 0.6:
            services.dues_pay(actor=system, member=m, months=1, channel=rng.choice(("cash", "online")),
                              reference=f"WX{rng.randint(10**9, 10**10 - 1)}")
    # transfers in progress: one to another district awaiting the sending branch, one awaiting the receiver
    far = Unit.objects.get(code="LY-GZ-TH-SP-1")
    services.transfer_start(actor=system, member=members[-1], to_unit=far, reason="job", note="",
                            initiator="sender")
    services.transfer_start(actor=system, member=members[-2], to_unit=far, reason="school", note="",
                            initiator="receiver")
    # a community member has asked in writing to leave the League (自愿退团), waiting for the district's review
    from . import status as status_services

    status_services.status_propose(actor=system, member=members[-3], kind="withdraw", reason="本人书面申请退团")
    build_remittances()
    build_activities()


def build_remittances() -> None:
    """The school's 高一（1）班 branch (留存 10%) remitted its collection to the school's committee, which confirmed
    it (谢文 signs in); the community's 盐运西 branch remitted too, awaiting its general branch's confirmation; the
    first branch spent part of what it kept by its committee's decision (shown to its members on 我的团费)."""
    from decimal import Decimal

    from . import remit
    from .models import Organisation, Remittance

    if Remittance.objects.unscoped(reason="demo content").exists():
        return
    Organisation.objects.unscoped(reason="demo content").filter(unit__code="LY-GZ-YX-13Z-G1").update(
        retention_pct=Decimal(10))
    today = timezone.localdate()
    system = policy.SYSTEM
    for code in ("LY-GZ-YX-13Z-G1", "LY-GZ-YX-BJJ-SQ1"):
        branch = Unit.objects.get(code=code)
        if remit.pending(branch)["collected"] > 0:
            remit.remittance_create(actor=system, unit=branch, note="演示：本月现金和线上收缴")
    first = Remittance.objects.unscoped(reason="demo content").filter(unit__code="LY-GZ-YX-13Z-G1").first()
    receiver = Account.objects.unscoped(reason="demo content").filter(
        unit__code="LY-GZ-YX-13Z", person__real_name="谢文").first()
    if first is not None and receiver is not None:
        remit.remittance_confirm(actor=policy.actor_for(receiver), remittance=first)
        left = remit.balance(first.unit)
        if left > 0:
            remit.dues_use_record(actor=system, unit=first.unit, amount=left, purpose="购买五四主题团日活动材料",
                                  decided_on=today, decision_ref="高一（1）班团支部委员会会议记录 2026-3")


def sample_photo(width: int = 96, height: int = 64) -> bytes:
    """A real PNG image (a green field under a blue sky), made here: the demo's and the tests' activity photo."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + (bytes((90, 160, 230)) if y < height * 2 // 3 else bytes((60, 150, 70))) * width
                    for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def build_activities() -> None:
    """The school's committee published a 团日活动 to its 高一（1）班 branch, some of whose members signed up (周子涵
    signs up on the phone); the community's 盐运西 branch held a 志愿服务 last week and closed it with its summary and
    a photo."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from . import activities
    from .models import Activity, ActivityReach

    if Activity.objects.unscoped(reason="demo content").exists():
        return
    system = policy.SYSTEM
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    school = Unit.objects.get(code="LY-GZ-YX-13Z")
    g1 = Unit.objects.get(code="LY-GZ-YX-13Z-G1")
    upcoming = activities.activity_create(
        actor=system, unit=school, theme="“青春心向党”五四主题团日活动", starts_at=now + datetime.timedelta(days=3, hours=2),
        ends_at=now + datetime.timedelta(days=3, hours=4), place="第十三中学报告厅",
        content="重温入团誓词，观看主题影片，分组交流学习体会。", reach=ActivityReach.BRANCHES, branches=[g1.pk])
    activities.activity_publish(actor=system, activity=upcoming)
    for account in Account.objects.unscoped(reason="demo content").filter(unit=g1, kind="member").exclude(
            person__real_name="周子涵").order_by("id")[:3]:
        activities.activity_signup(actor=policy.actor_for(account), activity=upcoming)
    sq1 = Unit.objects.get(code="LY-GZ-YX-BJJ-SQ1")
    past = activities.activity_create(
        actor=system, unit=sq1, theme="社区敬老志愿服务", starts_at=now + datetime.timedelta(days=1),
        ends_at=now + datetime.timedelta(days=1, hours=2), place="盐运西社区长者饭堂", content="为社区长者送餐、打扫和陪伴聊天。")
    activities.activity_publish(actor=system, activity=past)
    signed = list(Account.objects.unscoped(reason="demo content").filter(unit=sq1, kind="member").order_by("id")[:3])
    for account in signed:
        activities.activity_signup(actor=policy.actor_for(account), activity=past)
    Activity.objects.unscoped(reason="demo content: held last week").filter(pk=past.pk).update(
        starts_at=now - datetime.timedelta(days=7), ends_at=now - datetime.timedelta(days=7) + datetime.timedelta(hours=2))
    past.refresh_from_db()
    activities.activity_hold(actor=system, activity=past)
    attended = Member.objects.unscoped(reason="demo content").filter(person__account__in=signed[:2])
    activities.attendance_record(actor=system, activity=past, members=[m.pk for m in attended])
    activities.activity_summary(actor=system, activity=past, summary="团员为 20 位社区长者送餐并打扫活动室，长者们很满意。",
                                photos=[SimpleUploadedFile("志愿服务.png", sample_photo(), content_type="image/png")])
    activities.activity_close(actor=system, activity=past)
