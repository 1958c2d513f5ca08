"""Row scope over HTTP: an administrator reaches its own subtree and nothing else.

Out of scope answers exactly like a missing row (404), for reads and for writes. The matrix
(``fenji.testing.ScopeMatrix``) checks every route that takes a row; units and accounts with system
administrators, grants and requests with security-secrecy administrators (三员: one person never holds both).

    江苏省 ── 南京市 ── 玄武区 ── 新街口街道 / 梅园新村街道
          └─ 苏州市
"""

import datetime

import pytest
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.roles import AUDITOR, BUILTIN_ROLES, DEPT_HEAD, SECURITY_ADMIN, STAFF, SYSTEM_ADMIN
from fenji.core.access.services import grant_create
from fenji.core.audit.services import audit_record
from fenji.core.ops.services import maintenance_schedule
from fenji.core.org.models import Unit
from fenji.core.people.models import Account, AccountStatus
from fenji.core.workflow.models import Request
from fenji.testing import Reach, ScopeMatrix, Tree, actor, make_account, shared_world
from fenji.testing.routing import route_named
from fenji.testing.scope import uncovered_routes

# One tree for the file, each test in a savepoint of its own (what a route's POST changes is undone); the tree's units
# are read again before each test, as a write rolled back leaves the objects in memory as they were.
_world, w = shared_world(Tree)


@pytest.fixture
def tree(w):
    w.refresh()
    return w


def _unit(unit):
    return unit


def _account(unit):
    return make_account(unit, name=f"{unit.name}人员")


def _disabled_account(unit):
    account = _account(unit)
    Account.objects.unscoped(reason="test").filter(pk=account.pk).update(status=AccountStatus.DISABLED)
    return account


def _grant(unit):
    return grant_create(actor=policy.SYSTEM, account=_account(unit), role=STAFF.code, unit=unit)


def _maintenance(unit):
    starts = timezone.now() + datetime.timedelta(days=2)
    return maintenance_schedule(actor=policy.SYSTEM, unit=unit, title=f"{unit.name}维护", starts_at=starts,
                                ends_at=starts + datetime.timedelta(hours=2))


def _request(unit):
    """A filed request (its type and steps do not matter to who may read it)."""
    requester = _account(unit)
    return Request.objects.create(unit=unit, unit_path=unit.path, kind="scope.sample", title=f"{unit.name}申请",
                                  payload_json="{}", requester=requester)


def _seal_key(unit):
    from fenji.core.seals.services import seal_key_create

    return seal_key_create(actor=policy.SYSTEM, unit=unit)


def _audit_event(unit):
    """An event about ``unit`` done by an account of ``unit``."""
    return audit_record(actor=actor(_account(unit)), action="org.unit.update", target=unit)


def _dispatch(unit):
    """A notice ``unit``'s office sent to the units below it."""
    from fenji.core.dispatch.services import Targets, dispatch_send

    head = make_account(unit, name=f"{unit.name}办公室主任", role=DEPT_HEAD)
    return dispatch_send(actor=actor(head), kind="notice", title=f"{unit.name}通知",
                         targets=Targets(units=list(Unit.objects.filter(parent=unit)[:1])))


def _column(unit):
    from fenji.core.publish.services import column_create

    head = make_account(unit, name=f"{unit.name}栏目负责人", role=DEPT_HEAD)
    return column_create(actor=actor(head), unit=unit, name=f"{unit.name}动态")


def _post(unit):
    """A post of ``unit``'s column, sent for review (a draft is its drafter's alone)."""
    from fenji.core.publish.services import column_managers_set, post_save, post_submit

    column = _column(unit)
    clerk = make_account(unit, name=f"{unit.name}信息员", role=STAFF)
    column_managers_set(actor=policy.SYSTEM, column=column, accounts=[clerk])
    post = post_save(actor=actor(clerk), column=column, title=f"{unit.name}稿件", body="正文")
    return post_submit(actor=actor(clerk), post=post)


def _activity(unit):
    from fenji.core.community.models import Activity

    now = timezone.now()
    return Activity.objects.create(unit=unit, unit_path=unit.path, title=f"{unit.name}活动", place="礼堂",
                                   starts_at=now + datetime.timedelta(days=2),
                                   signup_until=now + datetime.timedelta(days=1), created_by=_account(unit))


def _feedback(unit):
    from fenji.core.community.models import Feedback

    author = make_account(unit, kind="member", name=f"{unit.name}成员")
    return Feedback.objects.create(unit=unit, unit_path=unit.path, author=author, content=f"{unit.name}的意见",
                                   due_at=timezone.now() + datetime.timedelta(days=5))


def _opinion(unit):
    from fenji.core.community.models import Feedback, FeedbackTopic

    author = make_account(unit, name=f"{unit.name}科员")
    return Feedback.objects.create(unit=unit, unit_path=unit.path, author=author, content=f"{unit.name}的建议",
                                   topic=FeedbackTopic.SYSTEM, due_at=timezone.now() + datetime.timedelta(days=5))


