"""The steps of the audit-coverage cases (tests/test_audit_coverage.py) for documents, dispatches,
requests, tokens, seals and the calendar."""

import datetime
import io

import pytest
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.roles import STAFF
from fenji.core.kernel.errors import AccessDenied
from fenji.testing import actor, make_account


def make_seal(w):
    from fenji.core.seals.services import seal_key_create

    seal_key_create(actor=actor(w["security"]), unit=w["tree"].town)


def prepare_submission(w):
    from fenji.core.access.roles import UNIT_LEADER
    from fenji.core.submissions.services import submission_draft, submission_send_for_review

    make_seal(w)
    clerk = make_account(w["tree"].town, name="起草科员", role=STAFF)
    w["leader"] = make_account(w["tree"].town, name="街道主任", role=UNIT_LEADER)
    w["submission"] = submission_draft(actor=actor(clerk), kind="report", title="报告", body="正文", contact="张三")
    submission_send_for_review(actor=actor(clerk), submission=w["submission"])
    return "prepare"


def seal_submission(w):
    from fenji.core.submissions.services import submission_approve_and_seal

    submission_approve_and_seal(actor=actor(w["leader"]), submission=w["submission"])


def send_dispatch(w):
    from fenji.core.access.roles import DEPT_HEAD
    from fenji.core.dispatch.services import Targets, dispatch_send

    head = make_account(w["tree"].city, name="发文主任", role=DEPT_HEAD)
    w["dispatch"] = dispatch_send(actor=actor(head), kind="notice", title="关于值班的通知",
                                  targets=Targets(units=[w["tree"].town]))


def prepare_delivery(w):
    send_dispatch(w)
    w["clerk"] = make_account(w["tree"].town, name="收文科员", role=STAFF)
    return "prepare"


def sign_delivery(w):
    from fenji.core.dispatch.models import Delivery
    from fenji.core.dispatch.services import delivery_sign

    delivery = Delivery.objects.unscoped(reason="test").get(dispatch=w["dispatch"])
    delivery_sign(actor=actor(w["clerk"]), delivery=delivery)



# --- the services run by no case in the first list -------------------------------------------------------------


def _token(w):
    from fenji.core.access import policy
    from fenji.core.api.services import token_create

    w["token_owner"] = make_account(w["tree"].town, name="接口科员", role=STAFF)
    w["token"], _ = token_create(actor=policy.SYSTEM, account=w["token_owner"], name="报表同步")


def create_token(w):
    _token(w)


def prepare_token(w):
    _token(w)
    return "prepare"


def revoke_token(w):
    from fenji.core.api.services import token_revoke

    token_revoke(actor=actor(w["token_owner"]), token=w["token"])


def prepare_seal(w):
    from fenji.core.seals.services import seal_key_create

    w["key"] = seal_key_create(actor=actor(w["security"]), unit=w["tree"].town)
    return "prepare"


def revoke_seal(w):
    from fenji.core.seals.services import seal_key_revoke

    seal_key_revoke(actor=actor(w["security"]), key=w["key"], reason="印章遗失")


def _drafter(w):
    w["drafter"] = make_account(w["tree"].town, name="起草科员", role=STAFF)
    return w["drafter"]


def draft_submission(w):
    from fenji.core.submissions.services import submission_draft

    w["submission"] = submission_draft(actor=actor(w.get("drafter") or _drafter(w)), kind="report", title="报告",
                                       body="正文", contact="张三")


def prepare_draft(w):
    draft_submission(w)
    return "prepare"


def send_for_review(w):
    from fenji.core.submissions.services import submission_send_for_review

    submission_send_for_review(actor=actor(w["drafter"]), submission=w["submission"])


def prepare_sealed(w):
    from fenji.core.access.roles import DEPT_HEAD

    prepare_submission(w)
    seal_submission(w)
    w["handler"] = make_account(w["tree"].county, name="区办科长", role=DEPT_HEAD)
    return "prepare"


def receive_submission(w):
    from fenji.core.submissions.services import submission_receive

    w["submission"] = submission_receive(actor=actor(w["handler"]), submission=w["submission"])


def print_submission(w):
    from fenji.core.submissions.exports import submission_pdf_export
    from fenji.core.submissions.selectors import submission_get

    handler = actor(w["handler"])
    submission_pdf_export(actor=handler, submission=submission_get(actor=handler, pk=w["submission"].pk))


def prepare_received(w):
    receive_submission(w)
    return "prepare"


def handle_submission(w):
    from fenji.core.submissions.services import submission_handle

    submission_handle(actor=actor(w["handler"]), submission=w["submission"], note="已阅")


def return_submission(w):
    from fenji.core.submissions.services import submission_return

    submission_return(actor=actor(w["handler"]), submission=w["submission"], reason="数据不全")


def _delivery(w):
    from fenji.core.dispatch.models import Delivery

    return Delivery.objects.unscoped(reason="test").get(dispatch=w["dispatch"])


def prepare_signed(w):
    sign_delivery(w)
    return "prepare"


def read_delivery(w):
    from fenji.core.dispatch.services import delivery_read

    delivery_read(actor=actor(w["clerk"]), delivery=_delivery(w))


def prepare_feedback(w):
    from fenji.core.access.roles import DEPT_HEAD
    from fenji.core.dispatch.models import DispatchKind
    from fenji.core.dispatch.services import Targets, dispatch_send

    w["head"] = make_account(w["tree"].city, name="督办主任", role=DEPT_HEAD)
    w["dispatch"] = dispatch_send(actor=actor(w["head"]), kind=DispatchKind.FEEDBACK, title="督办：道路整治",
                                  feedback_kind="undertake", reply_days=5, targets=Targets(units=[w["tree"].town]))
    w["clerk"] = make_account(w["tree"].town, name="承办科员", role=STAFF)
    return "prepare"


def reply_delivery(w):
    from fenji.core.dispatch.services import delivery_reply

    delivery_reply(actor=actor(w["clerk"]), delivery=_delivery(w), text="已完成整治")


def prepare_reply(w):
    reply_delivery(w)
    return "prepare"


def accept_reply(w):
    from fenji.core.dispatch.services import delivery_accept

    delivery_accept(actor=actor(w["head"]), delivery=_delivery(w))


def return_reply(w):
    from fenji.core.dispatch.services import delivery_return

    delivery_return(actor=actor(w["head"]), delivery=_delivery(w), reason="缺少现场照片")


def prepare_document(w):
    """A 公文 with its PDF sent to the town and signed for there."""
    from fenji.core.access.roles import DEPT_HEAD
    from fenji.core.dispatch.models import DispatchKind
    from fenji.core.dispatch.services import Targets, dispatch_send
    from fenji.core.files.tests.samples import PDF, upload

    w["head"] = make_account(w["tree"].city, name="公文主任", role=DEPT_HEAD)
    w["dispatch"] = dispatch_send(actor=actor(w["head"]), kind=DispatchKind.DOCUMENT, title="关于印发预案的通知",
                                  doc_number="宁政办〔2026〕3号", doc_kind="notice",
                                  targets=Targets(units=[w["tree"].town]), files=[upload("预案.pdf", PDF)])
    w["clerk"] = make_account(w["tree"].town, name="公文收文员", role=STAFF)
    sign_delivery(w)
    return "prepare"


def open_document_file(w):
    from fenji.core.dispatch import selectors
    from fenji.core.dispatch.services import dispatch_file_open

    [document] = selectors.dispatch_files(w["dispatch"])
    dispatch_file_open(actor=actor(w["clerk"]), delivery=_delivery(w), attachment=document)


def store_document_files(w):
    from fenji.core.access.roles import DEPT_HEAD
    from fenji.core.dispatch.services import dispatch_files_store
    from fenji.core.files.tests.samples import PDF, upload

    head = make_account(w["tree"].city, name="拟文主任", role=DEPT_HEAD)
    dispatch_files_store(actor=actor(head), uploads=[upload("正文.pdf", PDF)])


def urge_dispatch(w):
    from fenji.core.dispatch.services import dispatch_urge

    dispatch_urge(actor=actor(w["head"]), dispatch=w["dispatch"])


def _workflow_people(w):
    from fenji.core.access.roles import DEPT_HEAD
    from fenji.core.workflow.tests import sample  # noqa: F401  (registers the sample request type)

    w["requester"] = make_account(w["tree"].county, name="玄武科员", role=STAFF)
    w["endorser"] = make_account(w["tree"].county, name="玄武处长", role=DEPT_HEAD)


def file_request(w):
    from fenji.core.workflow.services import request_file
    from fenji.core.workflow.tests.sample import KIND

    if "requester" not in w:
        _workflow_people(w)
    w["request"] = request_file(actor=actor(w["requester"]), kind=KIND, data={"name": "开通系统"})


def prepare_request(w):
    file_request(w)
    return "prepare"


def endorse_request(w):
    from fenji.core.workflow import selectors
    from fenji.core.workflow.services import step_decide

    step = selectors.step_get_open(actor=actor(w["endorser"]), request=w["request"])
    step_decide(actor=actor(w["endorser"]), step=step, approve=True, opinion="同意")


