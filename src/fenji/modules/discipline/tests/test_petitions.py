"""The petition register (design/domain/discipline.md P1, seed 003 §16, §19): intake with its deadlines on the
official calendar, repeats kept on file without a notice, the rank guard refusing before anything is written and
opening an upward task, 转送 to a lower unit due in five working days, the petitioner for the item's handlers only,
and 补录 keeping the paper date."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.audit.models import AuditEvent
from fenji.core.audit.services import PLATFORM
from fenji.core.calendar import services as calendar
from fenji.core.calendar.workdays import add_working_days
from fenji.core.kernel.errors import DomainError, NotVisible
from fenji.core.org.services import unit_create
from fenji.core.web import nav
from fenji.modules.discipline import kinds, selectors, services
from fenji.modules.discipline.models import Petition, PetitionState, Subject, UpwardReport
from fenji.modules.discipline.services import SubjectIn
from fenji.testing import actor, make_account

OFFICER = BUILTIN_ROLES["petition_officer"]
TZ = datetime.timezone(datetime.timedelta(hours=8))
CLERK = SubjectIn("张某", "白沙镇农业服务中心", "staff", "会计")


@pytest.fixture(autouse=True)
def discipline_profile(settings):
    settings.FENJI_PROFILE = "discipline"


@pytest.fixture
def w(db):
    from fenji.core.access import policy

    class World:
        county = unit_create(actor=policy.SYSTEM, parent=None, name="中牟县纪委监委", kind=kinds.COMMISSION, code="JW-T")
    World.room = unit_create(actor=policy.SYSTEM, parent=World.county, name="信访室", kind=kinds.ROOM, code="JW-T-R4")
    World.town = unit_create(actor=policy.SYSTEM, parent=World.county, name="白沙镇纪委", kind=kinds.TOWN, code="JW-T-T1")
    World.other = unit_create(actor=policy.SYSTEM, parent=World.county, name="姚家镇纪委", kind=kinds.TOWN,
                              code="JW-T-T2")
    World.county_officer = make_account(World.county, name="信访室干部", role=OFFICER)
    World.town_officer = make_account(World.town, name="白沙镇纪委委员", role=OFFICER)
    World.town_colleague = make_account(World.town, name="白沙镇另一委员", role=OFFICER)
    World.other_officer = make_account(World.other, name="姚家镇纪委委员", role=OFFICER)
    return World


def register(w, who=None, unit=None, subjects=(CLERK,), **kwargs):
    values = {"received_on": timezone.localdate(), "channel": "letter", "category": "report", "real_name": True,
              "content": "反映张某虚报冒领补贴", "petitioner": {"name": "李某", "phone": "13700001111"}}
    values.update(kwargs)
    return services.petition_register(actor=actor(who or w.town_officer), unit=unit or w.town, subjects=list(subjects),
                                      **values)


def test_a_real_name_petition_owes_a_notice_in_15_working_days_past_national_day(w):
    calendar.calendar_seed(actor=PLATFORM, first=2026, last=2026)
    with time_machine.travel(datetime.datetime(2026, 9, 28, 10, tzinfo=TZ), tick=False):
        petition = register(w, received_on=datetime.date(2026, 9, 28))
        # 9-29, 9-30, (10-01..10-07 off), 10-08, 10-09, 10-10 (调休 Saturday worked), 10-12 … 10-23 the 15th
        assert petition.notice_due == datetime.date(2026, 10, 23)
        assert petition.state == PetitionState.HANDLING and petition.number.startswith("XF2026-JW-T-T1-")
    with time_machine.travel(datetime.datetime(2026, 10, 26, 10, tzinfo=TZ), tick=False):
        assert list(selectors.petition_list(actor=actor(w.county_officer), overdue=True)) == [petition]
        todos = [t for t in nav.todos_for(actor(w.town_officer)) if t.kind == "discipline.notice"]
        assert [t.title for t in todos] == [petition.number]
        services.petition_notice_record(actor=actor(w.town_officer), petition=petition,
                                        notice_on=datetime.date(2026, 10, 26))
        assert not selectors.petition_list(actor=actor(w.county_officer), overdue=True).exists()


def test_anonymous_needs_no_petitioner_and_a_real_name_needs_a_phone(w):
    anonymous = register(w, real_name=False, petitioner={})
    assert anonymous.notice_due is None and not hasattr(anonymous, "petitioner")
    with pytest.raises(DomainError, match="可核实的联系电话"):
        register(w, petitioner={"name": "李某"})


def test_a_repeat_is_kept_on_file_without_a_notice(w):
    first = register(w)
    again = register(w, subjects=[SubjectIn("张 某", "白沙镇农业服务中心", "staff")], content="再次反映")
    assert again.is_repeat and again.repeat_of == first
    assert again.state == PetitionState.FILED and again.notice_due is None
    other = register(w, category="suggestion")  # another matter about the same person: not a repeat
    assert not other.is_repeat


def test_the_rank_guard_refuses_before_writing_and_opens_an_upward_task(w):
    chief = SubjectIn("王某", "白沙镇人民政府", "deputy_section", "副镇长")
    with pytest.raises(services.RankRefused) as refused:
        register(w, subjects=[CLERK, chief])
    assert not Petition.objects.unscoped(reason="test").exists() and not Subject.objects.exists()
    report = UpwardReport.objects.unscoped(reason="test").get()
    assert refused.value.report == report and report.reference in refused.value.message
    assert report.due_on > timezone.localdate() and report.receiver
    fields = {f.name for f in UpwardReport._meta.get_fields()}
    assert not fields & {"name", "subject", "content", "rank"}  # nothing about the subject is kept
    # an unknown rank is refused outright; the county commission records any rank
    with pytest.raises(DomainError, match="职级"):
        register(w, subjects=[SubjectIn("赵某", "某单位", "局长")])
    assert register(w, who=w.county_officer, unit=w.county, subjects=[chief]).subjects.get().rank == "deputy_section"
    todos = [t for t in nav.todos_for(actor(w.town_officer)) if t.kind == "discipline.upward"]
    assert [t.title for t in todos] == [report.reference]


def test_a_transfer_down_is_due_in_five_working_days_and_can_be_returned(w):
    petition = register(w, who=w.county_officer, unit=w.county)
    services.petition_decide(actor=actor(w.county_officer), petition=petition, decision="transfer", to_unit=w.town)
    copy = Petition.objects.unscoped(reason="test").get(transferred_from=petition)
    assert (copy.state, copy.source, copy.unit_id) == (PetitionState.TO_SIGN, "transferred", w.town.pk)
    assert copy.register_due is not None and copy.notice_due is None
    assert copy.petitioner.phone == "13700001111"  # the handlers below need the contact
    # it arrives at the town: the town's officers handle it (not a colleague elsewhere, not the county above)
    assert selectors.petitioner_get(actor=actor(w.town_colleague), petition=copy).name == "李某"
    with pytest.raises(NotVisible):
        selectors.petitioner_get(actor=actor(w.other_officer), petition=copy)
    services.petition_decide(actor=actor(w.town_officer), petition=copy, decision="return", note="不属本镇管辖")
    petition.refresh_from_db()
    assert petition.state == PetitionState.HANDLING and "不属本镇管辖" in petition.decision_note
    with pytest.raises(DomainError, match="下级"):  # sideways is not down
        services.petition_decide(actor=actor(w.town_officer), petition=register(w), decision="transfer",
                                 to_unit=w.other)


def test_the_petitioner_is_shown_to_the_items_handlers_only(w, client, login):
    petition = register(w)
    assert selectors.petitioner_get(actor=actor(w.town_officer), petition=petition).name == "李某"
    for outsider in (w.town_colleague, w.county_officer):  # a colleague, the unit above: not handlers
        with pytest.raises(NotVisible):
            selectors.petitioner_get(actor=actor(outsider), petition=petition)
    login(w.county_officer)
    assert client.get(f"/discipline/petitions/{petition.pk}/petitioner/").status_code == 404
    page = client.get(f"/discipline/petitions/{petition.pk}/").content.decode()
    assert "李某" not in page and "虚报冒领" not in page and petition.number in page
    client.logout()
    login(w.town_officer)
    assert "13700001111" in client.get(f"/discipline/petitions/{petition.pk}/petitioner/").content.decode()
    assert AuditEvent.objects.filter(action="discipline.petitioner.view", outcome="ok").count() == 1


def test_a_back_entry_keeps_the_paper_date_and_its_deadlines(w):
    # 60 days back: the 15 working days from the paper date are over whatever the weekday and the holidays (from
    # 20 days back, the deadline fell on the next Monday when the suite ran on a Sunday)
    paper = timezone.localdate() - datetime.timedelta(days=60)
    with pytest.raises(DomainError, match="补录"):
        register(w, received_on=paper)
    petition = register(w, received_on=paper, backfilled=True)
    assert petition.backfilled and petition.received_on == paper
    assert timezone.localtime(petition.entered_at).date() == timezone.localdate()
    assert petition.notice_due == add_working_days(paper, services.NOTICE_DAYS, provisional=True)  # from the paper
    assert petition.notice_due < timezone.localdate()  # so already past on the day it is entered


def test_closing_owes_feedback_and_the_pages_and_api_keep_to_scope(w, client, login):
    petition = register(w)
    services.petition_close(actor=actor(w.town_officer), petition=petition, result="经核实，问题属实，已移交处理")
    petition.refresh_from_db()
    assert petition.state == PetitionState.CLOSED and petition.feedback_due is not None
    login(w.other_officer)
    assert client.get(f"/discipline/petitions/{petition.pk}/").status_code == 404
    assert client.get(f"/api/v1/discipline/petitions/{petition.pk}").status_code == 404
    client.logout()
    login(w.county_officer)
    listing = client.get("/discipline/petitions/").content.decode()
    assert petition.number in listing and "办结 1" in listing
    assert client.get("/discipline/petitions/?format=xlsx").status_code == 200
    response = client.post("/api/v1/discipline/petitions", {
        "received_on": timezone.localdate().isoformat(), "channel": "online", "category": "report",
        "real_name": False, "content": "反映村干部优亲厚友", "subjects": [{"name": "刘某", "workplace": "某村",
                                                                        "rank": "村（社区）干部"}]},
        content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["unit"] == "中牟县纪委监委"


def test_the_lists_statistics_are_read_once_until_something_is_written(w, client, login):
    """Paging through the list asks for the same statistics: they are grouped once, and a registration (here or
    in another process: it is an audit event) shows in them on the next request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    register(w)
    login(w.county_officer)
    assert "符合条件的信访件 1 件" in client.get("/discipline/petitions/").content.decode()
    with CaptureQueriesContext(connection) as again:
        assert "符合条件的信访件 1 件" in client.get("/discipline/petitions/?page=1").content.decode()
    assert not [q for q in again.captured_queries if "GROUP BY" in q["sql"]]
    assert "符合条件的信访件 0 件" in client.get("/discipline/petitions/?state=closed").content.decode()  # its own
    register(w, who=w.county_officer, unit=w.other, real_name=False, petitioner={})
    assert "符合条件的信访件 2 件" in client.get("/discipline/petitions/").content.decode()
    client.logout()
    login(w.town_officer)  # another reader's scope: its own statistics
    assert "符合条件的信访件 1 件" in client.get("/discipline/petitions/").content.decode()


def test_the_kept_statistics_narrow_when_a_grant_expires(w, client, login):
    """A grant that expires narrows the reader's scope without an audit event: the statistics kept for the wider
    scope are not shown after it."""
    from fenji.core.access import policy
    from fenji.core.access.services import grant_create

    with time_machine.travel(datetime.datetime(2026, 11, 3, 10, 0, tzinfo=TZ), tick=False) as clock:
        register(w)
        register(w, who=w.other_officer, unit=w.other)
        reader = make_account(w.town, name="白沙镇临时协办人", role=OFFICER)
        grant_create(actor=policy.SYSTEM, account=reader, role=OFFICER.code, unit=w.other,
                     valid_until=timezone.now() + datetime.timedelta(seconds=10))
        login(reader)
        assert "符合条件的信访件 2 件" in client.get("/discipline/petitions/").content.decode()
        clock.shift(datetime.timedelta(seconds=20))
        assert "符合条件的信访件 1 件" in client.get("/discipline/petitions/").content.decode()
