"""The veterans demo's content: 老干部之家 with posts through 信息公开审查, a notice to the elders and an activity to sign
up for; retired cadres at the demo's towns and units (the two elders who sign in on the phone among them), and
three months of service records — visits, hardship aid, branch activities and volunteer
service — most entered within five working days, some late, so that the lists, the to-dos and the statistics
show something. Idempotent (an elder is found again by the person's ID number)."""

import datetime
import random

from django.utils import timezone

from fenji.core.access import policy
from fenji.core.kernel.crypto import blind_index
from fenji.core.org.models import Unit
from fenji.core.people.identity import check_char
from fenji.core.people.models import Account, Person

from . import record_fields
from .models import Elder, Health, Rank, RecordKind, Retirement, SelfCare, ServiceRecord
from .records import entered_on_time

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = ("建国", "淑英", "秀兰", "振华", "国栋", "桂芝", "德明", "玉珍", "志强", "文华", "树林", "凤英", "明德", "素芳")
# unit code → (how many elders, the staff account who records, by mobile)
PLACES = (("LG-320102-T1", 10, "13810000041"), ("LG-32-U01", 5, "13810000006"), ("LG-3201", 4, "13810000012"))


def _id_number(region: str, birth: datetime.date, serial: int) -> str:
    body = f"{region}{birth:%Y%m%d}{serial:03d}"
    return body + check_char(body)


def _elder(unit, staff, rng, serial, *, person=None) -> Elder:
    if person is None:
        birth = datetime.date(rng.randint(1932, 1962), rng.randint(1, 12), rng.randint(1, 28))
        number = _id_number("320102", birth, 500 + serial)
        person = Person.objects.filter(id_number_hash=blind_index(number)).first() or Person.objects.create(
            real_name=rng.choice(SURNAMES) + rng.choice(GIVEN), id_number=number, birth_date=birth,
            gender=rng.choice("MF"))
    existing = Elder.objects.unscoped(reason="demo content").filter(person=person).first()
    if existing:
        return existing
    old = person.birth_date is not None and person.birth_date.year < 1946
    return Elder.objects.create(
        person=person, unit=unit, unit_path=unit.path, created_by=staff,
        retirement=Retirement.LIXIU if old and rng.random() < 0.4 else Retirement.TUIXIU,
        former_post=rng.choice(("原南京市玄武区副区长", "原省教育厅处长", "原南京大学教授", "原街道党工委书记", "原市教育局科长")),
        rank=rng.choice((Rank.BUREAU, Rank.COUNTY, Rank.SECTION, Rank.OTHER)),
        retired_on=(person.birth_date or datetime.date(1950, 1, 1)).replace(day=1) + datetime.timedelta(days=60 * 366),
        residence=f"南京市玄武区{rng.choice(('梅园新村', '新街口', '北京东路', '珠江路'))}{rng.randint(1, 99)}号",
        health=rng.choice((Health.GOOD, Health.GOOD, Health.FAIR, Health.POOR, Health.SERIOUS)),
        self_care=rng.choice((SelfCare.FULL, SelfCare.FULL, SelfCare.FULL, SelfCare.PARTIAL, SelfCare.NONE)),
        living_alone=rng.random() < 0.25, contact_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
        contact_relation=rng.choice(("子女", "配偶", "侄子")), branch=f"{unit.name}离退休干部党支部")


def _record(rng, unit, staff, kind, elder, ended_on, today, details, **extra) -> ServiceRecord:
    lag = rng.choice((0, 1, 2, 3, 4, 5, 6, 9))  # mostly within a week; now and then after it
    entered_on = min(today, ended_on + datetime.timedelta(days=lag))
    name = elder.person.real_name if elder else ""
    return ServiceRecord(unit=unit, unit_path=unit.path, kind=kind, elder=elder, ended_on=ended_on,
                         entered_on=entered_on, on_time=entered_on_time(ended_on, entered_on),
                         title=record_fields.summary(kind, details, name), details=details, recorded_by=staff,
                         workers=staff.person.real_name, **extra)


def _as(mobile: str):
    return policy.actor_for(Account.objects.unscoped(reason="the demo's own personas").get(mobile=mobile))