def withdraw_request(w):
    from fenji.core.workflow.services import request_withdraw

    request_withdraw(actor=actor(w["requester"]), request=w["request"], reason="填错了")


def register_retirement(w):
    from fenji.core.people.models import DutyStatus
    from fenji.core.people.services import account_duty_status_set

    subject = make_account(w["tree"].county, name="将退休科员", role=STAFF)
    account_duty_status_set(actor=actor(w["admin"]), account=subject, status=DutyStatus.RETIRED, note="2026年4月退休")


def disable_stale(w):
    from django.utils import timezone

    from fenji.core.people.models import Account
    from fenji.core.people.selectors import account_list_stale
    from fenji.core.people.services import account_stale_disable

    idle = make_account(w["tree"].town, name="久未登录")
    Account.objects.unscoped(reason="test").filter(pk=idle.pk).update(
        last_login=timezone.now() - datetime.timedelta(days=400))
    listed = list(account_list_stale(actor=actor(w["admin"])))
    account_stale_disable(actor=actor(w["admin"]), accounts=listed, note="经单位核实已调离")


def refused_import(w):
    from fenji.core.people.member_import import member_import

    with pytest.raises(AccessDenied):
        member_import(actor=actor(w["admin"]), unit=w["tree"].sibling_city, file=io.BytesIO(b"PK"), file_name="x.xlsx")


def _calendar_admin(w):
    from fenji.core.access.roles import SYSTEM_ADMIN

    return actor(make_account(w["tree"].province, name="省系统管理员", role=SYSTEM_ADMIN))


def set_day(w):
    from fenji.core.ops.calendar_services import day_set

    day_set(actor=_calendar_admin(w), date=datetime.date(2027, 6, 14), kind="holiday", name="端午节")


def prepare_day(w):
    set_day(w)
    return "prepare"


def remove_day(w):
    from fenji.core.ops.calendar_services import day_remove

    day_remove(actor=_calendar_admin(w), date=datetime.date(2027, 6, 14))


def confirm_year(w):
    from fenji.core.ops.calendar_services import year_confirm

    year_confirm(actor=_calendar_admin(w), year=2027)


def import_year(w):
    from fenji.core.calendar.services import ImportRow
    from fenji.core.ops.calendar_services import year_import

    year_import(actor=_calendar_admin(w), rows=[ImportRow(row=2, date=datetime.date(2027, 10, 1), kind="holiday",
                                                          name="国庆节")])


def seed_calendar(w):
    from fenji.core.access import policy
    from fenji.core.calendar.services import calendar_seed

    calendar_seed(actor=policy.SYSTEM, first=2025, last=2025)


def update_alert_rule(w):
    from fenji.core.console.alert_services import alert_rule_update

    alert_rule_update(actor=_calendar_admin(w), kind="dispatch.sign_due", sms=True, lead_minutes=8)


def sign_out(w):
    from fenji.core.people.online import account_sign_out

    account_sign_out(actor=actor(w["security"]), account=w["member"], reason="手机丢失")


def reset_password(w):
    from fenji.core.people.recovery import account_password_reset

    account_password_reset(actor=actor(w["admin"]), account=w["member"])


def invite_to_activate(w):
    from fenji.core.people.recovery import account_activation_invite

    w["member"].set_unusable_password()
    w["member"].save(update_fields=["password"])
    account_activation_invite(actor=actor(w["admin"]), account=w["member"])


def correct_person(w):
    from fenji.core.people.changes import person_correct

    person_correct(actor=actor(w["admin"]), account=w["member"], real_name="更正后", id_number="")


def move_account(w):
    from fenji.core.people.changes import account_move

    account_move(actor=actor(w["admin"]), account=w["member"], unit=w["tree"].other_town, reason="调动")


def _community(w):
    from fenji.core.access.roles import DEPT_HEAD

    if "community_head" not in w:
        w["community_head"] = make_account(w["tree"].town, name="街道主任", role=DEPT_HEAD)
    return w["community_head"]


def send_notice(w):
    from fenji.core.community.services import notice_send

    notice_send(actor=actor(_community(w)), unit=w["tree"].town, title="通知", body="内容")


def _activity(w):
    from fenji.core.community.services import activity_create

    now = datetime.datetime.now(datetime.UTC)
    return activity_create(actor=actor(_community(w)), unit=w["tree"].town, title="活动", place="礼堂",
                           starts_at=now + datetime.timedelta(days=2), signup_until=now + datetime.timedelta(days=1))


def create_activity(w):
    _activity(w)


def prepare_activity(w):
    w["activity"] = _activity(w)
    return "prepare"


def sign_up(w):
    from fenji.core.community.services import activity_signup

    activity_signup(actor=actor(w["member"]), activity=w["activity"], join=True)


def submit_feedback(w):
    from fenji.core.community.services import feedback_submit

    feedback_submit(actor=actor(w["member"]), content="建议")


def prepare_feedback_item(w):
    from fenji.core.community.services import feedback_submit

    w["feedback"] = feedback_submit(actor=actor(w["member"]), content="建议")
    return "prepare"


def answer_feedback(w):
    from fenji.core.community.services import feedback_answer

    feedback_answer(actor=actor(_community(w)), feedback=w["feedback"], answer="已收到")


def prepare_opinion(w):
    from fenji.core.community.services import feedback_submit

    w["opinion"] = feedback_submit(actor=actor(w["member"]), content="希望有夜间模式", topic="system")
    return "prepare"


def pass_opinion_up(w):
    from fenji.core.community.services import feedback_pass_up

    feedback_pass_up(actor=actor(w["admin"]), feedback=w["opinion"], note="全区统一")


def export_signups(w):
    from fenji.core.community.exports import activity_signups_export

    activity_signups_export(actor=actor(_community(w)), activity=w["activity"])


def export_dashboard(w):
    from fenji.core.console.exports import dashboard_export

    dashboard_export(actor=actor(w["admin"]))


def disable_selection(w):
    from fenji.core.people.batch import account_disable_batch

    account_disable_batch(actor=actor(w["admin"]), ids=[w["member"].pk], reason="离职")


def export_selection(w):
    from fenji.core.people.batch import account_selection_export

    account_selection_export(actor=actor(w["admin"]), ids=[w["member"].pk])


def invite_imported(w):
    import secrets

    from django.utils import timezone

    from fenji.core.kernel.models import ImportJob
    from fenji.core.people.recovery import import_activation_invite

    job = ImportJob.objects.create(spec="people.members", account_id=w["admin"].pk, file_name="会员.xlsx",
                                   token=secrets.token_hex(8), state="done", created=1, processed=1,
                                   finished_at=timezone.now())
    import_activation_invite(actor=actor(w["admin"]), job=job)


def _office_admin(w):
    from fenji.core.access.roles import BUILTIN_ROLES

    if "office_admin" not in w:
        w["office_admin"] = make_account(w["tree"].town, name="专网管理员", role=BUILTIN_ROLES["office_network_admin"])
    return w["office_admin"]


def register_medium(w):
    from fenji.modules.office.services import medium_register

    admin = _office_admin(w)
    w["medium"] = medium_register(actor=actor(admin), unit=w["tree"].town, number="U-001", kind="usb", keeper=admin)


def prepare_medium(w):
    register_medium(w)
    return "prepare"


def check_medium(w):
    from fenji.modules.office.services import medium_check

    medium_check(actor=actor(_office_admin(w)), medium=w["medium"], checked_on=timezone.localdate(), result="clean")


def retire_medium(w):
    from fenji.modules.office.services import medium_retire

    medium_retire(actor=actor(_office_admin(w)), medium=w["medium"], state="retired", reason="损坏")


def export_media(w):
    from fenji.modules.office.exports import medium_export
    from fenji.modules.office.selectors import medium_list

    admin = _office_admin(w)
    medium_export(actor=actor(admin), media=medium_list(actor=actor(admin)))


def assign_duty(w):
    from fenji.modules.office.services import duty_assign

    admin = _office_admin(w)
    w["shift"] = duty_assign(actor=actor(admin), unit=w["tree"].town, account=admin, period="off",
                             day=timezone.localdate() + datetime.timedelta(days=1))


def prepare_duty(w):
    assign_duty(w)
    return "prepare"


def export_publications(w):
    from fenji.core.access.roles import UNIT_LEADER
    from fenji.modules.office.exports import publication_export
    from fenji.modules.office.selectors import publication_list

    leader = make_account(w["tree"].town, name="登记台账查阅人", role=UNIT_LEADER)
    publication_export(actor=actor(leader), posts=publication_list(actor=actor(leader)), filters={})


def remove_duty(w):
    from fenji.modules.office.services import duty_remove

    duty_remove(actor=actor(_office_admin(w)), shift=w["shift"])