def _medium(unit):
    from fenji.modules.office.models import RemovableMedium

    keeper = _account(unit)
    return RemovableMedium.objects.create(unit=unit, unit_path=unit.path, number=f"{unit.code or unit.pk}-U1",
                                          kind="usb", keeper=keeper, registered_on=timezone.localdate(),
                                          registered_by=keeper)
def _elder(unit):
    from fenji.core.people.models import Person
    from fenji.modules.veterans.models import Elder

    person = Person.objects.create(real_name=f"{unit.name}老同志")
    return Elder.objects.create(unit=unit, unit_path=unit.path, person=person, retirement="tuixiu")


def _service_record(unit):
    from fenji.modules.veterans.models import ServiceRecord

    elder = _elder(unit)
    return ServiceRecord.objects.create(unit=unit, unit_path=unit.path, kind="visit", elder=elder, title="日常走访测试",
                                        ended_on=timezone.localdate(), entered_on=timezone.localdate(), on_time=True,
                                        workers="测试", details={"visit_type": "日常走访", "method": "上门走访"},
                                        recorded_by=_account(unit))


def _petition(unit):
    from fenji.modules.discipline.models import Petition

    return Petition.objects.create(unit=unit, unit_path=unit.path, number=f"XF-{unit.pk}-1", channel="letter",
                                   received_on=timezone.localdate(), category="report", real_name=False,
                                   content="测试", state="handling", registered_by=_account(unit))


def _clue(unit):
    from fenji.modules.discipline.models import Clue

    return Clue.objects.create(unit=unit, unit_path=unit.path, number=f"XS-{unit.pk}-1", source="other",
                               received_on=timezone.localdate(), summary="测试", state="disposed", disposal="closed",
                               registered_by=_account(unit))


def _case(unit):
    from fenji.modules.discipline.models import Case

    return Case.objects.create(unit=unit, unit_path=unit.path, number=f"AJ-{unit.pk}-1", case_type="discipline",
                               summary="测试", state="decided", proposed_on=timezone.localdate(),
                               decided_on=timezone.localdate(), registered_by=_account(unit))


def _rectification(unit):
    from fenji.modules.discipline.models import Rectification

    case = _case(unit)
    return Rectification.objects.create(unit=unit, unit_path=unit.path, case=case, incident_unit="测试单位",
                                        opened_on=timezone.localdate(), due_on=timezone.localdate())


def _absence(unit):
    from fenji.modules.discipline.models import Absence

    return Absence.objects.create(unit=unit, unit_path=unit.path, person=_account(unit), purpose="official",
                                  reason="测试外出", destination="郑州", start_on=timezone.localdate(),
                                  end_on=timezone.localdate(), contact="13700005555", state="approved",
                                  filed_by=_account(unit))


def _conduct(unit):
    from fenji.modules.discipline.models import ConductRecord

    return ConductRecord.objects.create(unit=unit, unit_path=unit.path, kind="style", found_on=timezone.localdate(),
                                        summary="测试", subject_name="测试", subject_workplace="测试单位",
                                        subject_rank="staff", recorded_by=_account(unit))


def _upward(unit):
    from fenji.modules.discipline.models import UpwardReport

    return UpwardReport.objects.create(unit=unit, unit_path=unit.path, reference=f"SB-{unit.pk}", receiver="信访室",
                                       due_on=timezone.localdate(), created_by=_account(unit))


def _export_package(unit):
    from fenji.modules.discipline.models import ExportPackage

    return ExportPackage.objects.create(unit=unit, unit_path=unit.path, seq=1, name=f"JB-U{unit.pk}-000001-20261009",
                                        digest="ab" * 32, record_count=1)


def _league_member(unit):
    from fenji.core.people.models import Person
    from fenji.modules.league.models import Member

    person = Person.objects.create(real_name=f"{unit.name}团员")
    return Member.objects.create(unit=unit, unit_path=unit.path, person=person, join_date=timezone.localdate(),
                                 join_place="测试")


def _transfer(unit):
    from fenji.modules.league.models import Transfer

    m = _league_member(unit)
    return Transfer.objects.create(unit=unit, unit_path=unit.path, member=m, to_unit=unit, initiator="sender",
                                   reason="job", state="in_review", stage_due=timezone.localdate(),
                                   started_by=_account(unit))


def _branch_code(tree, _member):
    from fenji.core.org.models import Unit
    from fenji.core.org.services import unit_create

    if not Unit.objects.filter(code="TZB-SCOPE").exists():  # asked again for each request of a test
        unit_create(actor=policy.SYSTEM, parent=tree.other_town, name="接收团支部", kind="branch", code="TZB-SCOPE")
    return {"to_code": "TZB-SCOPE", "reason": "job"}


def _transfers_of(member):
    from fenji.modules.league.models import Transfer

    return Transfer.objects.unscoped(reason="test").filter(member=member).count()


def _member_edit(unit):
    from fenji.modules.league.models import MemberEdit

    return MemberEdit.objects.create(unit=unit, unit_path=unit.path, member=_league_member(unit),
                                     before={"work_unit": ""}, after={"work_unit": "某公司"},
                                     due_on=timezone.localdate())


