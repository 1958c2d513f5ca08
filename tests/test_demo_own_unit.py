"""With the real demo personas: seed 004's request path in 南京 (刘洋 files, 钱进 and 冯立 sign, 褚红 and
卫东 carry it out) and a report up from 新街口街道 (赵敏 drafts, 黄芳 seals) still work under the rule that
a unit's opinions and seal are its own people's, while 南京's leader and 玄武区's may not seal
新街口街道's report."""

import pytest

from fenji.core.access import policy
from fenji.core.kernel.errors import AccessDenied
from fenji.core.org.models import Unit
from fenji.core.people.bootstrap import build_demo
from fenji.core.people.identity import check_char
from fenji.core.people.models import Account
from fenji.core.seals.services import seal_key_create
from fenji.core.submissions.models import SubmissionState
from fenji.core.submissions.services import (
    submission_approve_and_seal,
    submission_draft,
    submission_send_for_review,
)
from fenji.core.workflow.models import RequestState, Step, StepState
from fenji.core.workflow.services import request_file, step_decide

PASSWORD = "Demo#2026units"


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    build_demo(password=PASSWORD)

    def persona(mobile):
        return policy.actor_for(Account.objects.unscoped(reason="test").get(mobile=mobile))

    return persona


def open_step(request):
    return Step.objects.unscoped(reason="test").get(request=request, state=StepState.OPEN)


def test_the_demo_request_path_in_nanjing(demo):
    first17 = "32010219850315077"
    request = request_file(actor=demo("13800000012"), kind="operator.account.open", data={
        "real_name": "王新", "id_number": first17 + check_char(first17), "mobile": "13912340077",
        "title": "窗口经办", "role": "operator"})
    for mobile in ("13800000014", "13800000015", "13800000016", "13800000017"):  # 钱进, 冯立, 褚红, 卫东
        step_decide(actor=demo(mobile), step=open_step(request), approve=True)
    request.refresh_from_db()
    assert request.state == RequestState.DONE


def test_only_the_streets_own_leader_seals_its_report(demo):
    town = Unit.objects.get(code="320102003")
    seal_key_create(actor=demo("13800000013"), unit=town)  # 马安, 南京's security administrator
    submission = submission_draft(actor=demo("13800000041"), kind="report", title="三季度工作报告",
                                  body="一、基本情况。", contact="赵敏")
    submission_send_for_review(actor=demo("13800000041"), submission=submission)
    for superior in ("13800000015", "13800000032"):  # 冯立 (南京), 许诺 (玄武区)
        with pytest.raises(AccessDenied) as refused:
            submission_approve_and_seal(actor=demo(superior), submission=submission)
        assert refused.value.rule == "not_own_unit"
    sealed = submission_approve_and_seal(actor=demo("13800000042"), submission=submission)  # 黄芳
    assert sealed.state == SubmissionState.SUBMITTED
