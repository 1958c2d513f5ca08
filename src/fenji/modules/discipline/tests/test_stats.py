"""The rooms' statistics (issue 18 item 5, seed 003 §6–7, §10) and the learning materials (item 4): each room counts
what the units under it entered in its own field, per unit and period, with Excel and the API; 调研法规室 publishes
laws and regulations through the publish core and the grassroots units read them."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.errors import AccessDenied
from fenji.core.org.services import unit_create
from fenji.core.publish import services as publish
from fenji.core.publish.models import ColumnKind
from fenji.core.publish.permissions import REVIEW_FINAL
from fenji.modules.discipline import followup_services, kinds, services, stats
from fenji.modules.discipline.services import SubjectIn
from fenji.testing import actor, make_account, shared_world

from .world import discipline_tree

CLERK = SubjectIn("张某", "白沙镇农业服务中心", "staff", "会计")


class World:
    pass


def build():
    w = World()
    w.county, w.town, w.other = discipline_tree("JW-S")
    w.room = unit_create(actor=policy.SYSTEM, parent=w.county, name="县纪委监委调研法规室", kind=kinds.ROOM, code="JW-S-R3")
    w.petition_room = make_account(w.county, name="信访室干部", role=BUILTIN_ROLES["petition_officer"])
    w.case_room = make_account(w.county, name="案管室干部", role=BUILTIN_ROLES["case_officer"])
    w.conduct_room = make_account(w.county, name="党风室干部", role=BUILTIN_ROLES["conduct_officer"])
    w.town_officer = make_account(w.town, name="白沙镇纪委委员", role=BUILTIN_ROLES["petition_officer"])
    w.leader = make_account(w.county, name="县纪委监委分管领导", role=BUILTIN_ROLES["unit_leader"])
    w.regulation = make_account(w.room, name="调研法规室干部")
    from fenji.core.access.services import grant_create

    grant_create(actor=policy.SYSTEM, account=w.regulation, role="regulation_officer", unit=w.county)
    today = timezone.localdate()

    def petition(who, unit, channel, category):
        services.petition_register(actor=actor(who), unit=unit, received_on=today, channel=channel, category=category,
                                   real_name=False, content="反映问题", petitioner={}, subjects=[CLERK])

    petition(w.town_officer, w.town, "letter", "report")
    petition(w.town_officer, w.town, "phone", "complaint")
    petition(w.petition_room, w.other, "letter", "report")
    services.clue_register(actor=actor(w.case_room), unit=w.town, received_on=today, source="other",
                           summary="反映张某", subjects=[CLERK])
    followup_services.conduct_record(actor=actor(w.conduct_room), unit=w.town, kind="style", found_on=today,
                                     summary="窗口服务推诿", subject=CLERK)
    w.column = publish.column_create(actor=policy.SYSTEM, unit=w.county, name="学习资料", kind=ColumnKind.POLICY)
    publish.column_levels_set(actor=policy.SYSTEM, column=w.column, levels=[("终审", REVIEW_FINAL)])
    publish.column_managers_set(actor=policy.SYSTEM, column=w.column, accounts=[w.regulation])
    return w


_world, w = shared_world(build, profile="discipline")


def rows_of(section):
    return {row.label: dict(zip(section.columns, row.values, strict=True)) for row in [*section.rows, section.total]}


def test_the_petition_room_counts_petitions_per_town_and_sees_no_clues(w, client, login):
    login(w.petition_room)
    page = client.get("/discipline/stats/")
    assert page.status_code == 200
    [section] = page.context["sections"]  # petitions only: no clue, case or conduct section for 信访室
    assert section.code == "petitions" and "问题线索" not in page.content.decode()
    counted = rows_of(section)
    assert list(counted) == ["本级", "白沙镇纪委", "姚家镇纪委", "合计"]  # the room is no row of its own
    assert (counted["白沙镇纪委"]["件数"], counted["白沙镇纪委"]["来信"], counted["白沙镇纪委"]["来电"],
            counted["白沙镇纪委"]["控告"]) == (2, 1, 1, 1)
    assert (counted["姚家镇纪委"]["件数"], counted["合计"]["件数"], counted["合计"]["检举"]) == (1, 3, 2)
    last_year = rows_of(client.get(f"/discipline/stats/?period={timezone.localdate().year - 1}").context["sections"][0])
    assert last_year["合计"]["件数"] == 0
    # a custom range needs both dates: the form says so, and the default period is counted meanwhile
    wrong = client.get("/discipline/stats/?period=custom&start=2026-01-01")
    assert "自定义期间请填写起止日期" in wrong.content.decode() and rows_of(wrong.context["sections"][0])["合计"]["件数"] == 3


def test_the_case_room_counts_clues_and_cases_and_the_conduct_room_checks_the_reporting(w, client, login):
    login(w.case_room)
    sections = {s.code: s for s in client.get("/discipline/stats/").context["sections"]}
    # the module lets the case officers read petitions too: that section comes with theirs
    assert list(sections) == ["petitions", "clues", "cases", "sanctions", "rectifications"]
    clues = rows_of(sections["clues"])
    assert (clues["白沙镇纪委"]["件数"], clues["白沙镇纪委"]["未处置"], clues["姚家镇纪委"]["件数"]) == (1, 1, 0)
    client.logout()
    login(w.conduct_room)
    sections = {s.code: s for s in client.get("/discipline/stats/").context["sections"]}
    assert list(sections) == ["conduct", "absences"]
    flags = {row.label: row.flag for row in sections["conduct"].rows}
    assert flags == {"本级": "", "白沙镇纪委": "", "姚家镇纪委": "未录入"}  # entered nothing in the period


def test_a_town_user_sees_only_its_own_unit(w, client, login):
    login(w.town_officer)
    assert client.get(f"/discipline/stats/?unit={w.county.pk}").status_code == 404
    assert client.get(f"/api/v1/discipline/stats?unit={w.county.pk}").status_code == 404
    [section] = client.get("/discipline/stats/").context["sections"]
    assert rows_of(section) == {"本级": rows_of(section)["本级"], "合计": rows_of(section)["本级"]}
    assert rows_of(section)["本级"]["件数"] == 2


def test_the_excel_opens_and_the_api_answers_what_the_page_shows(w, client, login):
    login(w.case_room)
    query = f"period={timezone.localdate():%Y-%m}&unit={w.county.pk}"
    shown = client.get(f"/discipline/stats/?{query}").context["sections"]
    answer = client.get(f"/api/v1/discipline/stats?{query}")
    assert answer.status_code == 200
    assert [(s["code"], s["columns"], [r["values"] for r in s["rows"]], s["total"]["values"])
            for s in answer.json()["sections"]] == [
        (s.code, s.columns, [r.values for r in s.rows], s.total.values) for s in shown]
    assert client.get("/api/v1/discipline/stats?period=custom&start=2026-02-01&end=2026-01-01").status_code == 400
    response = client.get(f"/discipline/stats/?{query}&format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["信访件（信访室）", "问题线索（案件监督管理室）", "案件（案件监督管理室）", "处分（案件监督管理室）", "以案促改（宣传部）"]
    lines = [[cell.value for cell in row] for row in book["问题线索（案件监督管理室）"].iter_rows(min_row=3)]
    assert lines[0][:2] == ["单位", "件数"] and ["白沙镇纪委", 1] == lines[2][:2]
    event = AuditEvent.objects.filter(action="discipline.stats.export").latest("seq")
    assert event.actor_id == w.case_room.pk and event.details["sections"][1] == "clues"


def test_the_query_count_does_not_grow_with_the_units(w):
    reader = actor(w.case_room)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            stats.stats_sections(actor=reader, top=w.county, start=datetime.date(2026, 1, 1),
                                 end=timezone.localdate())
        return len(captured)

    before = queries()
    for n in range(3, 8):
        unit_create(actor=policy.SYSTEM, parent=w.county, name=f"第{n}镇纪委", kind=kinds.TOWN, code=f"JW-S-T{n}")
    assert queries() == before
    assert len(stats.stats_sections(actor=reader, top=w.county, start=datetime.date(2026, 1, 1),
                                    end=timezone.localdate())[0].rows) == 8


def test_a_town_reads_the_learning_material_the_regulation_room_published_and_cannot_publish(w, client, login):
    post = publish.post_save(actor=actor(w.regulation), column=w.column, title="《监察法》学习要点",
                             body="监察机关依照本法规定独立行使监察权。")
    publish.post_submit(actor=actor(w.regulation), post=post)
    login(w.town_officer)
    assert "《监察法》学习要点" not in client.get("/discipline/learning/").content.decode()  # not before the review
    publish.post_review(actor=actor(w.leader), post=post, approve=True)
    page = client.get("/discipline/learning/").content.decode()
    assert "《监察法》学习要点" in page and "发布学习资料" not in page
    assert [m["title"] for m in client.get("/api/v1/discipline/learning").json()["items"]] == ["《监察法》学习要点"]
    with pytest.raises(AccessDenied):
        publish.post_save(actor=actor(w.town_officer), column=w.column, title="自行发布", body="正文")
    client.logout()
    login(w.regulation)
    assert "在“学习资料”发布学习资料" in client.get("/discipline/learning/").content.decode()