def _league_org(unit):
    from fenji.modules.league.models import Organisation

    return Organisation.objects.create(unit=unit, unit_path=unit.path, approved_on=timezone.localdate(),
                                       entry_due=timezone.localdate())


def _status_case(unit):
    from fenji.modules.league.models import StatusCase

    return StatusCase.objects.create(unit=unit, unit_path=unit.path, member=_league_member(unit), kind="withdraw",
                                     reason="本人书面申请")


def _status_cases_of(member):
    from fenji.modules.league.models import StatusCase

    return StatusCase.objects.unscoped(reason="test").filter(member=member).count()


def _league_activity(unit):
    """A draft activity of ``unit`` inviting its own member (so that publishing it succeeds)."""
    from fenji.modules.league.models import Activity

    _league_member(unit)
    start = timezone.now() + datetime.timedelta(days=2)
    return Activity.objects.create(unit=unit, unit_path=unit.path, theme=f"{unit.name}团日活动", starts_at=start,
                                   ends_at=start + datetime.timedelta(hours=2), place="会议室")


def _activity_edit(_tree, _activity):
    start = timezone.localtime() + datetime.timedelta(days=3)
    return {"theme": "越权修改", "place": "别处", "reach": "subtree", "starts_at": f"{start:%Y-%m-%dT%H:%M}",
            "ends_at": f"{start + datetime.timedelta(hours=1):%Y-%m-%dT%H:%M}"}


def _labor_ticket(unit):
    """A county requirement ticket still a draft (its counterpart department: any unit will do for the scope)."""
    from fenji.modules.labor.models import Ticket

    return Ticket.objects.create(unit=unit, unit_path=unit.path, filer=_account(unit), title=f"{unit.name}的业务需求",
                                 system_name="劳动力资源信息平台", subsystem="labor.gig", kind="new", description="测试",
                                 contact_name="测试", contact_phone="0718-8221234", review_unit=unit)


def _board(unit):
    """A board handled by ``unit`` and managed by its parent (the unit itself at the top)."""
    from fenji.core.tickets.services import board_create

    return board_create(actor=policy.SYSTEM, office=unit.parent or unit, unit=unit, name=f"{unit.name}版块")


def _ticket(unit):
    from fenji.core.tickets.services import ticket_file

    citizen = make_account(unit, kind="citizen", name=f"{unit.name}市民")
    return ticket_file(actor=actor(citizen), board=_board(unit), content=f"{unit.name}的诉求")


def _inspection(unit):
    """An inspection of ``unit`` by its parent (by itself at the top: the row there is the upward one)."""
    from fenji.core.supervision.models import Inspection, InspectionTarget

    owner = unit.parent or unit
    today = timezone.localdate()
    inspection = Inspection.objects.create(unit=owner, unit_path=owner.path, title=f"{unit.name}检查",
                                           period_start=today, period_end=today, checklist=["信息质量"])
    InspectionTarget.objects.create(inspection=inspection, unit=unit, unit_path=unit.path)
    return inspection


def _answered_finding(unit):
    from fenji.core.supervision.models import Finding, FindingState, InspectionTarget

    inspection = _inspection(unit)
    return Finding.objects.create(inspection=inspection, target=InspectionTarget.objects.unscoped(reason="test").get(inspection=inspection), unit=unit,
                                  unit_path=unit.path, item="信息质量", description=f"{unit.name}的问题",
                                  state=FindingState.ANSWERED, issued_at=timezone.now(), due_at=timezone.now(),
                                  measures="已整改", answered_at=timezone.now())


def _sample(unit):
    from fenji.core.supervision.models import InspectionTarget, Sample, SampleItem

    inspection = _inspection(unit)
    sample = Sample.objects.create(inspection=inspection, target=InspectionTarget.objects.unscoped(reason="test").get(inspection=inspection), unit=unit,
                                   unit_path=unit.path, record_type="people.account", record_label="账号信息",
                                   ratio="0.1", population=1, population_digest="0" * 64, seed="00")
    SampleItem.objects.create(sample=sample, position=1, record_id=_account(unit).pk, title=f"{unit.name}的账号")
    return sample


def _person(account):
    return account.person.real_name


def _seal_keys(unit):
    from fenji.core.seals.models import SealKey

    return SealKey.objects.unscoped(reason="test").filter(unit_id=unit.pk, revoked_at__isnull=True).count()


def _accounts_at(unit):
    return Account.objects.unscoped(reason="test").filter(unit_id=unit.pk).count()


def _unit_state(unit):
    return (unit.name, unit.parent_id, unit.path, unit.status)