def _publishing(today) -> None:
    """老干部之家: a column of the provincial bureau reviewed at two levels, the last 信息公开审查 (000 §20), two posts
    published, one waiting; a notice to every elder; an activity of the street with sign-up."""
    from fenji.core.community import services as community
    from fenji.core.publish import services as publish
    from fenji.core.publish.models import Column
    from fenji.core.publish.permissions import REVIEW_FINAL, REVIEW_FIRST

    province, town = Unit.objects.get(code="LG-32"), Unit.objects.get(code="LG-320102-T1")
    if Column.objects.unscoped(reason="demo content").filter(name="老干部之家").exists():
        return
    column = publish.column_create(actor=policy.SYSTEM, unit=province, name="老干部之家")
    publish.column_levels_set(actor=policy.SYSTEM, column=column,
                              levels=[("初审", REVIEW_FIRST), ("信息公开审查", REVIEW_FINAL)])
    publish.column_managers_set(actor=policy.SYSTEM, column=column, accounts=[
        Account.objects.unscoped(reason="the demo's own personas").get(mobile="13810000007")])
    drafter, reviewers = _as("13810000007"), (_as("13810000008"), _as("13810000005"))
    for title, body in POSTS:
        post = publish.post_save(actor=drafter, column=column, title=title, body=body)
        publish.post_submit(actor=drafter, post=post)
        for reviewer in reviewers:
            post = publish.post_review(actor=reviewer, post=post, approve=True, opinion="同意，可以公开")
    waiting = publish.post_save(actor=drafter, column=column, title="省直单位离退休干部书画展征稿启事",
                                body="欢迎老同志踊跃投稿，作品题材不限，每人限投两件。")
    publish.post_submit(actor=drafter, post=waiting)
    community.notice_send(actor=_as("13810000008"), unit=province, include_subtree=True,
                          title="关于开展2026年冬送温暖走访慰问活动的通知",
                          body="各级老干部工作部门要在元旦春节前走访慰问离退休干部，做到应访尽访，并在活动结束后5个工作日内录入系统。")
    starts = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=10), datetime.time(9)))
    community.activity_create(actor=_as("13810000042"), unit=town, title="老年健康知识讲座", place="新街口街道老年活动中心",
                              starts_at=starts, signup_until=starts - datetime.timedelta(days=2), capacity=40,
                              content="邀请省人民医院专家讲解冬季心脑血管疾病预防。")


POSTS = (
    ("省委老干部局召开全省老干部工作会议", "会议总结今年全省老干部工作，部署明年重点任务，要求各地精准做好服务管理。"),
    ("“银发生辉”志愿服务队走进社区", "南京市玄武区离退休干部志愿服务队走进新街口社区，开展党史宣讲和健康咨询。"),
)


def build() -> None:
    _publishing(timezone.localdate())
    if ServiceRecord.objects.unscoped(reason="demo content").exists():
        return
    rng = random.Random(20260000)
    today = timezone.localdate()
    units = {u.code: u for u in Unit.objects.filter(code__in=[code for code, _n, _m in PLACES])}
    staff_by_mobile = {a.mobile: a for a in Account.objects.unscoped(reason="demo content")
                       .filter(kind="staff").select_related("person") if a.mobile in {m for _c, _n, m in PLACES}}
    records = []
    serial = 0
    for code, count, mobile in PLACES:
        unit, staff = units.get(code), staff_by_mobile.get(mobile)
        if unit is None or staff is None:
            continue
        elders = []
        # the elders who sign in on the phone are kept by their own units
        for account in Account.objects.unscoped(reason="demo content").filter(kind="elder", unit=unit):
            elders.append(_elder(unit, staff, rng, serial, person=account.person))
        for _ in range(count):
            serial += 1
            elders.append(_elder(unit, staff, rng, serial))
        for elder in elders:
            for _visit in range(rng.randint(0, 2)):
                ended = today - datetime.timedelta(days=rng.randint(1, 90))
                details = {"visit_type": rng.choice(("日常走访", "生日慰问", "住院慰问", "冬送温暖")),
                           "method": rng.choice(("上门走访", "电话问候", "医院探望")), "health_found": "精神尚好",
                           "life_found": "生活有人照料", "requests": rng.choice(("", "希望多组织读书活动", "反映小区电梯维修慢"))}
                records.append(_record(rng, unit, staff, RecordKind.VISIT, elder, ended, today, details,
                                       amount=rng.choice((None, 500, 1000))))
            if rng.random() < 0.4:
                ended = today - datetime.timedelta(days=rng.randint(1, 90))
                details = {"activity": rng.choice(("社区义诊宣传", "青少年党史宣讲", "文明交通劝导")), "place": "新街口社区",
                           "content": "协助社区开展志愿服务", "team": "玄武区银发生辉志愿服务队"}
                records.append(_record(rng, unit, staff, RecordKind.VOLUNTEER, elder, ended, today, details,
                                       hours=rng.choice((2, 3, 4))))
        if elders:
            needy = elders[0]
            ended = today - datetime.timedelta(days=rng.randint(10, 60))
            details = {"cause": "因病", "situation": "老伴卧床，子女在外地", "verified_by": staff.person.real_name,
                       "verification": "情况属实", "grade": "二档", "fund_source": "老干部帮扶基金", "aid_state": "纳入帮扶"}
            records.append(_record(rng, unit, staff, RecordKind.AID, needy, ended, today, details, amount=3000))
            for month in (1, 2, 3):
                ended = today - datetime.timedelta(days=30 * month - rng.randint(0, 10))
                present = rng.randint(8, 12)
                details = {"branch": f"{unit.name}离退休干部党支部", "activity_type": rng.choice(("主题党日", "党小组会", "党课")),
                           "place": "党员活动室", "chair": "支部书记", "expected": 14, "present": present,
                           "absent_with_reason": 14 - present, "content": "学习党的二十届四中全会精神"}
                records.append(_record(rng, unit, staff, RecordKind.BRANCH, None, ended, today, details))
    ServiceRecord.objects.bulk_create(records)