def _publish(w):
    """A town's column with its clerk as manager, and the three reviewers."""
    from fenji.core.access.roles import DEPT_HEAD, STAFF, UNIT_LEADER
    from fenji.core.publish.services import column_create, column_managers_set

    if "publish" not in w:
        town = w["tree"].town
        people = {"clerk": make_account(town, name="信息员", role=STAFF),
                  "first": make_account(town, name="初审人", role=STAFF),
                  "head": make_account(town, name="科长", role=DEPT_HEAD),
                  "leader": make_account(town, name="分管领导", role=UNIT_LEADER)}
        column = column_create(actor=actor(people["head"]), unit=town, name="街道动态", public=True)
        column_managers_set(actor=actor(people["head"]), column=column, accounts=[people["clerk"]])
        w["publish"] = {**people, "column": column}
    return w["publish"]


def create_column(w):
    from fenji.core.publish.services import column_create

    column_create(actor=actor(_publish(w)["head"]), unit=w["tree"].town, name="通知公告")


def update_column(w):
    from fenji.core.publish.services import column_update

    column_update(actor=actor(_publish(w)["head"]), column=_publish(w)["column"], name="街道要闻", kind="news",
                  public=True)


def set_column_managers(w):
    from fenji.core.publish.services import column_managers_set

    p = _publish(w)
    column_managers_set(actor=actor(p["head"]), column=p["column"], accounts=[p["clerk"], p["first"]])


def set_column_boards(w):
    from fenji.core.publish.services import column_boards_set, column_create
    from fenji.core.tickets.services import board_create

    head = _publish(w)["head"]
    column = column_create(actor=actor(head), unit=w["tree"].town, name="街道互动", kind="interact")
    board = board_create(actor=policy.SYSTEM, office=w["tree"].town, unit=w["tree"].town, name="街道信箱")
    column_boards_set(actor=actor(head), column=column, boards=[board])


def set_column_levels(w):
    from fenji.core.publish.services import column_levels_set

    p = _publish(w)
    column_levels_set(actor=actor(p["head"]), column=p["column"], levels=[("审核", "publish.post.review_second")])


def merge_column(w):
    from fenji.core.publish.services import column_create, column_merge

    p = _publish(w)
    other = column_create(actor=actor(p["head"]), unit=w["tree"].town, name="社区新闻")
    column_merge(actor=actor(p["head"]), column=other, into=p["column"])


def reassign_column(w):
    from fenji.core.publish.services import column_reassign

    p = _publish(w)
    column_reassign(actor=actor(w["publish_county_leader"]), column=p["column"], unit=w["tree"].other_town)


def prepare_county_leader(w):
    from fenji.core.access.roles import UNIT_LEADER

    _publish(w)
    w["publish_county_leader"] = make_account(w["tree"].county, name="区领导", role=UNIT_LEADER)
    return "prepare"


def save_post(w):
    from fenji.core.publish.services import post_save

    p = _publish(w)
    w["post"] = post_save(actor=actor(p["clerk"]), column=p["column"], title="义诊通知", body="周六义诊")
    return w["post"]


def prepare_post(w):
    save_post(w)
    return "prepare"


def submit_post(w):
    from fenji.core.publish.services import post_submit

    post_submit(actor=actor(_publish(w)["clerk"]), post=w["post"])


def prepare_submitted(w):
    submit_post(w)
    return "prepare"


def approve_post(w):
    from fenji.core.publish.services import post_review

    post_review(actor=actor(_publish(w)["first"]), post=w["post"], approve=True)


def reject_post(w):
    from fenji.core.publish.services import post_review

    post_review(actor=actor(_publish(w)["first"]), post=w["post"], approve=False, opinion="请修改")


def prepare_published(w):
    from fenji.core.publish.services import post_review

    p = _publish(w)
    for who in ("first", "head", "leader"):
        w["post"] = post_review(actor=actor(p[who]), post=w["post"], approve=True)
    return "prepare"


def publish_post(w):
    from fenji.core.publish.services import post_review

    p = _publish(w)
    for who in ("first", "head", "leader"):
        w["post"] = post_review(actor=actor(p[who]), post=w["post"], approve=True)


def withdraw_post(w):
    from fenji.core.publish.services import post_withdraw

    post_withdraw(actor=actor(_publish(w)["head"]), post=w["post"], reason="活动取消")


def print_approvals(w):
    from unittest import mock

    from fenji.core.publish.exports import approval_pdf_export

    with mock.patch("fenji.core.web.pdf.render_pdf", return_value=b"%PDF-1.7"):
        approval_pdf_export(actor=actor(_publish(w)["head"]), post=w["post"])


def add_word(w):
    from fenji.core.publish.services import word_add

    w["word"] = word_add(actor=actor(w["security"]), word="内部资料")


def prepare_word(w):
    add_word(w)
    return "prepare"


def remove_word(w):
    from fenji.core.publish.services import word_remove

    word_remove(actor=actor(w["security"]), word=w["word"])


def prepare_publish(w):
    _publish(w)
    return "prepare"


def export_column_health(w):
    from fenji.core.publish.exports import column_health_export
    from fenji.core.publish.health import column_health

    head = _publish(w)["head"]
    column_health_export(actor=actor(head), unit=w["tree"].town, rows=column_health(actor=actor(head)))


# --- tickets ---------------------------------------------------------------------------------------------------


def _tickets(w):
    """A board of 新街口街道 managed by 玄武区, its clerk, the district's office head and a citizen."""
    from fenji.core.access import policy
    from fenji.core.access.roles import DEPT_HEAD
    from fenji.core.tickets.services import board_create

    if "board" not in w:
        tree = w["tree"]
        w["ticket_clerk"] = make_account(tree.town, name="街道干事", role=STAFF)
        w["ticket_office"] = make_account(tree.county, name="区办主任", role=DEPT_HEAD)
        w["citizen"] = make_account(tree.province, kind="citizen", name="市民")
        w["board"] = board_create(actor=policy.SYSTEM, office=tree.county, unit=tree.town, name="随手拍")
    return w


def _file(w):
    from fenji.core.tickets.services import ticket_file

    _tickets(w)
    return ticket_file(actor=actor(w["citizen"]), board=w["board"], content="路灯不亮")


def prepare_ticket(w):
    w["ticket"] = _file(w)
    return "prepare"


def prepare_signed_ticket(w):
    from fenji.core.tickets.services import ticket_sign

    prepare_ticket(w)
    ticket_sign(actor=actor(w["ticket_clerk"]), ticket=w["ticket"])
    return "prepare"


def prepare_answered_ticket(w):
    from fenji.core.tickets.services import ticket_answer

    prepare_signed_ticket(w)
    ticket_answer(actor=actor(w["ticket_clerk"]), ticket=w["ticket"], answer="已修复")
    return "prepare"


def prepare_returned_ticket(w):
    from fenji.core.tickets.services import ticket_return

    prepare_ticket(w)
    ticket_return(actor=actor(w["ticket_clerk"]), ticket=w["ticket"], reason="不属本单位")
    return "prepare"


def prepare_extension(w):
    from fenji.core.tickets.services import ticket_extend

    prepare_signed_ticket(w)
    ticket_extend(actor=actor(w["ticket_clerk"]), ticket=w["ticket"], days=1, reason="需协调")
    return "prepare"


def create_board(w):
    from fenji.core.tickets.services import board_create

    _tickets(w)
    board_create(actor=actor(w["ticket_office"]), office=w["tree"].county, unit=w["tree"].other_town, name="环境保护")


def update_board(w):
    from fenji.core.tickets.services import board_update

    _tickets(w)
    board_update(actor=actor(w["ticket_office"]), board=w["board"], unit=w["tree"].other_town, name="随手拍",
                 handle_days=3, emergency_hours=12, return_days=1, extension_max_count=1, extension_max_days=5,
                 takes_photos=True, takes_location=True, active=True)


def file_ticket(w):
    _file(w)


def sign_ticket(w):
    from fenji.core.tickets.services import ticket_sign

    ticket_sign(actor=actor(w["ticket_clerk"]), ticket=w["ticket"])


def progress_ticket(w):
    from fenji.core.tickets.services import ticket_progress

    ticket_progress(actor=actor(w["ticket_clerk"]), ticket=w["ticket"], note="已派人")


def return_ticket(w):
    from fenji.core.tickets.services import ticket_return

    ticket_return(actor=actor(w["ticket_clerk"]), ticket=w["ticket"], reason="不属本单位")


def decide_return(w):
    from fenji.core.tickets.services import ticket_return_decide

    ticket_return_decide(actor=actor(w["ticket_office"]), ticket=w["ticket"], reassign_to=w["tree"].other_town)


def extend_ticket(w):
    from fenji.core.tickets.services import ticket_extend

    ticket_extend(actor=actor(w["ticket_clerk"]), ticket=w["ticket"], days=1, reason="需协调")


def decide_extension(w):
    from fenji.core.tickets.services import ticket_extend_decide

    ticket_extend_decide(actor=actor(w["ticket_office"]), ticket=w["ticket"], approve=True)


def answer_ticket(w):
    from fenji.core.tickets.services import ticket_answer

    ticket_answer(actor=actor(w["ticket_clerk"]), ticket=w["ticket"], answer="已修复")


def rate_ticket(w):
    from fenji.core.tickets.services import ticket_rate

    ticket_rate(actor=actor(w["citizen"]), ticket=w["ticket"], rating="satisfied")