class TestScope(ScopeMatrix):
    routes = {
        "org:unit": Reach(_unit, SYSTEM_ADMIN, shown=lambda u: u.name),
        "org:children": Reach(_unit, SYSTEM_ADMIN),
        "org:create": Reach(_unit, SYSTEM_ADMIN, post={"name": "新建测试单位", "kind": "village"},
                            state=lambda u: u.children.count()),
        "org:edit": Reach(_unit, SYSTEM_ADMIN, post={"name": "改名测试", "kind": "town"}, state=_unit_state),
        "org:move": Reach(_unit, SYSTEM_ADMIN, post=lambda tree, _unit: {"new_parent": tree.city.pk},
                          state=_unit_state),
        "org:revoke": Reach(_unit, SYSTEM_ADMIN, state=_unit_state,
                            post={"revoked_on": "2026-01-05", "reference": "测试〔2026〕1号"}),
        "people:account": Reach(_account, SYSTEM_ADMIN, shown=_person),
        "people:duty": Reach(_account, SYSTEM_ADMIN, shown=_person),
        "people:disable": Reach(_account, SYSTEM_ADMIN, post={"reason": "调离"}, state=lambda a: a.status,
                                shown=_person),
        "people:enable": Reach(_disabled_account, SYSTEM_ADMIN, post={}, state=lambda a: a.status),
        "people:mobile": Reach(_account, SYSTEM_ADMIN, post={"mobile": "13700001234"}, state=lambda a: a.mobile),
        "people:unmask": Reach(_account, SYSTEM_ADMIN, shown=_person),
        "people:password_reset": Reach(_account, SYSTEM_ADMIN, post={}, state=lambda a: a.password, shown=_person),
        # (an account with a password needs no activation SMS: the control POST is refused as a rule, hence no state)
        "people:activation_invite": Reach(_account, SYSTEM_ADMIN, post={}, shown=_person),
        "people:correct": Reach(_account, SYSTEM_ADMIN, post={"real_name": "更正测试", "id_number": ""},
                                state=lambda a: a.person.real_name, shown=_person),
        "people:move": Reach(_account, SYSTEM_ADMIN, state=lambda a: a.unit_id, shown=_person,
                             post=lambda tree, _account: {"unit": tree.city.pk, "reason": "调动", "confirmed": "1"}),
        # a unit's activities and its members' feedback are for the unit's staff and those above it
        "community:activity": Reach(_activity, DEPT_HEAD, shown=lambda a: a.title),
        "community:feedback_detail": Reach(_feedback, DEPT_HEAD, post={"answer": "已收到"}, state=lambda f: f.state),
        # opinions about the system are the system administrators' (of the unit where they stand, and above)
        "community:opinion": Reach(_opinion, SYSTEM_ADMIN, post={"answer": "已收到"}, state=lambda f: f.state),
        # the office network's media register is its network administrators' (专网管理员)
        # a unit's elders and service records are its veterans workers' and those above (老干部工作人员)
        "veterans:elder": Reach(_elder, BUILTIN_ROLES["veterans_worker"], shown=lambda e: e.person.real_name,
                                post={"op": "status", "status": "moved", "note": "迁出"}, state=lambda e: e.status),
        "veterans:certificate": Reach(_elder, BUILTIN_ROLES["veterans_worker"]),
        "veterans:record": Reach(_service_record, BUILTIN_ROLES["veterans_worker"], shown=lambda r: r.title,
                                 post={"ended_on": "2026-01-05", "workers": "改", "reason": "更正",
                                       "d_visit_type": "日常走访", "d_method": "电话问候"},
                                 state=lambda r: r.revision),
        # petitions are their unit's petition officers' and those above (信访干部); the petitioner: handlers only
        "discipline:petition": Reach(_petition, BUILTIN_ROLES["petition_officer"], shown=lambda p: p.number,
                                     post={"op": "close", "close-result": "已办结"}, state=lambda p: p.state),
        # clues are their unit's case officers' and those above (审查调查干部)
        "discipline:clue": Reach(_clue, BUILTIN_ROLES["case_officer"], shown=lambda c: c.number,
                                 post={"op": "conclude", "conclude-outcome": "cleared"}, state=lambda c: c.state),
        # cases too (审查调查干部); executing the decision closes the case
        "discipline:case": Reach(_case, BUILTIN_ROLES["case_officer"], shown=lambda c: c.number,
                                 post=lambda tree, c: {"op": "execute",
                                                       "execute-executed_on": timezone.localdate().isoformat()},
                                 state=lambda c: c.state),
        # 以案促改 is the case officers' of its unit and above; recording progress changes its state
        "discipline:rectification": Reach(_rectification, BUILTIN_ROLES["case_officer"], shown=lambda r: r.case.number,
                                          post={"op": "record", "record-measures": "建章立制"},
                                          state=lambda r: r.state),
        # 外出报备 is its unit's conduct officers' and those above (the county office reads all); 销假 ends it
        "discipline:absence": Reach(_absence, BUILTIN_ROLES["conduct_officer"], shown=lambda a: a.reason,
                                    post=lambda tree, a: {"op": "extend", "extend-reason": "延期",
                                                          "extend-new_end": "2099-01-01"},
                                    state=lambda a: a.end_on),
        # conduct records are their unit's conduct officers' and those above; reporting dates it
        "discipline:conduct_record": Reach(_conduct, BUILTIN_ROLES["conduct_officer"], shown=lambda r: r.subject_workplace,
                                           post=lambda tree, r: {"reported_on": timezone.localdate().isoformat()},
                                           state=lambda r: r.reported_on),
        "discipline:upward_report": Reach(_upward, BUILTIN_ROLES["petition_officer"], shown=lambda r: r.reference,
                                          post=lambda tree, r: {"done_on": timezone.localdate().isoformat()},
                                          state=lambda r: r.done_on),
        # export packages are their unit's exporters' and those above (内网数据导出员); the receipt confirms one
        "discipline:export": Reach(_export_package, BUILTIN_ROLES["export_officer"], shown=lambda p: p.name,
                                   post=lambda tree, p: {"digest": p.digest[:16],
                                                         "confirmed_on": timezone.localdate().isoformat()},
                                   state=lambda p: p.confirmed_on),
        # members are their branch's and the League organisations' above (团干部)
        # a requirement ticket is its department's subtree's (its counterpart department and vendor reach it by
        # name: src/fenji/modules/labor/tests/test_tickets.py)
        "labor:ticket": Reach(_labor_ticket, BUILTIN_ROLES["labor_requester"], shown=lambda t: t.title,
                              post={"op": "submit"}, state=lambda t: t.state),
        "labor:ticket_edit": Reach(_labor_ticket, BUILTIN_ROLES["labor_requester"], shown=lambda t: t.title),
        "labor:application_pdf": Reach(_labor_ticket, BUILTIN_ROLES["labor_requester"]),
        "labor:release_pdf": Reach(_labor_ticket, BUILTIN_ROLES["labor_requester"]),
        "league:member": Reach(_league_member, BUILTIN_ROLES["league_cadre"], shown=lambda m: m.person.real_name,
                               post={"op": "income", "income-income": "3000"}, state=lambda m: m.income),
        # a transfer is seen from either side; the member's record stays with its branch
        "league:transfer": Reach(_transfer, BUILTIN_ROLES["league_cadre"], shown=lambda t: t.member.person.real_name,
                                 post={"op": "approve"}, state=lambda t: t.state),
        "league:edit": Reach(_member_edit, BUILTIN_ROLES["league_cadre"], shown=lambda e: e.member.person.real_name,
                             post={"decision": "approve"}, state=lambda e: e.state),
        # a League organisation is its own unit's record, seen from above
        "league:org": Reach(_league_org, BUILTIN_ROLES["league_cadre"], shown=lambda o: o.unit.name,
                            post={"op": "update", "org-industry": "school", "org-secretary": "书记"},
                            state=lambda o: o.secretary),
        "league:status_case": Reach(_status_case, BUILTIN_ROLES["league_cadre"],
                                    shown=lambda c: c.member.person.real_name,
                                    post={"decision": "reject", "note": "经核实不属实"}, state=lambda c: c.state),
        "league:status_propose": Reach(_league_member, BUILTIN_ROLES["league_cadre"], get=False,
                                       post={"kind": "withdraw", "reason": "本人书面申请"},
                                       state=_status_cases_of),
        # an activity is its publishing organisation's, managed from there and above
        "league:activity": Reach(_league_activity, BUILTIN_ROLES["league_cadre"], shown=lambda a: a.theme,
                                 post={"op": "publish"}, state=lambda a: a.state),
        "league:activity_edit": Reach(_league_activity, BUILTIN_ROLES["league_cadre"], shown=lambda a: a.theme,
                                      post=_activity_edit,
                                      state=lambda a: a.theme),
        "league:transfer_out": Reach(_league_member, BUILTIN_ROLES["league_cadre"], get=False, post=_branch_code,
                                     state=_transfers_of),
        "office:medium": Reach(_medium, BUILTIN_ROLES["office_network_admin"], shown=lambda m: m.number,
                               post={"op": "retire", "state": "lost", "reason": "遗失"}, state=lambda m: m.state),
        # columns are managed by those holding publish.column.manage over the owning unit; a post past its draft
        # is seen and reviewed by those holding the review actions over it
        "publish:column": Reach(_column, DEPT_HEAD, shown=lambda c: c.name, state=lambda c: c.name,
                                post={"op": "update", "name": "改名测试", "kind": "other"}),
        "publish:post": Reach(_post, DEPT_HEAD, shown=lambda p: p.title, state=lambda p: p.level,
                              post={"op": "review", "decision": "approve"}),
        "publish:post_pdf": Reach(_post, DEPT_HEAD),
        # a ticket is seen by those above its handling unit (and by the board's managing unit); acting on it is
        # for the handling unit's own accounts (src/fenji/core/tickets/tests); boards by their managing unit
        "tickets:detail": Reach(_ticket, DEPT_HEAD, shown=lambda t: t.content),
        "tickets:board": Reach(_board, DEPT_HEAD, shown=lambda b: b.name),
        # an inspection is seen whole above the inspecting unit; findings and samples also by the units above the
        # inspected one (src/fenji/core/supervision/tests: an inspected unit sees only its own part)
        "supervision:detail": Reach(_inspection, DEPT_HEAD, shown=lambda i: i.title, post={"op": "close"},
                                    state=lambda i: i.state),
        "supervision:pdf": Reach(_inspection, DEPT_HEAD),
        "supervision:rectification": Reach(_answered_finding, DEPT_HEAD, shown=lambda f: f.description,
                                           post={"op": "decide", "decide-decision": "accept"}, state=lambda f: f.state),
        "supervision:sample": Reach(_sample, DEPT_HEAD, shown=lambda s: s.items.get().title,
                                    post=lambda tree, s: {"record_id": s.items.get().record_id, "verdict": "correct"},
                                    state=lambda s: s.items.get().verdict),
        # the security administrator signs an account out (在线用户)
        "online:sign_out": Reach(_account, SECURITY_ADMIN, post={"reason": "测试"}, state=lambda a: a.security_stamp,
                                 shown=_person),
        "people:open": Reach(_unit, SYSTEM_ADMIN, post={"real_name": "新开账号", "mobile": "13700005678",
                                                        "kind": "citizen"}, state=_accounts_at),
        "grants:revoke": Reach(_grant, SECURITY_ADMIN, post={"reason": "调离"}, state=lambda g: g.revoked_at,
                               shown=lambda g: _person(g.account)),
        # (a window above is announced on every page below it: its title is no leak)
        "ops:cancel": Reach(_maintenance, SYSTEM_ADMIN, post={}, state=lambda m: m.cancelled_at),
        # Requests are read by those overseeing the requesting unit (workflow.request.view: not the system
        # administrator); deciding is a POST on a request found the same way (in scope, a holder who has no
        # open step is sent back to the request's page).
        "workflow:detail": Reach(_request, SECURITY_ADMIN, shown=lambda r: r.title),
        "workflow:decide": Reach(_request, SECURITY_ADMIN, get=False, post={"opinion": "同意"}),
        "ledgers:request_form": Reach(_request, SECURITY_ADMIN),
        # seals are the security-secrecy administrator's (seals.key.manage)
        "seals:create": Reach(_unit, SECURITY_ADMIN, post={}, state=_seal_keys),
        "seals:revoke": Reach(_seal_key, SECURITY_ADMIN, post={"reason": "印章遗失"}, state=lambda k: k.revoked_at),
        # audit events are the auditor's, scoped by the target's and the actor's unit paths
        "auditlog:detail": Reach(_audit_event, AUDITOR, pk=lambda event: event.seq),
        # a dispatch's tracking page is for whoever may send from the sending unit
        "dispatch:detail": Reach(_dispatch, DEPT_HEAD, at="county", shown=lambda d: d.title),
    }
    # Row routes whose scope is not a unit's subtree, proven by their own tests.
    elsewhere = {
        "discipline:petitioner": "src/fenji/modules/discipline/tests/test_petitions.py::"
                                 "test_the_petitioner_is_shown_to_the_items_handlers_only (handlers, not the scope)",
        "discipline:export_file": "src/fenji/modules/discipline/tests/test_export.py::"
                                  "test_the_pages_and_api_produce_download_and_confirm_within_scope (the package's "
                                  "scope, then its directory under FENJI_VAR_DIR)",
        "veterans:record_photo": "src/fenji/modules/veterans/tests/test_service_records.py::"
                                 "test_a_photo_is_served_only_through_its_record (the record's scope, then the photo)",
        # attachments: /files/<id>/ serves only the uploader's own files; everyone else gets 404 like a
        # missing row. Owners' files go through their owner's page (delivery, submission).
        "files:download": "src/fenji/core/files/tests/test_files.py::test_download_scope",
        # submissions belong to their drafter, the submitting unit and the parent unit's handlers, by state
        # (a draft is the drafter's alone): others 404 like a missing row, for every page and POST
        **{f"submissions:{name}": "src/fenji/core/submissions/tests/test_submissions.py::"
                                  "test_outsiders_get_404_like_a_missing_row"
           for name in ("detail", "edit", "send", "seal", "receive", "handle", "return", "package", "attachment",
                        "pdf")},
        # in-app messages belong to their recipient: another account's message answers 404
        "messages:detail": "src/fenji/core/web/tests/test_messages_page.py::"
                           "test_another_accounts_message_is_404_and_stays_unread",
        # only the requester withdraws, whatever the reader's scope
        "workflow:withdraw": "src/fenji/core/workflow/tests/test_views.py::"
                             "test_only_the_requester_withdraws_and_only_before_any_decision",
        # a delivery is its receiving unit's own (not its ancestors') and the sender's: a sibling unit, a unit
        # outside the targets and a unit above answer 404
        "dispatch:delivery": "src/fenji/core/dispatch/tests/test_views.py::"
                             "test_a_delivery_is_404_to_units_outside_the_targets",
        "dispatch:delivery_attachment": "src/fenji/core/dispatch/tests/test_views.py::"
                                        "test_reply_attachments_are_served_through_their_delivery",
        "dispatch:mobile_delivery": "src/fenji/core/dispatch/tests/test_views.py::"
                                    "test_the_mobile_delivery_is_the_receiving_units_only",
        # a dispatch's files: through a delivery (its receiving unit after signing, the sender) or the sender's
        # tracking; another dispatch's file, another unit, the generic download: 404
        **{f"dispatch:{name}": "src/fenji/core/dispatch/tests/test_documents.py::test_the_file_is_404_outside_the_delivery"
           for name in ("file", "delivery_file", "mobile_delivery_file")},
        # a notice is its recipients' (their message is the proof); an activity is offered to the members of its
        # unit (and its subtree when so marked): others get 404 like a missing row
        "community:m_notice": "src/fenji/core/community/tests/test_community.py::"
                              "test_a_notice_reaches_the_members_and_elders_of_the_unit_and_they_read_it_on_the_phone",
        "community:m_signup": "src/fenji/core/community/tests/test_community.py::"
                              "test_members_sign_up_within_capacity_and_before_the_deadline",
        "community:m_activity": "src/fenji/core/community/tests/test_community.py::"
                                "test_the_phone_shows_an_activity_and_the_unit_exports_its_sign_ups",
        # a requirement's policy files are served through the ticket, to whoever sees it; another ticket's file: 404
        "labor:ticket_file": "src/fenji/modules/labor/tests/test_tickets.py::test_policy_files_are_served_through_their_ticket",
        # a League dues remittance is seen from either side (the sender's subtree, the receiver's); only the
        # receiving unit itself confirms it
        "league:remittance": "src/fenji/modules/league/tests/test_remittance.py::test_the_pages_and_api_keep_to_scope",
        # an activity's photos are served through the activity, to its organisers; another county's: 404
        "league:activity_photo": "src/fenji/modules/league/tests/test_activities.py::"
                                 "test_the_pages_phone_and_api_keep_to_scope",
        # a duty shift is removed by the network administrators of its unit and above; the row is gone after
        "office:duty_remove": "src/fenji/modules/office/tests/test_office.py::"
                              "test_a_shift_is_removed_only_within_scope",
        # a draft is its drafter's alone; a post's attachments are served through the post; the phone's and the
        # public column pages show published posts of the columns offered to the reader (public ones to anyone);
        # the sensitive-word list is the platform's, kept at the top
        "publish:post_edit": "src/fenji/core/publish/tests/test_publish.py::"
                             "test_another_units_manager_cannot_reach_the_column_or_post",
        **{f"publish:{name}": "src/fenji/core/publish/tests/test_publish.py::"
                              "test_attachments_are_served_through_their_post"
           for name in ("post_attachment", "m_post_attachment", "public_post_attachment")},
        **{f"publish:{name}": "src/fenji/core/publish/tests/test_publish.py::"
                              "test_signed_in_accounts_read_their_columns_on_the_phone"
           for name in ("m_column", "m_post")},
        **{f"publish:{name}": "src/fenji/core/publish/tests/test_publish.py::"
                              "test_the_public_pages_show_only_public_published_posts_and_no_personal_data"
           for name in ("public_column", "public_post")},
        "publish:word_remove": "src/fenji/core/publish/tests/test_publish.py::"
                               "test_only_a_top_level_security_administrator_removes_a_word",
        # a citizen's ticket is theirs alone (another citizen's answers 404 like a missing one); its photos are served
        # through the ticket, to the citizen and to the staff who see the ticket
        "tickets:m_detail": "src/fenji/core/tickets/tests/test_tickets.py::test_a_citizen_sees_only_their_own_tickets",
        **{f"tickets:{name}": "src/fenji/core/tickets/tests/test_tickets.py::"
                              "test_a_photo_must_be_an_image_whose_content_matches_its_name" for name in ("m_photo", "photo")},
        # a finding's evidence is served through the finding, to whoever sees it; another finding's file: 404
        "supervision:file": "src/fenji/core/supervision/tests/test_supervision.py::"
                            "test_evidence_is_served_through_its_finding",
        # an import job (its progress, its error report) is shown to the account that started it only
        **{f"people:{name}": "src/fenji/core/people/tests/test_member_import.py::test_out_of_scope_users_are_refused"
           for name in ("member_import_job", "member_import_errors", "member_import_activate")},
        **{f"veterans:{name}": "src/fenji/modules/veterans/tests/test_service_records.py::"
                               "test_elders_are_imported_row_by_row_with_a_report_of_the_rest"
           for name in ("elder_import_job", "elder_import_errors")},
        **{f"discipline:{name}": "src/fenji/modules/discipline/tests/test_petition_import.py::"
                                 "test_a_sheet_of_paper_records_keeps_their_dates_and_reports_the_rest"
           for name in ("petition_import_job", "petition_import_errors")},
        **{f"league:{name}": "src/fenji/modules/league/tests/test_member_import.py::"
                             "test_a_branch_imports_its_members_row_by_row_with_a_report_of_the_rest"
           for name in ("member_import_job", "member_import_errors")},
    }


