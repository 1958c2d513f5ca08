"""回避 (issue 18 item 7, JJR §48): a staff member who is the person reported, a close relative or otherwise
interested declares it; from then on the petition, clue or case is for them as if it did not exist (lists, pages,
the API, the petitioner), they leave its handlers, and those who still see it see who recused and why."""

import pytest
from django.utils import timezone

from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.errors import DomainError, NotVisible
from fenji.modules.discipline import case_services, recusal_services, selectors, services
from fenji.modules.discipline.models import ClueState, Petition
from fenji.modules.discipline.services import SubjectIn
from fenji.testing import actor, make_account, shared_world

from .world import discipline_tree

CLERK = SubjectIn("张某", "白沙镇农业服务中心", "staff", "会计")


class World:
    pass


def build():
    w = World()
    w.county, w.town, w.other = discipline_tree("JW-R")
    w.officer = make_account(w.town, name="白沙镇纪委委员", role=BUILTIN_ROLES["petition_officer"])
    w.colleague = make_account(w.town, name="白沙镇另一委员", role=BUILTIN_ROLES["petition_officer"])
    w.investigator = make_account(w.town, name="白沙镇审查调查干部", role=BUILTIN_ROLES["case_officer"])
    w.second = make_account(w.town, name="白沙镇审查调查干部二", role=BUILTIN_ROLES["case_officer"])
    w.leader = make_account(w.town, name="白沙镇纪委书记", role=BUILTIN_ROLES["unit_leader"])
    w.other_officer = make_account(w.other, name="姚家镇纪委委员", role=BUILTIN_ROLES["case_officer"])
    today = timezone.localdate()
    w.petition = services.petition_register(
        actor=actor(w.officer), unit=w.town, received_on=today, channel="letter", category="report", real_name=True,
        content="反映张某虚报冒领补贴", petitioner={"name": "李某", "phone": "13700001111"}, subjects=[CLERK])
    w.clue = services.clue_register(actor=actor(w.investigator), unit=w.town, received_on=today, source="other",
                                    summary="反映张某", subjects=[CLERK])
    services.clue_assign(actor=actor(w.investigator), clue=w.clue, handlers=[w.investigator, w.second])
    services.clue_approve(actor=actor(w.leader), clue=w.clue)
    w.case = case_services.case_register(actor=actor(w.investigator), unit=w.town, case_type="both",
                                         summary="张某虚报冒领补贴", subjects=[CLERK])
    return w


_world, w = shared_world(build, profile="discipline")


def test_the_registrar_who_recuses_loses_the_petition_and_its_petitioner(w):
    officer = actor(w.officer)
    assert selectors.petitioner_get(actor=officer, petition=w.petition).name == "李某"
    with pytest.raises(DomainError, match="请说明回避理由"):
        recusal_services.recusal_declare(actor=officer, item=w.petition, ground="other")
    recusal_services.recusal_declare(actor=officer, item=w.petition, ground="relative", note="张某系本人舅舅")
    assert not selectors.petition_list(actor=officer).filter(pk=w.petition.pk).exists()
    with pytest.raises(NotVisible):
        selectors.petition_get(actor=officer, pk=w.petition.pk)
    assert not Petition.objects.unscoped(reason="t").get(pk=w.petition.pk).handlers.unscoped(reason="t").filter(
        pk=w.officer.pk).exists()
    with pytest.raises(DomainError, match="已申请回避"):
        recusal_services.recusal_declare(actor=officer, item=w.petition, ground="relative")
    # the colleague still has it, and sees who recused and why; the recused never see it counted again
    seen = selectors.petition_get(actor=actor(w.colleague), pk=w.petition.pk)
    [recusal] = selectors.recusals_of(seen)
    assert (recusal.account_id, recusal.get_ground_display()) == (w.officer.pk, "是被反映人的近亲属")
    event = AuditEvent.objects.filter(action="discipline.recusal.declare").latest("seq")
    assert event.actor_id == w.officer.pk and event.details["ground"] == "relative"


def test_a_clue_handler_who_recuses_leaves_it_and_the_signatures_follow(w):
    services.clue_dispose(actor=actor(w.investigator), clue=w.clue, disposal="talk_letter")
    services.clue_sign(actor=actor(w.investigator), clue=w.clue)
    recusal_services.recusal_declare(actor=actor(w.second), item=w.clue, ground="interest")
    clue = selectors.clue_get(actor=actor(w.investigator), pk=w.clue.pk)
    assert clue.state == ClueState.DISPOSED  # everyone left has signed: final as on the last signature
    assert clue.report_due is not None  # and its report falls due as after a last signature
    assert [h.account_id for h in selectors.clue_handlers(clue)] == [w.investigator.pk]
    with pytest.raises(NotVisible):
        selectors.clue_get(actor=actor(w.second), pk=w.clue.pk)


def test_a_clue_left_without_handlers_goes_back_to_be_assigned(w):
    recusal_services.recusal_declare(actor=actor(w.second), item=w.clue, ground="subject")
    recusal_services.recusal_declare(actor=actor(w.investigator), item=w.clue, ground="relative")
    clue = selectors.clue_get(actor=actor(w.leader), pk=w.clue.pk)
    assert (clue.state, clue.proposal_note) == (ClueState.REGISTERED, "承办人回避，需重新分办")
    assert len(selectors.recusals_of(clue)) == 2


def test_the_pages_and_api(w, client, login):
    login(w.other_officer)  # another town's officer: as if the case did not exist
    assert client.post(f"/api/v1/discipline/cases/{w.case.pk}/recusal", {"ground": "interest"},
                       content_type="application/json").status_code == 404
    client.logout()
    login(w.investigator)
    here = f"/discipline/cases/{w.case.pk}/"
    assert "申请回避" in client.get(here).content.decode()
    page = client.post(here, {"op": "recuse", "recuse-ground": "other"}).content.decode()
    assert "请说明回避理由" in page  # the form answers; nothing recorded
    response = client.post(here, {"op": "recuse", "recuse-ground": "subject"})
    assert response.status_code == 302 and response["Location"] == "/discipline/cases/"
    assert client.get(here).status_code == 404
    assert w.case.number not in client.get("/discipline/cases/").content.decode()
    response = client.post(f"/api/v1/discipline/clues/{w.clue.pk}/recusal", {"ground": "relative"},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["ground"] == "relative"
    assert client.get(f"/api/v1/discipline/clues/{w.clue.pk}").status_code == 404
    client.logout()
    login(w.leader)
    page = client.get(here).content.decode()
    assert "回避情况" in page and "白沙镇审查调查干部" in page and "本人是被反映人" in page
