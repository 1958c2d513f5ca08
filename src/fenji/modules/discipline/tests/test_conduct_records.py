"""Conduct-supervision records (党风政风): recorded with the rank guard, reported to 党风政风监督室 once, read within
scope; the pages and the API."""

import datetime

import pytest
from django.utils import timezone

from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.kernel.errors import DomainError, NotVisible
from fenji.modules.discipline import followup_selectors, followup_services, services
from fenji.modules.discipline.models import ConductRecord
from fenji.modules.discipline.services import SubjectIn
from fenji.testing import actor, make_account, shared_world

from .world import discipline_tree


class World:
    pass


def build():
    w = World()
    w.county, w.town, w.other = discipline_tree("JW-D")
    w.member = make_account(w.town, name="白沙镇纪委干部", role=BUILTIN_ROLES["conduct_officer"])
    w.other_member = make_account(w.other, name="姚家镇纪委干部", role=BUILTIN_ROLES["conduct_officer"])
    w.room = make_account(w.county, name="党风政风监督室干部", role=BUILTIN_ROLES["conduct_officer"])
    return w


_world, w = shared_world(build, profile="discipline")


def record(w, rank="staff", **kwargs):
    values = {"kind": "four_styles", "found_on": timezone.localdate(), "summary": "工作日中午饮酒",
              "subject": SubjectIn("刘某", "白沙镇财政所", rank, "会计")}
    values.update(kwargs)
    return followup_services.conduct_record(actor=actor(w.member), unit=w.town, **values)


def test_a_record_is_reported_once_and_the_room_counts_what_is_not(w):
    item = record(w)
    assert followup_selectors.conduct_counts(followup_selectors.conduct_list(actor=actor(w.room)))["unreported"] == 1
    with pytest.raises(DomainError, match="上报日期须在发现日期之后"):
        followup_services.conduct_report(actor=actor(w.member), record=item,
                                         reported_on=timezone.localdate() + datetime.timedelta(days=1))
    item = followup_services.conduct_report(actor=actor(w.member), record=item, reported_on=timezone.localdate(),
                                            handling="已批评教育")
    assert item.handling == "已批评教育"
    with pytest.raises(DomainError, match="已上报"):
        followup_services.conduct_report(actor=actor(w.member), record=item, reported_on=timezone.localdate())
    assert list(followup_selectors.conduct_list(actor=actor(w.room), reported="no")) == []
    with pytest.raises(NotVisible):
        followup_selectors.conduct_get(actor=actor(w.other_member), pk=item.pk)


def test_the_rank_guard_refuses_a_record_before_anything_is_written(w):
    with pytest.raises(services.RankRefused):
        record(w, rank="deputy_section")
    assert not ConductRecord.objects.unscoped(reason="test").exists()


def test_the_pages_and_api(w, client, login):
    item = record(w)
    login(w.other_member)
    assert client.get(f"/discipline/conduct/{item.pk}/").status_code == 404
    assert client.get(f"/api/v1/discipline/conduct/{item.pk}").status_code == 404
    client.logout()
    login(w.member)
    assert "未报党风政风监督室 1 条" in client.get("/discipline/conduct/").content.decode()
    assert client.get("/discipline/conduct/?format=xlsx").status_code == 200
    today = timezone.localdate().isoformat()
    response = client.post("/discipline/conduct/new/", {
        "kind": "style", "found_on": today, "summary": "推诿扯皮", "subject_name": "王某", "subject_workplace": "镇政府",
        "subject_rank": "deputy_section"})
    assert response.status_code == 302 and ConductRecord.objects.unscoped(reason="t").count() == 1  # refused
    assert client.post(f"/discipline/conduct/{item.pk}/", {"reported_on": today}).status_code == 302
    response = client.post("/api/v1/discipline/conduct", {
        "kind": "accountability", "found_on": today, "summary": "履职不力",
        "subject": {"name": "赵某", "workplace": "某村", "rank": "村（社区）干部"}}, content_type="application/json")
    assert response.status_code == 201 and response.json()["reported_on"] is None