def test_the_matrix_covers_every_route_that_takes_a_row():
    """Core and module routes alike: a module declares its own ``ScopeMatrix`` in its tests."""
    uncovered, unknown = uncovered_routes()
    assert not uncovered, f"add these row routes to a scope matrix (fenji.testing.ScopeMatrix): {sorted(uncovered)}"
    assert not unknown, f"the scope matrices name routes that do not exist: {sorted(unknown)}"


def url_for(name: str, pk) -> str:
    route = route_named(name)
    assert len(route.parameters) == 1, route.label
    return route.url(lambda _route, _parameter: pk)


def missing_pk(model) -> int:
    return (model._base_manager.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def test_a_business_clerk_sees_units_but_may_not_administer_them(tree, city_clerk, login):
    client = login(city_clerk)
    assert client.get(url_for("org:unit", tree.town.pk)).status_code == 200
    assert client.get(url_for("org:unit", tree.sibling_city.pk)).status_code == 404
    for name in ("org:create", "org:edit", "org:move", "org:revoke", "people:open"):
        assert client.get(url_for(name, tree.town.pk)).status_code == 403, name


# --- the account list ----------------------------------------------------------------------------


@pytest.fixture
def population(tree):
    inside = [make_account(tree.town, name="南京甲"), make_account(tree.county, name="南京乙", kind="member"),
              make_account(tree.other_town, name="南京丙", kind="elder")]
    outside = [make_account(tree.sibling_city, name="苏州甲"), make_account(tree.sibling_city, name="苏州乙"),
               make_account(tree.province, name="省直甲")]
    return inside, outside


def _listed(response):
    assert response.status_code == 200
    page = response.context["page"]
    assert page.next_cursor is None, "the test population should fit on one page"
    return {account.pk for account in page.rows}, page.total


def test_the_account_list_shows_only_the_subtree(tree, city_admin, population, login):
    inside, outside = population
    client = login(city_admin)
    response = client.get("/people/accounts/")
    listed, total = _listed(response)
    expected = set(Account.objects.unscoped(reason="test").filter(unit_path__startswith=tree.city.path).values_list("pk", flat=True))
    assert expected == {city_admin.pk} | {a.pk for a in inside}
    assert listed == expected
    assert total == len(expected)
    content = response.content.decode()
    assert all(a.person.real_name in content for a in inside)
    assert not any(a.person.real_name in content for a in outside)


def test_the_account_list_filters_by_a_unit_in_scope(tree, city_admin, population, login):
    inside, _ = population
    client = login(city_admin)
    listed, _ = _listed(client.get("/people/accounts/", {"unit": tree.county.pk}))
    assert listed == {a.pk for a in inside}  # city_admin itself sits at 南京市, above 玄武区


@pytest.mark.parametrize("unit", ["sibling_city", "province"])
def test_the_account_list_refuses_a_unit_out_of_scope(tree, city_admin, population, login, unit):
    client = login(city_admin)
    response = client.get("/people/accounts/", {"unit": getattr(tree, unit).pk})
    assert response.status_code == 404
    assert "苏州甲" not in response.content.decode()


def test_the_account_list_for_the_sibling_shows_none_of_nanjing(tree, sibling_admin, population, login):
    inside, outside = population
    listed, _ = _listed(login(sibling_admin).get("/people/accounts/"))
    assert listed == {sibling_admin.pk} | {a.pk for a in outside if a.unit_id == tree.sibling_city.pk}


# --- writes --------------------------------------------------------------------------------------


def test_disabling_a_nanjing_account_from_suzhou_is_404_and_it_stays_active(tree, sibling_admin, login):
    account = make_account(tree.town, name="南京街道人员")
    response = login(sibling_admin).post(f"/people/accounts/{account.pk}/disable/", {"reason": "调离"})
    assert response.status_code == 404
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
    assert account.is_active


def test_creating_under_the_common_parent_is_refused_to_a_city_administrator(tree, city_admin, login):
    before = set(Unit.objects.values_list("pk", flat=True))
    response = login(city_admin).post(f"/org/units/{tree.province.pk}/new/", {"name": "越权单位", "kind": "city"})
    assert response.status_code == 404
    assert set(Unit.objects.values_list("pk", flat=True)) == before


def test_moving_into_another_subtree_is_refused_like_a_missing_destination(tree, city_admin, login):
    """The unit is in scope but the destination is not: answered exactly as for a destination that does not exist."""
    client = login(city_admin)
    unit = tree.other_town
    path = f"/org/units/{unit.pk}/move/"
    out_of_scope = client.post(path, {"new_parent": tree.sibling_city.pk})
    missing = client.post(path, {"new_parent": missing_pk(Unit)})
    unit.refresh_from_db()
    assert unit.parent_id == tree.county.pk
    assert out_of_scope.status_code == missing.status_code == 404
    for response in (out_of_scope, missing):
        assert "单位不存在或不在您的管理范围内" in response.content.decode()
    assert Unit.objects.get(pk=tree.sibling_city.pk).children.count() == 0