def merge_ticket(w):
    from fenji.core.tickets.services import ticket_merge

    ticket_merge(actor=actor(w["ticket_clerk"]), ticket=_file(w), master=w["ticket"])


def export_ticket_report(w):
    from fenji.core.tickets.exports import ticket_report_export

    _tickets(w)
    today = timezone.localdate()
    ticket_report_export(actor=actor(w["ticket_office"]), title="玄武区", start=today, end=today, rows=[])


def prepare_tickets(w):
    _tickets(w)
    return "prepare"


def print_ticket_report(w):
    from django.utils import timezone

    from fenji.core.tickets.exports import ticket_report_pdf_export

    _tickets(w)
    today = timezone.localdate()
    ticket_report_pdf_export(actor=actor(w["ticket_office"]), title="玄武区", start=today, end=today, rows=[],
                             generated_at=timezone.now())


# --- supervision -------------------------------------------------------------------------------------------------


def _inspection(w):
    """玄武区 inspected by 南京市's department head over the last month; the county's clerk answers."""
    from django.utils import timezone

    from fenji.core.access.roles import DEPT_HEAD
    from fenji.core.supervision.services import inspection_plan, target_of

    if "inspection" not in w:
        tree = w["tree"]
        w["inspector"] = make_account(tree.city, name="检查组长", role=DEPT_HEAD)
        w["county_clerk"] = make_account(tree.county, name="区科员", role=STAFF)
        today = timezone.localdate()
        w["inspection"] = inspection_plan(actor=actor(w["inspector"]), unit=tree.city, title="应用检查",
                                          period_start=today - datetime.timedelta(days=30), period_end=today,
                                          targets=[tree.county], checklist=["信息质量"])
        w["target"] = target_of(w["inspection"], tree.county.pk)
    return w


def prepare_inspection(w):
    _inspection(w)
    return "prepare"


def prepare_finding(w):
    from fenji.core.supervision.services import finding_record

    _inspection(w)
    w["finding"] = finding_record(actor=actor(w["inspector"]), inspection=w["inspection"], target=w["target"],
                                  item="信息质量", description="信息不全")
    return "prepare"


def prepare_issued_finding(w):
    from fenji.core.supervision.services import notice_issue

    prepare_finding(w)
    notice_issue(actor=actor(w["inspector"]), inspection=w["inspection"], target=w["target"])
    return "prepare"


def prepare_answered_finding(w):
    from fenji.core.supervision.services import rectification_answer

    prepare_issued_finding(w)
    rectification_answer(actor=actor(w["county_clerk"]), finding=w["finding"], measures="已补全")
    return "prepare"


def prepare_sample(w):
    from fenji.core.supervision.services import sample_draw

    _inspection(w)
    w["sample"] = sample_draw(actor=actor(w["inspector"]), inspection=w["inspection"], target=w["target"],
                              record_type_code="people.account")
    return "prepare"


def plan_inspection(w):
    _inspection(w)


def close_inspection(w):
    from fenji.core.supervision.services import inspection_close

    inspection_close(actor=actor(w["inspector"]), inspection=w["inspection"])


def record_finding(w):
    prepare_finding(w)


def update_finding(w):
    from fenji.core.supervision.services import finding_update

    finding_update(actor=actor(w["inspector"]), finding=w["finding"], item="信息质量", description="信息缺项", days=5)


def remove_finding(w):
    from fenji.core.supervision.services import finding_remove

    finding_remove(actor=actor(w["inspector"]), finding=w["finding"])


def issue_notice(w):
    from fenji.core.supervision.services import notice_issue

    notice_issue(actor=actor(w["inspector"]), inspection=w["inspection"], target=w["target"])


def answer_rectification(w):
    from fenji.core.supervision.services import rectification_answer

    rectification_answer(actor=actor(w["county_clerk"]), finding=w["finding"], measures="已补全")


def accept_rectification(w):
    from fenji.core.supervision.services import rectification_decide

    rectification_decide(actor=actor(w["inspector"]), finding=w["finding"], accept=True)


def draw_sample(w):
    prepare_sample(w)


def check_sample(w):
    from fenji.core.supervision.models import SampleItem
    from fenji.core.supervision.services import sample_check

    item = SampleItem.objects.filter(sample=w["sample"]).first()
    sample_check(actor=actor(w["inspector"]), sample=w["sample"], record_id=item.record_id, verdict="wrong",
                 note="姓名有误")


def export_accuracy(w):
    from fenji.core.supervision.exports import accuracy_export

    _inspection(w)
    accuracy_export(actor=actor(w["inspector"]), title="南京市", start=datetime.date(2026, 1, 1),
                    end=datetime.date(2026, 12, 31), rows=[])


def print_inspection(w):
    from fenji.core.supervision.exports import inspection_pdf_export

    _inspection(w)
    inspection_pdf_export(actor=actor(w["inspector"]), inspection=w["inspection"], context={"targets": [], "events": []})


def _usage(w):
    from fenji.core.supervision.selectors import usage_report
    from fenji.core.supervision.usage import month_start

    _inspection(w)
    month = month_start(datetime.date(2026, 1, 1))
    return (*usage_report(unit=w["tree"].city, months=[month]), month)


def export_usage(w):
    from fenji.core.supervision.exports import usage_export

    top, rows, month = _usage(w)
    usage_export(actor=actor(w["inspector"]), top=top, rows=rows, start=month, end=month)


def print_usage(w):
    from django.utils import timezone

    from fenji.core.supervision.exports import usage_pdf_export

    top, rows, month = _usage(w)
    usage_pdf_export(actor=actor(w["inspector"]), top=top, rows=rows, start=month, end=month,
                     generated_at=timezone.now())


