"""The office demo's content (seed 001 §10): 掌上新华's columns with their owners and some published posts (each
through its three reviews), the 市容随手拍 and 指点新华区 boards routed to their bureaus with a citizen's ticket,
the general office's removable media and its duty roster. Built through the services, as people would;
idempotent (found again by name)."""

import datetime

from django.utils import timezone

from fenji.core.access import policy
from fenji.core.org.models import Unit
from fenji.core.people.models import Account
from fenji.core.publish import services as publish
from fenji.core.publish.models import Column, ColumnKind, Post
from fenji.core.tickets import services as tickets
from fenji.core.tickets.models import Board, Ticket

from . import services
from .models import DutyPeriod, DutyShift, RemovableMedium

# (column, owner unit code, class, public, children)
COLUMNS = (
    ("办事包打听", "XH-BGS", ColumnKind.OTHER, True, ()),
    ("区情一点通", "XH-BGS", ColumnKind.OTHER, True, ()),
    ("热点全知道", "XH-BGS", ColumnKind.NEWS, True, ()),
    ("您的身边事", "XH-BGS", ColumnKind.NEWS, True, ()),
    ("市容随手拍", "XH-CGJ", ColumnKind.INTERACTION, True, (("互动反馈", ColumnKind.OTHER), ("考核评比", ColumnKind.NOTICE),
                                                     ("公告公示", ColumnKind.NOTICE))),
    ("指点新华区", "XH-BGS", ColumnKind.INTERACTION, True, ()),
)
# (interaction column, its boards): 指点新华区 gathers every board, 市容随手拍 its own; column health counts them
COLUMN_BOARDS = (("指点新华区", None), ("市容随手拍", ("市容随手拍",)))

POSTS = (
    ("热点全知道", "新华区启动冬季清洁取暖保障专项行动",
     "为保障群众温暖过冬，区住建局会同各街道开展集中供热入户走访，设立供热服务热线，"
     "对反映问题实行24小时内响应。"),
    ("区情一点通", "新华区概况",
     "新华区辖革新街、东焦、合作路、杜北等街道和赵陵铺镇，区政府各部门通过政务办公专网和掌上新华为群众提供服务。"),
    ("办事包打听", "低保申请需要准备哪些材料",
     "申请人持户口簿、身份证明、家庭收入情况说明等材料，向户籍所在地街道（乡镇）提出申请，详见区民政局办事指南。"),
)

# (board, handling unit code): seed 001 §10 and the domain note's routing table (§2.3)
BOARDS = (
    ("市容随手拍", "XH-CGJ"), ("环境保护", "XH-HBJ"), ("食品安全", "XH-SCJ"), ("低保问题", "XH-MZJ"),
    ("住房保障", "XH-ZJJ"), ("集中供热", "XH-ZJJ"), ("教育问题", "XH-JYJ"), ("卫生防疫", "XH-WSJ"),
)


def _account(mobile: str) -> Account:
    return Account.objects.unscoped(reason="the demo's own personas").get(mobile=mobile)


def _as(mobile: str):
    return policy.actor_for(_account(mobile))


def build() -> None:
    units = {u.code: u for u in Unit.objects.filter(code__startswith="XH")}
    columns = _columns(units)
    _posts(columns)
    _boards(units)
    _column_boards(columns)
    _registers(units)


def _columns(units) -> dict[str, Column]:
    found = {c.name: c for c in Column.objects.unscoped(reason="the demo's columns").filter(closed_at=None)}
    drafter = _account("13820000012")  # 韩雪 drafts the general office's columns
    for name, code, kind, public, children in COLUMNS:
        if name not in found:
            found[name] = publish.column_create(actor=policy.SYSTEM, unit=units[code], name=name, kind=kind,
                                                public=public)
            if code == "XH-BGS":
                publish.column_managers_set(actor=policy.SYSTEM, column=found[name], accounts=[drafter])
        for child, child_kind in children:
            if child not in found:
                found[child] = publish.column_create(actor=policy.SYSTEM, unit=units[code], name=child,
                                                     kind=child_kind, public=public, parent=found[name])
    return found


