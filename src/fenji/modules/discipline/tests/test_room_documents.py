"""The rooms approve what the grassroots initiate (seed 003 §6–7, C7.4): a town commission sends a document to one of
the county commission's rooms through the reports-up flow — drafted, reviewed and sealed by the town's head — and
that room, not another, signs for it and approves it (or returns it); the county commission itself stays the
default receiver."""

import pytest

from fenji.core.access.roles import DEPT_HEAD, SECURITY_ADMIN, STAFF, UNIT_LEADER
from fenji.core.kernel.errors import DomainError, NotVisible
from fenji.core.org.services import unit_create
from fenji.core.seals.services import seal_key_create
from fenji.core.submissions import selectors
from fenji.core.submissions.models import SubmissionState
from fenji.core.submissions.services import (
    submission_approve_and_seal,
    submission_draft,
    submission_handle,
    submission_receive,
    submission_send_for_review,
    submission_targets,
)
from fenji.modules.discipline import kinds
from fenji.testing import actor, make_account, shared_world

from .world import discipline_tree


class World:
    pass


def build():
    from fenji.core.access import policy

    w = World()
    w.county, w.town, w.other = discipline_tree("JW-D")
    w.petitions_room = unit_create(actor=policy.SYSTEM, parent=w.county, name="信访室", kind=kinds.ROOM, code="JW-D-R4")
    w.publicity = unit_create(actor=policy.SYSTEM, parent=w.county, name="宣传部", kind=kinds.ROOM, code="JW-D-R2")
    w.clerk = make_account(w.town, name="白沙镇纪委干部", role=STAFF)
    w.leader = make_account(w.town, name="白沙镇纪委书记", role=UNIT_LEADER)
    w.room_head = make_account(w.petitions_room, name="信访室主任", role=DEPT_HEAD)
    w.publicity_head = make_account(w.publicity, name="宣传部部长", role=DEPT_HEAD)
    security = make_account(w.county, name="县纪委保密员", role=SECURITY_ADMIN)
    seal_key_create(actor=actor(security), unit=w.town)
    return w


_world, w = shared_world(build, profile="discipline")


def test_a_town_sends_a_document_to_a_room_which_approves_it(w):
    assert [u.name for u in submission_targets(w.town)] == ["中牟县纪委监委", "信访室", "宣传部"]
    with pytest.raises(DomainError, match="只能报送本单位的上级单位或其受理部门"):
        submission_draft(actor=actor(w.clerk), kind="request", title="请示", body="正文", contact="褚亮 13800000000",
                         target_unit=w.other.pk)  # a town beside is no receiver
    document = submission_draft(actor=actor(w.clerk), kind="request", title="关于信访件集中交办的请示",
                                body="拟将三件重复件集中交办。", contact="褚亮 13800000000", target_unit=w.petitions_room.pk)
    assert document.target_unit == w.petitions_room
    submission_send_for_review(actor=actor(w.clerk), submission=document)
    document = submission_approve_and_seal(actor=actor(w.leader), submission=document)
    assert [s.pk for s in selectors.submission_list_incoming(actor=actor(w.room_head))] == [document.pk]
    assert not selectors.submission_list_incoming(actor=actor(w.publicity_head)).exists()
    with pytest.raises(NotVisible):  # another room: as if it did not exist
        selectors.submission_get(actor=actor(w.publicity_head), pk=document.pk)
    submission_receive(actor=actor(w.room_head), submission=document)
    document = submission_handle(actor=actor(w.room_head), submission=document, note="同意，请按程序交办。")
    assert document.state == SubmissionState.HANDLED and document.handled_by_id == w.room_head.pk


def test_the_pages_and_the_api_offer_the_rooms(w, client, login):
    login(w.clerk)
    page = client.get("/submissions/new/").content.decode()
    assert "主送单位" in page and "信访室" in page and "姚家镇纪委" not in page
    response = client.post("/submissions/new/", {"target_unit": w.publicity.pk, "kind": "info", "title": "工作交流信息",
                                                 "body": "本镇开展警示教育。", "contact": "褚亮 13800000000"})
    assert response.status_code == 302
    made = client.post("/api/v1/submissions", {"kind": "report", "title": "报告", "body": "正文",
                                               "contact": "褚亮 13800000000", "target_unit": w.petitions_room.pk},
                       content_type="application/json")
    assert made.status_code == 201 and made.json()["target_unit"] == "信访室"
    default = client.post("/api/v1/submissions", {"kind": "report", "title": "报告", "body": "正文",
                                                  "contact": "褚亮 13800000000"}, content_type="application/json")
    assert default.json()["target_unit"] == "中牟县纪委监委"
    refused = client.post("/api/v1/submissions", {"kind": "report", "title": "报告", "body": "正文",
                                                  "contact": "褚亮 13800000000", "target_unit": w.other.pk},
                          content_type="application/json")
    assert refused.status_code == 400 and "受理部门" in refused.content.decode()


def test_a_receiver_revoked_before_sealing_is_refused_at_the_seal(w):
    from django.utils import timezone

    from fenji.core.access import policy
    from fenji.core.org.services import unit_revoke

    room = unit_create(actor=policy.SYSTEM, parent=w.county, name="案件审理室", kind=kinds.ROOM, code="JW-D-R6")
    document = submission_draft(actor=actor(w.clerk), kind="report", title="报告", body="正文",
                                contact="褚亮 13800000000", target_unit=room.pk)
    submission_send_for_review(actor=actor(w.clerk), submission=document)
    unit_revoke(actor=policy.SYSTEM, unit=room, revoked_on=timezone.localdate(), reference="机构调整")
    with pytest.raises(DomainError, match="已不再受理本单位的报送"):
        submission_approve_and_seal(actor=actor(w.leader), submission=document)