def export_assessment(w):
    from fenji.core.supervision.assessment import assess, indicator_set
    from fenji.core.supervision.exports import assessment_export

    _inspection(w)
    tree = w["tree"]
    scores = assess([tree.county], datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assessment_export(actor=actor(w["inspector"]), unit=tree.city, period="2026", indicators=indicator_set(),
                      scores=scores)


def _veterans_worker(w):
    from fenji.core.access.roles import BUILTIN_ROLES

    if "veterans_worker" not in w:
        w["veterans_worker"] = make_account(w["tree"].town, name="老干部工作人员", role=BUILTIN_ROLES["veterans_worker"])
    return w["veterans_worker"]


def register_elder(w):
    from fenji.modules.veterans.services import elder_register

    w["elder"] = elder_register(actor=actor(_veterans_worker(w)), unit=w["tree"].town, real_name="吴老",
                                id_number="11010519491231002X", retirement="tuixiu", mobile="13700009001")


def prepare_elder(w):
    register_elder(w)
    return "prepare"


def update_elder(w):
    from fenji.modules.veterans.services import elder_update

    elder_update(actor=actor(_veterans_worker(w)), elder=w["elder"], retirement="tuixiu", health="serious")


def set_elder_status(w):
    from fenji.modules.veterans.services import elder_status_set

    elder_status_set(actor=actor(_veterans_worker(w)), elder=w["elder"], status="moved", note="随子女迁居外省")


def enter_record(w):
    from fenji.modules.veterans.services import record_enter

    w["record"] = record_enter(actor=actor(_veterans_worker(w)), unit=w["tree"].town, kind="visit", elder=w["elder"],
                               ended_on=timezone.localdate(), workers="赵敏",
                               details={"visit_type": "日常走访", "method": "上门走访"})


def prepare_record(w):
    prepare_elder(w)
    enter_record(w)
    return "prepare"


def update_record(w):
    from fenji.modules.veterans.services import record_update

    record_update(actor=actor(_veterans_worker(w)), record=w["record"], reason="补充诉求", ended_on=w["record"].ended_on,
                  workers="赵敏", details={"visit_type": "日常走访", "method": "上门走访", "requests": "希望增加活动"})


def export_records(w):
    from fenji.modules.veterans.exports import record_export
    from fenji.modules.veterans.selectors import record_list

    worker = _veterans_worker(w)
    record_export(actor=actor(worker), records=record_list(actor=actor(worker)), filters={})


def print_certificate(w):
    from fenji.modules.veterans.exports import certificate_pdf
    from fenji.modules.veterans.selectors import volunteer_hours

    certificate_pdf(actor=actor(_veterans_worker(w)), elder=w["elder"], hours=volunteer_hours(w["elder"]),
                    handler="赵敏")


def import_elders(w):
    from fenji.modules.veterans.elder_import import elder_import
    from fenji.testing import xlsx_file

    elder_import(actor=actor(_veterans_worker(w)), unit=w["tree"].town, file_name="老干部.xlsx",
                 file=xlsx_file(("姓名", "身份证号", "离休/退休"), [("冯老", "11010519491231002X", "离休")]))


def _petition_officer(w):
    from fenji.core.access.roles import BUILTIN_ROLES

    if "petition_officer" not in w:
        w["petition_officer"] = make_account(w["tree"].town, name="信访干部", role=BUILTIN_ROLES["petition_officer"])
    return w["petition_officer"]


def _subject(rank="staff"):
    from fenji.modules.discipline.services import SubjectIn

    return SubjectIn("张某", "某镇农业服务中心", rank)


def register_petition(w):
    from fenji.modules.discipline.services import petition_register

    w["petition"] = petition_register(actor=actor(_petition_officer(w)), unit=w["tree"].town,
                                      received_on=timezone.localdate(), channel="letter", category="report",
                                      real_name=True, content="反映虚报冒领", subjects=[_subject()],
                                      petitioner={"name": "李某", "phone": "13700001111"})


def import_petitions(w):
    from fenji.modules.discipline.petition_import import petition_import
    from fenji.testing import xlsx_file

    petition_import(actor=actor(_petition_officer(w)), unit=w["tree"].town, file_name="补录.xlsx", file=xlsx_file(
        ("收件日期", "来源渠道", "类别", "实名/匿名", "反映的主要问题", "被反映人姓名", "被反映人单位", "被反映人职级"),
        [(f"{timezone.localdate():%Y-%m-%d}", "来信", "检举", "匿名", "反映虚报冒领", "王某", "某村", "群众")]))


def search_petitioner(w):
    from fenji.modules.discipline.services import petitioner_search_record

    petitioner_search_record(actor=actor(_petition_officer(w)), phone="13700001111", found=0)


def prepare_petition(w):
    register_petition(w)
    return "prepare"


def open_upward_report(w):
    from fenji.modules.discipline.services import RankRefused, petition_register

    with pytest.raises(RankRefused) as refused:
        petition_register(actor=actor(_petition_officer(w)), unit=w["tree"].town, received_on=timezone.localdate(),
                          channel="letter", category="report", real_name=False, content="反映副镇长",
                          subjects=[_subject("deputy_section")])
    w["upward"] = refused.value.report


def prepare_upward(w):
    open_upward_report(w)
    return "prepare"


def finish_upward_report(w):
    from fenji.modules.discipline.services import upward_report_done

    upward_report_done(actor=actor(_petition_officer(w)), report=w["upward"], done_on=timezone.localdate())


def decide_petition(w):
    from fenji.modules.discipline.services import petition_decide

    petition_decide(actor=actor(_petition_officer(w)), petition=w["petition"], decision="accept")


def record_petition_notice(w):
    from fenji.modules.discipline.services import petition_notice_record

    petition_notice_record(actor=actor(_petition_officer(w)), petition=w["petition"], notice_on=timezone.localdate())


def close_petition(w):
    from fenji.modules.discipline.services import petition_close

    w["petition"] = petition_close(actor=actor(_petition_officer(w)), petition=w["petition"], result="已办结")


def recuse_from_petition(w):
    from fenji.modules.discipline.recusal_services import recusal_declare

    recusal_declare(actor=actor(_petition_officer(w)), item=w["petition"], ground="relative")


def prepare_closed_petition(w):
    prepare_petition(w)
    close_petition(w)
    return "prepare"


def record_petition_feedback(w):
    from fenji.modules.discipline.services import petition_feedback_record

    petition_feedback_record(actor=actor(_petition_officer(w)), petition=w["petition"],
                             feedback_on=timezone.localdate())


def export_petitions(w):
    from fenji.modules.discipline.exports import petition_export
    from fenji.modules.discipline.selectors import petition_list

    officer = _petition_officer(w)
    petition_export(actor=actor(officer), petitions=petition_list(actor=actor(officer)), filters={})


def _clue_people(w):
    from fenji.core.access.roles import BUILTIN_ROLES

    if "clue_officer" not in w:
        w["clue_officer"] = make_account(w["tree"].town, name="线索承办人", role=BUILTIN_ROLES["case_officer"])
        w["clue_leader"] = make_account(w["tree"].town, name="纪委书记", role=BUILTIN_ROLES["unit_leader"])
    return w["clue_officer"], w["clue_leader"]


def register_clue(w):
    from fenji.modules.discipline.services import clue_register

    officer, _leader = _clue_people(w)
    w["clue"] = clue_register(actor=actor(officer), unit=w["tree"].town, received_on=timezone.localdate(),
                              source="assigned", summary="反映虚报冒领", subjects=[_subject()])


def prepare_clue(w):
    register_clue(w)
    return "prepare"


def assign_clue(w):
    from fenji.modules.discipline.services import clue_assign

    officer, _leader = _clue_people(w)
    w["clue"] = clue_assign(actor=actor(officer), clue=w["clue"], handlers=[officer])


def prepare_proposed_clue(w):
    prepare_clue(w)
    assign_clue(w)
    return "prepare"


def approve_clue(w):
    from fenji.modules.discipline.services import clue_approve

    _officer, leader = _clue_people(w)
    w["clue"] = clue_approve(actor=actor(leader), clue=w["clue"])


def prepare_assigned_clue(w):
    prepare_proposed_clue(w)
    approve_clue(w)
    return "prepare"


def dispose_clue(w):
    from fenji.modules.discipline.services import clue_dispose

    officer, _leader = _clue_people(w)
    w["clue"] = clue_dispose(actor=actor(officer), clue=w["clue"], disposal="prelim")


def prepare_disposed_clue(w):
    prepare_assigned_clue(w)
    dispose_clue(w)
    return "prepare"


def sign_clue(w):
    from fenji.modules.discipline.services import clue_sign

    officer, _leader = _clue_people(w)
    w["clue"] = clue_sign(actor=actor(officer), clue=w["clue"])


def prepare_signed_clue(w):
    prepare_disposed_clue(w)
    sign_clue(w)
    return "prepare"


def report_clue(w):
    from fenji.modules.discipline.clue_report_services import clue_report_submit

    officer, _leader = _clue_people(w)
    clue_report_submit(actor=actor(officer), clue=w["clue"], kind="verification", reported_on=timezone.localdate(),
                       text="经核实，反映问题不属实")


def prepare_reported_clue(w):
    prepare_signed_clue(w)
    report_clue(w)
    return "prepare"


def request_clue_extension(w):
    from fenji.modules.discipline.clue_report_services import clue_extension_request

    officer, _leader = _clue_people(w)
    clue_extension_request(actor=actor(officer), clue=w["clue"], reason="需调取银行流水")


def prepare_clue_extension(w):
    prepare_signed_clue(w)
    request_clue_extension(w)
    return "prepare"


def decide_clue_extension(w):
    from fenji.modules.discipline.clue_report_services import clue_extension_decide

    _officer, leader = _clue_people(w)
    clue_extension_decide(actor=actor(leader), clue=w["clue"], approve=True)


def conclude_clue(w):
    from fenji.modules.discipline.services import clue_conclude

    officer, _leader = _clue_people(w)
    clue_conclude(actor=actor(officer), clue=w["clue"], outcome="cleared")


def export_clues(w):
    from fenji.modules.discipline.exports import clue_export
    from fenji.modules.discipline.selectors import clue_list

    officer, _leader = _clue_people(w)
    clue_export(actor=actor(officer), clues=clue_list(actor=actor(officer)), filters={})


def _case_people(w):
    return _clue_people(w)


def register_case(w):
    from fenji.modules.discipline.case_services import case_register

    officer, _leader = _case_people(w)
    w["case"] = case_register(actor=actor(officer), unit=w["tree"].town, case_type="discipline", summary="虚报冒领",
                              subjects=[_subject()])


def approve_case(w):
    from fenji.modules.discipline.case_services import case_approve

    _officer, leader = _case_people(w)
    w["case"] = case_approve(actor=actor(leader), case=w["case"])


def file_case(w):
    from fenji.modules.discipline.case_services import case_file

    officer, _leader = _case_people(w)
    today = timezone.localdate()
    w["case"] = case_file(actor=actor(officer), case=w["case"], party_approver="镇党委书记", party_approved_on=today,
                          filed_on=today)


def transfer_case(w):
    from fenji.modules.discipline.case_services import case_transfer_review

    officer, _leader = _case_people(w)
    w["case"] = case_transfer_review(actor=actor(officer), case=w["case"], transferred_on=timezone.localdate(),
                                     report="事实清楚")


def review_case(w):
    from fenji.modules.discipline.case_services import case_review

    officer, _leader = _case_people(w)
    w["case"] = case_review(actor=actor(officer), case=w["case"], reviewed_on=timezone.localdate(),
                            participants="全体委员", opinion="建议记过")


def decide_case(w):
    from fenji.modules.discipline.case_services import SanctionIn, case_decide

    officer, _leader = _case_people(w)
    today = timezone.localdate()
    subject = w["case"].subjects.get()
    w["case"] = case_decide(actor=actor(officer), case=w["case"], decided_on=today, decision_ref="1号",
                            sanctions=[SanctionIn(subject.pk, "gov_demerit", today)])


def execute_case(w):
    from fenji.modules.discipline.case_services import case_execute

    officer, _leader = _case_people(w)
    w["case"] = case_execute(actor=actor(officer), case=w["case"], executed_on=timezone.localdate())


def appeal_case(w):
    from fenji.modules.discipline.case_services import appeal_register

    officer, _leader = _case_people(w)
    w["appeal"] = appeal_register(actor=actor(officer), case=w["case"], kind="reexamine",
                                  applied_on=timezone.localdate(), reason="处分过重")


def decide_appeal(w):
    from fenji.modules.discipline.case_services import appeal_decide

    officer, _leader = _case_people(w)
    appeal_decide(actor=actor(officer), appeal=w["appeal"], decided_on=timezone.localdate(), result="upheld")


def _case_to(*steps):
    def prepare(w):
        for step in (register_case, approve_case, file_case, transfer_case, review_case, decide_case, execute_case,
                     appeal_case)[:len(steps)]:
            step(w)
        return "prepare"
    return prepare


prepare_case = _case_to(1)
prepare_approved_case = _case_to(1, 2)
prepare_filed_case = _case_to(1, 2, 3)
prepare_transferred_case = _case_to(1, 2, 3, 4)
prepare_reviewed_case = _case_to(1, 2, 3, 4, 5)
prepare_decided_case = _case_to(1, 2, 3, 4, 5, 6)
prepare_appealed_case = _case_to(1, 2, 3, 4, 5, 6, 7, 8)


def export_cases(w):
    from fenji.modules.discipline.exports import case_export
    from fenji.modules.discipline.selectors import case_list

    officer, _leader = _case_people(w)
    case_export(actor=actor(officer), cases=case_list(actor=actor(officer)), filters={})


def prepare_rectification(w):
    from fenji.modules.discipline.models import Rectification

    _case_to(1, 2, 3, 4, 5, 6, 7)(w)
    w["rectification"] = Rectification.objects.unscoped(reason="test").get(case=w["case"])
    return "prepare"


def record_rectification(w):
    from fenji.modules.discipline.followup_services import rectification_record

    officer, _leader = _case_people(w)
    w["rectification"] = rectification_record(actor=actor(officer), item=w["rectification"], measures="建章立制")


def revisit_rectification(w):
    from fenji.modules.discipline.followup_services import rectification_revisit

    officer, _leader = _case_people(w)
    w["rectification"] = rectification_revisit(actor=actor(officer), item=w["rectification"],
                                               revisited_on=timezone.localdate(), result="已整改")


def prepare_measured_rectification(w):
    prepare_rectification(w)
    record_rectification(w)
    return "prepare"


def prepare_revisited_rectification(w):
    prepare_measured_rectification(w)
    revisit_rectification(w)
    return "prepare"


def close_rectification(w):
    from fenji.modules.discipline.followup_services import rectification_close

    officer, _leader = _case_people(w)
    rectification_close(actor=actor(officer), item=w["rectification"])


def export_rectifications(w):
    from fenji.modules.discipline.exports import rectification_export
    from fenji.modules.discipline.followup_selectors import rectification_list

    officer, _leader = _case_people(w)
    rectification_export(actor=actor(officer), items=rectification_list(actor=actor(officer)), filters={})


def _absence_people(w):
    from fenji.core.access.roles import BUILTIN_ROLES

    if "absence_filer" not in w:
        w["absence_filer"] = make_account(w["tree"].town, name="外出报备填报人", role=BUILTIN_ROLES["conduct_officer"])
        w["absence_approver"] = make_account(w["tree"].town, name="外出报备审批人", role=BUILTIN_ROLES["unit_leader"])
    return w["absence_filer"], w["absence_approver"]


def file_absence(w):
    from fenji.modules.discipline.followup_services import absence_file

    filer, _approver = _absence_people(w)
    today = timezone.localdate()
    w["absence"] = absence_file(actor=actor(filer), person=filer, purpose="official", reason="培训", destination="郑州",
                                start_on=today, end_on=today, contact="13700005555")


def approve_absence(w):
    from fenji.modules.discipline.followup_services import absence_approve

    _filer, approver = _absence_people(w)
    w["absence"] = absence_approve(actor=actor(approver), absence=w["absence"])


def prepare_absence(w):
    file_absence(w)
    return "prepare"


def prepare_approved_absence(w):
    file_absence(w)
    approve_absence(w)
    return "prepare"


def extend_absence(w):
    from fenji.modules.discipline.followup_services import absence_extend

    filer, _approver = _absence_people(w)
    absence_extend(actor=actor(filer), absence=w["absence"], new_end=timezone.localdate() + datetime.timedelta(days=2),
                   reason="培训延长")


def return_absence(w):
    from fenji.modules.discipline.followup_services import absence_return

    filer, _approver = _absence_people(w)
    absence_return(actor=actor(filer), absence=w["absence"], returned_on=timezone.localdate())


def export_absences(w):
    from fenji.modules.discipline.exports import absence_export
    from fenji.modules.discipline.followup_selectors import absence_list

    filer, _approver = _absence_people(w)
    absence_export(actor=actor(filer), absences=absence_list(actor=actor(filer)), filters={})


def record_conduct(w):
    from fenji.modules.discipline.followup_services import conduct_record

    filer, _approver = _absence_people(w)
    w["conduct"] = conduct_record(actor=actor(filer), unit=w["tree"].town, kind="style",
                                  found_on=timezone.localdate(), summary="推诿扯皮", subject=_subject())


def prepare_conduct(w):
    record_conduct(w)
    return "prepare"


def report_conduct(w):
    from fenji.modules.discipline.followup_services import conduct_report

    filer, _approver = _absence_people(w)
    conduct_report(actor=actor(filer), record=w["conduct"], reported_on=timezone.localdate())


def export_conduct(w):
    from fenji.modules.discipline.exports import conduct_export
    from fenji.modules.discipline.followup_selectors import conduct_list

    filer, _approver = _absence_people(w)
    conduct_export(actor=actor(filer), records=conduct_list(actor=actor(filer)), filters={})


def export_stats(w):
    from fenji.modules.discipline import stats
    from fenji.modules.discipline.exports import stats_export

    reader, town, today = actor(_petition_officer(w)), w["tree"].town, timezone.localdate()
    sections = stats.stats_sections(actor=reader, top=town, start=today, end=today)
    stats_export(actor=reader, top=town, sections=sections, start=today, end=today)


def _league_cadre(w):
    from fenji.core.access.roles import BUILTIN_ROLES

    if "league_cadre" not in w:
        w["league_cadre"] = make_account(w["tree"].county, name="团干部", role=BUILTIN_ROLES["league_cadre"])
    return w["league_cadre"]


def _league_branch(w):
    from fenji.core.access import policy
    from fenji.core.org.services import unit_create

    if "league_branch" not in w:
        w["league_branch"] = unit_create(actor=policy.SYSTEM, parent=w["tree"].town, name="测试团支部", kind="branch",
                                         code="TZB-1")
    return w["league_branch"]


def register_member(w):
    from fenji.core.people.identity import check_char
    from fenji.modules.league.services import member_register

    w["member"] = member_register(actor=actor(_league_cadre(w)), branch=_league_branch(w), real_name="团员甲",
                                  id_number="11010520080301002" + check_char("11010520080301002"),
                                  mobile="13700006001", join_date=datetime.date(2023, 5, 4), join_place="某中学",
                                  development_no="202300000001", student=True)


def import_league_members(w):
    from fenji.core.people.identity import check_char
    from fenji.modules.league.member_import import league_member_import
    from fenji.testing import xlsx_file

    league_member_import(actor=actor(_league_cadre(w)), branch=_league_branch(w), file_name="团员名单.xlsx",
                         file=xlsx_file(("姓名", "身份证号", "手机号", "入团时间", "入团所在单位", "发展团员编号"), [
                             ("团员乙", "11010520080301003" + check_char("11010520080301003"), "13700006002",
                              "2023-05-04", "某中学", "202300000002")]))


def prepare_member(w):
    register_member(w)
    return "prepare"


def set_member_income(w):
    from fenji.modules.league.services import member_income_set

    member_income_set(actor=actor(_league_cadre(w)), member=w["member"], income="3000", student=False)


def generate_bills(w):
    from fenji.modules.league.services import bills_generate

    bills_generate(actor=actor(_league_cadre(w)), unit=w["tree"].county, month=timezone.localdate())


def prepare_bills(w):
    prepare_member(w)
    generate_bills(w)
    return "prepare"


def pay_dues(w):
    from fenji.modules.league.services import dues_pay

    dues_pay(actor=actor(_league_cadre(w)), member=w["member"], months=1, channel="cash")


def export_dues(w):
    from fenji.modules.league.exports import dues_export
    from fenji.modules.league.selectors import bill_list

    cadre = _league_cadre(w)
    dues_export(actor=actor(cadre), bills=bill_list(actor=actor(cadre)), unit=w["tree"].county,
                month=timezone.localdate())


def _league_far_branch(w):
    from fenji.core.access import policy
    from fenji.core.org.services import unit_create

    if "far_branch" not in w:
        w["far_branch"] = unit_create(actor=policy.SYSTEM, parent=w["tree"].sibling_city, name="远方团支部",
                                      kind="branch", code="TZB-FAR")
    return w["far_branch"]


def start_transfer(w):
    from fenji.modules.league.services import transfer_start

    w["transfer"] = transfer_start(actor=actor(_league_cadre(w)), member=w["member"], to_unit=_league_far_branch(w),
                                   reason="job")


def prepare_transfer(w):
    prepare_member(w)
    start_transfer(w)
    return "prepare"


def _far_secretary(w):
    from fenji.core.access.roles import BUILTIN_ROLES

    return make_account(_league_far_branch(w), name="远方支部书记", role=BUILTIN_ROLES["league_branch_secretary"])


def approve_transfer(w):
    from fenji.modules.league.services import transfer_approve

    transfer_approve(actor=actor(w.setdefault("far_secretary", _far_secretary(w))), transfer=w["transfer"])


def return_transfer(w):
    from fenji.modules.league.services import transfer_return

    transfer_return(actor=actor(w.setdefault("far_secretary", _far_secretary(w))), transfer=w["transfer"],
                    reason="不接收")


def withdraw_transfer(w):
    from fenji.modules.league.services import transfer_withdraw

    transfer_withdraw(actor=actor(_league_cadre(w)), transfer=w["transfer"], reason="发错了")


def submit_member_edit(w):
    from fenji.modules.league.services import member_edit_submit

    w["edit"] = member_edit_submit(actor=actor(w["member"].person.account), member=w["member"], work_unit="某公司")


def prepare_member_edit(w):
    prepare_member(w)
    submit_member_edit(w)
    return "prepare"


def decide_member_edit(w):
    from fenji.modules.league.services import member_edit_decide

    member_edit_decide(actor=actor(_league_cadre(w)), edit=w["edit"], approve=True)


# --- labor: requirement tickets --------------------------------------------------------------------------------

_LABOR_FIELDS = {"system_name": "劳动力资源信息平台", "subsystem": "labor.gig", "title": "岗位筛选", "kind": "new",
                 "urgency": "normal", "urgent_reason": "", "description": "按工种筛选", "contact_name": "邓梅",
                 "contact_phone": "0718-8221234"}


def _labor(w):
    """The parties of a county ticket on the shared tree: the town's department files, the province's department
    reviews, the province's information centre takes it in, a company of the kind 其他 develops."""
    from fenji.core.access.roles import BUILTIN_ROLES, DEPT_HEAD
    from fenji.core.org.services import unit_create

    if "labor" not in w:
        tree, role = w["tree"], BUILTIN_ROLES.__getitem__
        department = unit_create(actor=policy.SYSTEM, parent=tree.province, name="省就业服务局", kind="department")
        vendor = unit_create(actor=policy.SYSTEM, parent=tree.province, name="云智科技有限公司", kind="other")
        centre = make_account(tree.province, name="信息中心", role=role("labor_centre"))
        w["labor"] = {"department": department, "vendor": vendor, "centre": centre,
                      "requester": make_account(tree.town, name="需求填报人", role=role("labor_requester")),
                      "head": make_account(tree.town, name="科室负责人", role=DEPT_HEAD),
                      "reviewer": make_account(department, name="对口科室", role=role("labor_reviewer")),
                      "developer": make_account(vendor, name="开发人员", role=role("labor_vendor")),
                      "vendor_lead": make_account(vendor, name="项目经理", role=role("labor_vendor"))}
    return w["labor"]


def _labor_stages():
    from django.utils import timezone

    from fenji.modules.labor import services as s
    from fenji.modules.labor.models import SignSide

    later = timezone.now() + datetime.timedelta(days=1)
    return [
        ("draft", lambda p, t: s.ticket_draft(actor=actor(p["requester"]), unit=p["requester"].unit,
                                              review_unit=p["department"], **_LABOR_FIELDS)),
        ("submit", lambda p, t: s.ticket_submit(actor=actor(p["requester"]), ticket=t)),
        ("sign", lambda p, t: s.ticket_sign(actor=actor(p["head"]), ticket=t, approve=True)),
        ("review", lambda p, t: s.ticket_review(actor=actor(p["reviewer"]), ticket=t, approve=True)),
        ("intake", lambda p, t: s.ticket_intake(actor=actor(p["centre"]), ticket=t, accept=True,
                                                vendor_unit=p["vendor"])),
        ("assess", lambda p, t: s.ticket_assess(actor=actor(p["developer"]), ticket=t, feasible=True,
                                                assessment="可实施", plan="两周")),
        ("schedule", lambda p, t: s.ticket_schedule(actor=actor(p["centre"]), ticket=t,
                                                    dev_due=timezone.localdate() + datetime.timedelta(days=14))),
        ("develop", lambda p, t: s.ticket_develop(actor=actor(p["developer"]), ticket=t)),
        ("internal_test", lambda p, t: s.ticket_internal_test(actor=actor(p["vendor_lead"]), ticket=t, passed=True,
                                                              note="通过")),
        ("centre_test", lambda p, t: s.ticket_business_test(actor=actor(p["centre"]), ticket=t,
                                                            side=SignSide.CENTRE, passed=True, result="通过")),
        ("business_test", lambda p, t: s.ticket_business_test(actor=actor(p["requester"]), ticket=t,
                                                              side=SignSide.BUSINESS, passed=True, result="通过")),
        ("plan", lambda p, t: s.ticket_release_plan(actor=actor(p["vendor_lead"]), ticket=t, scope="岗位查询",
                                                    start=later, end=later + datetime.timedelta(hours=1), lead="经理")),
        ("release", lambda p, t: s.ticket_release(actor=actor(p["vendor_lead"]), ticket=t, succeeded=True,
                                                  result="已上线")),
    ]


def labor_to(stage):
    """A step that runs the ticket's stages up to and including ``stage``: its last one is the step audited."""
    def run(w):
        parties = _labor(w)
        ticket = w.get("labor_ticket")
        for name, step in _labor_stages():
            if name in w.setdefault("labor_done", set()):
                continue
            result = step(parties, ticket)
            w["labor_done"].add(name)
            if name == "draft":
                ticket = w["labor_ticket"] = result
            else:
                ticket.refresh_from_db()
            if name == stage:
                return None
    run.__name__ = f"labor_to_{stage}"
    return run


def labor_before(stage):
    """The preparation of the case for ``stage``: every stage before it."""
    names = [name for name, _ in _labor_stages()]
    previous = names[names.index(stage) - 1]

    def prepare(w):
        labor_to(previous)(w)
        return "prepare"
    return prepare


def update_labor_ticket(w):
    from fenji.modules.labor.services import ticket_update

    parties = _labor(w)
    ticket_update(actor=actor(parties["requester"]), ticket=w["labor_ticket"], review_unit=parties["department"],
                  **{**_LABOR_FIELDS, "title": "岗位筛选（修订）"})


def export_labor_ledger(w):
    from fenji.modules.labor.exports import ledger_export
    from fenji.modules.labor.selectors import ticket_list

    centre = _labor(w)["centre"]
    ledger_export(actor=actor(centre), rows=ticket_list(actor=actor(centre)), filters={})


def print_labor_ticket(w):
    from fenji.modules.labor.exports import ticket_pdf_export

    ticket_pdf_export(actor=actor(_labor(w)["requester"]), ticket=w["labor_ticket"], form="application")


def _league_org_admin(w):
    from fenji.core.access.roles import SYSTEM_ADMIN

    if "league_org_admin" not in w:
        w["league_org_admin"] = make_account(w["tree"].county, name="团县委系统管理员", role=SYSTEM_ADMIN)
    return w["league_org_admin"]


def create_league_org(w):
    from django.test import override_settings

    from fenji.modules.league.orgs import org_create

    with override_settings(FENJI_PROFILE="league"):
        w["league_org"] = org_create(actor=actor(_league_org_admin(w)), parent=w["tree"].county, name="测试团支部（新建）",
                                     kind="league_branch", approved_on=timezone.localdate(), approval_ref="团〔2026〕1号")


def prepare_league_org(w):
    create_league_org(w)
    return "prepare"


def upload_league_org_document(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fenji.core.files.tests.samples import PDF
    from fenji.modules.league.orgs import org_document_upload

    org_document_upload(actor=actor(_league_cadre(w)), org=w["league_org"], upload=SimpleUploadedFile("批复.pdf", PDF))


def update_league_org(w):
    from fenji.modules.league.orgs import org_update

    org_update(actor=actor(_league_cadre(w)), org=w["league_org"], industry="school", secretary="书记甲")


def decide_league_org_revocation(w):
    from fenji.modules.league.orgs import org_revoke_decide

    org_revoke_decide(actor=actor(_league_cadre(w)), org=w["league_org"], decided_on=timezone.localdate(),
                      reference="撤〔2026〕1号")


def prepare_league_org_revocation(w):
    prepare_league_org(w)
    decide_league_org_revocation(w)
    return "prepare"


def revoke_league_org(w):
    from fenji.modules.league.orgs import org_revoke

    org_revoke(actor=actor(_league_org_admin(w)), org=w["league_org"])


def add_league_cadre(w):
    from fenji.modules.league.orgs import cadre_add

    w["league_cadre_row"] = cadre_add(actor=actor(_league_cadre(w)), org=w["league_org"], name="书记甲",
                                      position="secretary", nature="part", since=timezone.localdate())


def prepare_league_cadre(w):
    prepare_league_org(w)
    add_league_cadre(w)
    return "prepare"


def end_league_cadre(w):
    from fenji.modules.league.orgs import cadre_end

    cadre_end(actor=actor(_league_cadre(w)), cadre=w["league_cadre_row"], until=timezone.localdate())


def propose_status(w):
    from fenji.modules.league.status import status_propose

    w["status_case"] = status_propose(actor=actor(_league_cadre(w)), member=w["member"], kind="withdraw",
                                      reason="本人书面申请")


def prepare_status_case(w):
    prepare_member(w)
    propose_status(w)
    return "prepare"


def decide_status(w):
    from fenji.modules.league.status import status_decide

    status_decide(actor=actor(_league_cadre(w)), case=w["status_case"], approve=True)


def export_league_orgs(w):
    from fenji.modules.league.exports import orgs_export
    from fenji.modules.league.selectors import org_list

    orgs_export(actor=actor(_league_cadre(w)), orgs=org_list(actor=actor(_league_cadre(w))))


def _league_collected(w):
    prepare_bills(w)
    pay_dues(w)


def remit_dues(w):
    from django.test import override_settings

    from fenji.modules.league.remit import remittance_create

    _league_collected(w)
    with override_settings(FENJI_LEAGUE_RETENTION_PCT="50"):
        w["remittance"] = remittance_create(actor=actor(_league_cadre(w)), unit=_league_branch(w))


def prepare_remittance(w):
    remit_dues(w)
    return "prepare"


def confirm_remittance(w):
    from fenji.core.access.roles import BUILTIN_ROLES
    from fenji.modules.league.remit import remittance_confirm

    receiver = make_account(w["tree"].town, name="镇团委干部", role=BUILTIN_ROLES["league_cadre"])
    remittance_confirm(actor=actor(receiver), remittance=w["remittance"])


def export_remittances(w):
    from fenji.modules.league.exports import remittances_export
    from fenji.modules.league.selectors import remittance_list

    cadre = actor(_league_cadre(w))
    remittances_export(actor=cadre, rows=remittance_list(actor=cadre))


def record_dues_use(w):
    from fenji.modules.league.remit import dues_use_record

    dues_use_record(actor=actor(_league_cadre(w)), unit=_league_branch(w), amount="0.10", purpose="团日活动",
                    decided_on=datetime.date.today(), decision_ref="支委会纪要 1 号")


def export_dues_uses(w):
    from fenji.modules.league.exports import dues_uses_export
    from fenji.modules.league.selectors import dues_use_list

    cadre = actor(_league_cadre(w))
    dues_uses_export(actor=cadre, rows=dues_use_list(actor=cadre))


def export_league_stats(w):
    from fenji.modules.league import stats
    from fenji.modules.league.exports import stats_export

    cadre, unit, period = actor(_league_cadre(w)), w["tree"].county, stats.stats_period("")
    stats_export(actor=cadre, unit=unit, period=period, tables=stats.league_stats(actor=cadre, unit=unit, period=period),
                 gaps=stats.branch_gaps(actor=cadre, unit=unit))


def export_to_internal(w):
    import tempfile

    from fenji.modules.discipline.export_services import discipline_export

    if "case" not in w:
        register_case(w)
    w["export_dir"] = tempfile.mkdtemp()
    w["package"] = discipline_export(actor=actor(_exporter(w)), unit=w["tree"].town, directory=w["export_dir"])


def _exporter(w):
    from fenji.core.access.roles import BUILTIN_ROLES

    if "exporter" not in w:
        w["exporter"] = make_account(w["tree"].town, name="内网数据导出员", role=BUILTIN_ROLES["export_officer"])
    return w["exporter"]


def prepare_export(w):
    export_to_internal(w)
    return "prepare"


def confirm_export(w):
    from fenji.modules.discipline.export_services import export_package_confirm

    export_package_confirm(actor=actor(_exporter(w)), package=w["package"], confirmed_on=timezone.localdate(),
                           digest=w["package"].digest[:16])


def export_package_ledger(w):
    from fenji.modules.discipline.export_selectors import export_package_list
    from fenji.modules.discipline.export_services import package_ledger_export

    exporter = actor(_exporter(w))
    package_ledger_export(actor=exporter, packages=export_package_list(actor=exporter), filters={})


def download_export(w):
    from django.test import override_settings

    from fenji.modules.discipline.export_services import export_package_download

    with override_settings(FENJI_DISCIPLINE_EXPORT_DIR=w["export_dir"]):
        export_package_download(actor=actor(_exporter(w)), package=w["package"])


def refuse_uploaded_package(w):
    from fenji.core.access.roles import BUILTIN_ROLES
    from fenji.modules.discipline.export_services import discipline_import_upload
    from fenji.modules.discipline.package import PackageRejected

    importer = make_account(w["tree"].county, name="内网数据导入员", role=BUILTIN_ROLES["import_officer"])
    with pytest.raises(PackageRejected):
        discipline_import_upload(actor=actor(importer), data=b"not a zip")


def import_package(w):
    from pathlib import Path

    from django.test import override_settings

    from fenji.core.access.policy import SYSTEM
    from fenji.modules.discipline.export_services import discipline_import, unit_code, unit_signer

    keys = Path(w["export_dir"]) / "senders.txt"
    keys.write_text(f"{unit_code(w['tree'].town)} {unit_signer(w['tree'].town).public_key()}\n")
    with override_settings(FENJI_DISCIPLINE_SENDER_KEYS=str(keys)):
        discipline_import(actor=SYSTEM, directory=Path(w["export_dir"]) / w["package"].name)


def league_create_activity(w):
    from fenji.core.people.identity import check_char
    from fenji.modules.league.activities import activity_create
    from fenji.modules.league.services import member_register

    w["activity_member"] = member_register(
        actor=actor(_league_cadre(w)), branch=_league_branch(w), real_name="团员乙",
        id_number="11010520080301013" + check_char("11010520080301013"), mobile="13700006002",
        join_date=datetime.date(2023, 5, 4), join_place="某中学", development_no="202300000002", student=True)
    start = timezone.now() + datetime.timedelta(days=2)
    w["activity"] = activity_create(actor=actor(_league_cadre(w)), unit=_league_branch(w), theme="团日活动",
                                    starts_at=start, ends_at=start + datetime.timedelta(hours=2), place="会议室")


def league_prepare_activity(w):
    league_create_activity(w)
    return "prepare"


def league_publish_activity(w):
    from fenji.modules.league.activities import activity_publish

    activity_publish(actor=actor(_league_cadre(w)), activity=w["activity"])


def league_update_activity(w):
    from fenji.modules.league.activities import activity_update

    start = timezone.now() + datetime.timedelta(days=3)
    activity_update(actor=actor(_league_cadre(w)), activity=w["activity"], theme="团日活动（改期）", starts_at=start,
                    ends_at=start + datetime.timedelta(hours=2), place="会议室")


def league_delete_activity(w):
    from fenji.modules.league.activities import activity_delete

    activity_delete(actor=actor(_league_cadre(w)), activity=w["activity"])


def league_prepare_published_activity(w):
    league_publish_activity(w)
    return "prepare"


def league_sign_up_for_activity(w):
    from fenji.modules.league.activities import activity_signup

    activity_signup(actor=actor(w["activity_member"].person.account), activity=w["activity"])


def league_prepare_signed_up(w):
    league_sign_up_for_activity(w)
    return "prepare"


def league_cancel_activity_signup(w):
    from fenji.modules.league.activities import activity_signup_cancel

    activity_signup_cancel(actor=actor(w["activity_member"].person.account), activity=w["activity"])


def league_hold_activity(w):
    from fenji.modules.league.activities import activity_hold
    from fenji.modules.league.models import Activity

    Activity.objects.unscoped(reason="test: it began").filter(pk=w["activity"].pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1))
    w["activity"].refresh_from_db()
    activity_hold(actor=actor(_league_cadre(w)), activity=w["activity"])


def league_prepare_held_activity(w):
    league_hold_activity(w)
    return "prepare"


def league_record_attendance(w):
    from fenji.modules.league.activities import attendance_record

    attendance_record(actor=actor(_league_cadre(w)), activity=w["activity"], members=[w["activity_member"].pk])


def league_summarise_activity(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fenji.modules.league.activities import activity_summary
    from fenji.modules.league.content import sample_photo

    activity_summary(actor=actor(_league_cadre(w)), activity=w["activity"], summary="开展顺利",
                     photos=[SimpleUploadedFile("合影.png", sample_photo(), content_type="image/png")])


def league_prepare_summarised_activity(w):
    league_summarise_activity(w)
    return "prepare"


def league_close_activity(w):
    from fenji.modules.league.activities import activity_close

    activity_close(actor=actor(_league_cadre(w)), activity=w["activity"])


def league_export_transfers(w):
    from fenji.modules.league.exports import transfers_export
    from fenji.modules.league.selectors import transfer_list

    cadre = actor(_league_cadre(w))
    transfers_export(actor=cadre, rows=transfer_list(actor=cadre))


def league_export_activities(w):
    from fenji.modules.league.exports import activities_export
    from fenji.modules.league.selectors import activity_list

    cadre = actor(_league_cadre(w))
    activities_export(actor=cadre, rows=activity_list(actor=cadre))