def _posts(columns) -> None:
    if Post.objects.unscoped(reason="the demo's posts").exists():
        return
    drafter = _as("13820000012")  # 韩雪 drafts; 王磊 初审, 孟丽 复审, 高志远 终审
    reviewers = [_as("13820000013"), _as("13820000011"), _as("13820000004")]
    for column, title, body in POSTS:
        post = publish.post_save(actor=drafter, column=columns[column], title=title, body=body)
        publish.post_submit(actor=drafter, post=post)
        for reviewer in reviewers:
            post = publish.post_review(actor=reviewer, post=post, approve=True, opinion="同意")
    # one waiting for its 初审, so the reviewer has a to-do
    waiting = publish.post_save(actor=drafter, column=columns["您的身边事"], title="革新街社区开展义诊进社区活动",
                                body="区卫生健康局组织医务人员走进革新街社区，为居民免费测量血压、血糖。")
    publish.post_submit(actor=drafter, post=waiting)


def _boards(units) -> None:
    office = units["XH-BGS"]
    found = set(Board.objects.unscoped(reason="the demo's boards").values_list("name", flat=True))
    for name, code in BOARDS:
        if name not in found:
            tickets.board_create(actor=policy.SYSTEM, office=office, unit=units[code], name=name,
                                 takes_photos=True, takes_location=name == "市容随手拍")
    if Ticket.objects.unscoped(reason="the demo's tickets").exists():
        return
    board = Board.objects.unscoped(reason="the demo's boards").get(name="市容随手拍")
    citizen = _as("13820000041")  # 曹阳
    answered = tickets.ticket_file(actor=citizen, board=board, content="和平路与中华大街交口人行道上堆放建筑垃圾，影响通行。",
                                   location_text="和平路与中华大街交口", public_ok=True)
    clerk = _as("13820000023")  # 李城管
    tickets.ticket_sign(actor=clerk, ticket=answered)
    tickets.ticket_answer(actor=clerk, ticket=answered, answer="已联系环卫所于当日清运完毕，感谢您的监督。")
    tickets.ticket_file(actor=_as("13820000042"), board=board, content="赵陵铺村口路灯连续三晚不亮。",
                        location_text="赵陵铺村口")


def _column_boards(columns) -> None:
    boards = list(Board.objects.unscoped(reason="the demo's boards").order_by("id"))
    for name, wanted in COLUMN_BOARDS:
        column = columns[name]
        if column.kind != ColumnKind.INTERACTION or column.boards.unscoped(reason="the demo's links").exists():
            continue  # a demo made before columns had boards keeps its columns as they are
        publish.column_boards_set(actor=policy.SYSTEM, column=column,
                                  boards=[b for b in boards if wanted is None or b.name in wanted])


def _registers(units) -> None:
    office = units["XH-BGS"]
    admin = _as("13820000014")  # 赵网管
    if not RemovableMedium.objects.unscoped(reason="the demo's media").filter(unit=office).exists():
        today = timezone.localdate()
        keeper = _account("13820000012")
        first = services.medium_register(actor=admin, unit=office, number="BGS-U-001", kind="usb", keeper=keeper,
                                         model_name="专网专用U盘", capacity="32GB",
                                         registered_on=today - datetime.timedelta(days=120))
        services.medium_check(actor=admin, medium=first, checked_on=today - datetime.timedelta(days=100),
                              result="clean")  # due again: a to-do for the administrator
        services.medium_register(actor=admin, unit=office, number="BGS-D-001", kind="disk",
                                 keeper=_account("13820000011"), model_name="移动硬盘", capacity="1TB")
    if not DutyShift.objects.unscoped(reason="the demo's roster").filter(unit=office).exists():
        staff = [_account("13820000012"), _account("13820000013"), _account("13820000014")]
        for n in range(7):
            day = timezone.localdate() + datetime.timedelta(days=n)
            services.duty_assign(actor=admin, unit=office, day=day, period=DutyPeriod.OFF, account=staff[n % 3])
            services.duty_assign(actor=admin, unit=office, day=day, period=DutyPeriod.WORK,
                                 account=staff[(n + 1) % 3])
