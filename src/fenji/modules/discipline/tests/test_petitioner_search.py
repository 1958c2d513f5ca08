"""Searching the register by a petitioner (§3, issue 18 item 7): a handler finds the person's other petitions among
those they handle — never one handled by someone else, even in their own scope — and every such search is recorded
with the number masked."""

from django.utils import timezone

from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.audit.models import AuditEvent
from fenji.modules.discipline import selectors, services
from fenji.modules.discipline.services import SubjectIn
from fenji.testing import actor, make_account, shared_world

from .world import discipline_tree

PHONE = "13700004321"


class World:
    pass


def build():
    w = World()
    w.county, w.town, w.other = discipline_tree("JW-S")
    w.first = make_account(w.town, name="白沙镇纪委委员甲", role=BUILTIN_ROLES["petition_officer"])
    w.second = make_account(w.town, name="白沙镇纪委委员乙", role=BUILTIN_ROLES["petition_officer"])
    w.room = make_account(w.county, name="县信访室干部", role=BUILTIN_ROLES["petition_officer"])

    def register(by, content, phone=PHONE):
        return services.petition_register(
            actor=actor(by), unit=w.town, received_on=timezone.localdate(), channel="letter", category="report",
            real_name=True, content=content, petitioner={"name": "李某", "phone": phone},
            subjects=[SubjectIn(f"{content}的被反映人", "白沙镇", "staff")])

    w.mine = [register(w.first, "反映甲"), register(w.first, "反映乙")]
    w.elsewhere = register(w.second, "反映丙")  # the same petitioner, another handler's petition
    register(w.first, "反映丁", phone="13700009999")  # another petitioner
    return w


_world, w = shared_world(build, profile="discipline")


def test_a_handler_finds_only_their_own_petitions_of_the_petitioner_and_the_search_is_recorded(w):
    def found(who, phone=PHONE):
        rows = selectors.petition_list(actor=actor(who))
        return {p.pk for p in selectors.petitions_of_petitioner(actor=actor(who), rows=rows, phone=phone)}

    assert found(w.first) == {p.pk for p in w.mine}
    assert found(w.second) == {w.elsewhere.pk}
    assert found(w.room) == set()  # the county sees the petitions, not who wrote them
    services.petitioner_search_record(actor=actor(w.first), phone=PHONE, found=2)
    event = AuditEvent.objects.filter(action="discipline.petitioner.search").latest("seq")
    assert (event.actor_id, event.details) == (w.first.pk, {"field": "phone", "value": "137****4321", "found": 2})


def test_the_page_and_the_api_search_by_post_and_record(w, client, login):
    login(w.first)
    before = AuditEvent.objects.filter(action="discipline.petitioner.search").count()
    response = client.post("/discipline/petitions/", {"by-petitioner_phone": "１３７ 0000 4321"})
    page = response.content.decode()
    assert all(p.number in page for p in w.mine) and w.elsewhere.number not in page
    assert "该信访人共 2 件" in page and "符合条件的信访件 2 件" in page  # counted once each, handlers or not
    assert PHONE not in page and "0000 4321" not in page  # the number is not shown back
    wrong = client.post("/discipline/petitions/", {"by-petitioner_phone": "12345"}).content.decode()
    assert "请输入 11 位手机号码" in wrong
    listed = client.post("/api/v1/discipline/petitions/by-petitioner", {"petitioner_phone": PHONE},
                         content_type="application/json").json()
    assert {item["id"] for item in listed["items"]} == {p.pk for p in w.mine}
    assert client.post("/api/v1/discipline/petitions/by-petitioner", {"petitioner_phone": "abc"},
                       content_type="application/json").status_code == 400
    assert AuditEvent.objects.filter(action="discipline.petitioner.search").count() == before + 2
    client.logout()
    login(w.room)  # reads the county's petitions, handles none of them: nothing found, still recorded
    found = client.post("/api/v1/discipline/petitions/by-petitioner", {"petitioner_phone": PHONE},
                        content_type="application/json").json()
    assert found["total"] == 0
