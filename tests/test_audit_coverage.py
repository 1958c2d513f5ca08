"""Every auditable action produces exactly one audit event, with the right action code and outcome.

Every ``@service`` of the product has a case here (``COVERS`` names the services a case's step runs,
and the step must run them): a new service without one fails ``test_every_service_has_a_case``.
"""

import datetime

import pytest
from django.utils import timezone

import audit_steps as steps
from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.access.roles import AUDITOR, SECURITY_ADMIN, STAFF
from fenji.core.access.services import grant_create, grant_review_record, grant_revoke, role_create
from fenji.core.audit.models import AuditEvent
from fenji.core.audit.transactions import calls
from fenji.core.kernel.errors import AccessDenied
from fenji.core.ops.services import maintenance_cancel, maintenance_schedule
from fenji.core.org.models import UnitKind
from fenji.core.org.services import unit_create, unit_move, unit_revoke, unit_update
from fenji.core.people.identity import check_char
from fenji.core.people.services import (
    account_change_mobile,
    account_open,
    account_second_factor_reset,
    account_set_status,
    password_change,
    person_unmask,
)
from fenji.testing import PASSWORD, actor, complete_second_factor, make_account
from fenji.testing.services import registered_services


def new_id(seed):
    first17 = f"32010219800110{seed:03d}"
    return first17 + check_char(first17)


@pytest.fixture
def world(tree, city_admin, client):
    security = make_account(tree.province, name="保密员", role=SECURITY_ADMIN)
    member = make_account(tree.town, kind="member")
    return {"tree": tree, "admin": city_admin, "security": security, "member": member, "client": client}


def login_ok(w):
    w["client"].post("/m/login/", {"mobile": w["member"].mobile, "password": PASSWORD})


def login_failed(w):
    w["client"].post("/m/login/", {"mobile": w["member"].mobile, "password": "wrong"})


def login_locked(w):
    for _ in range(5):
        w["client"].post("/m/login/", {"mobile": w["member"].mobile, "password": "wrong"})
    return "prepare"


def login_locked_attempt(w):
    w["client"].post("/m/login/", {"mobile": w["member"].mobile, "password": PASSWORD})


def logout(w):
    w["client"].post("/m/login/", {"mobile": w["member"].mobile, "password": PASSWORD})
    return "prepare"


def logout_now(w):
    w["client"].post("/logout/")


def open_account(w):
    account_open(actor=actor(w["admin"]), unit=w["tree"].town, real_name="新人", mobile="13700001111",
                 id_number=new_id(1), kind="member")


def disable(w):
    account_set_status(actor=actor(w["admin"]), account=w["member"], active=False, reason="调离")


def change_mobile(w):
    account_change_mobile(actor=actor(w["admin"]), account=w["member"], mobile="13700002222")


def change_password(w):
    password_change(actor=actor(w["member"]), account=w["member"], old_password=PASSWORD, new_password="Qinhuai#River9")


def create_unit(w):
    unit_create(actor=actor(w["admin"]), parent=w["tree"].county, name="新社区", kind=UnitKind.VILLAGE)


def update_unit(w):
    unit_update(actor=actor(w["admin"]), unit=w["tree"].county, leader="张三")


def move_unit(w):
    unit_move(actor=actor(w["admin"]), unit=w["tree"].other_town, new_parent=w["tree"].city)


def revoke_unit(w):
    unit_revoke(actor=actor(w["admin"]), unit=w["tree"].other_town, revoked_on=datetime.date(2026, 11, 23),
                reference="文号")


def grant(w):
    grant_create(actor=actor(w["security"]), account=make_account(w["tree"].county), role=STAFF.code,
                 unit=w["tree"].county)


def revoke_grant(w):
    target = Grant.objects.unscoped(reason="test").get(account=w["admin"])
    grant_revoke(actor=actor(w["security"]), grant=target, reason="离岗")


def define_role(w):
    role_create(actor=actor(w["security"]), code="reader", label="查阅员", actions=["org.unit.view"])


def _maintenance(w):
    starts = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    return maintenance_schedule(actor=actor(w["admin"]), unit=w["tree"].city, title="升级", starts_at=starts,
                                ends_at=starts + datetime.timedelta(hours=1))


def schedule_maintenance(w):
    _maintenance(w)


def prepare_maintenance(w):
    w["maintenance"] = _maintenance(w)
    return "prepare"


def cancel_maintenance(w):
    maintenance_cancel(actor=actor(w["admin"]), window=w["maintenance"])


def unmask(w):
    person_unmask(actor=actor(w["admin"]), account=w["member"])


def export_log(w):
    auditor = make_account(w["tree"].province, name="审计员", role=AUDITOR)
    response = w["client"].post("/login/", {"mobile": auditor.mobile, "password": PASSWORD})
    complete_second_factor(w["client"], auditor, response)
    return "prepare"


def export_log_now(w):
    b"".join(w["client"].get("/audit/events/export.xlsx").streaming_content)


def review_grants(w):
    from django.utils import timezone

    today = timezone.localdate()
    grant_review_record(actor=actor(w["security"]), unit=w["tree"].city, period_start=today.replace(day=1),
                        period_end=today, findings="未发现问题")


def export_account_ledger(w):
    b"".join(w["client"].get("/ledgers/accounts/", {"format": "xlsx"}).streaming_content)


def upload_attachment(w):
    from fenji.core.files.services import attachment_store
    from fenji.core.files.tests.samples import PDF, upload

    clerk = make_account(w["tree"].town, name="上传科员", role=STAFF)
    attachment_store(actor=actor(clerk), unit=w["tree"].town, upload=upload("报告.pdf", PDF))


def refused_service(w):
    with pytest.raises(AccessDenied):
        unit_create(actor=actor(w["admin"]), parent=w["tree"].sibling_city, name="越权", kind=UnitKind.TOWN)


def refused_page(w):
    clerk = make_account(w["tree"].town, name="无授权工作人员")
    w["client"].post("/login/", {"mobile": clerk.mobile, "password": PASSWORD})
    return "prepare"


def refused_page_visit(w):
    w["client"].get("/org/units/")


def _api_token(w):
    from django.test import Client

    from fenji.core.access import policy
    from fenji.core.api.services import token_create

    _, plain = token_create(actor=policy.SYSTEM, account=w["admin"], name="审计覆盖")
    w["api"] = Client(headers={"Authorization": f"Bearer {plain}"})
    return "prepare"


def out_of_scope_lookup(w):
    assert w["api"].get(f"/api/v1/units/{w['tree'].sibling_city.pk}").status_code == 404


def bad_token(w):
    response = w["client"].get("/api/v1/me", headers={"Authorization": "Bearer fj_00000000_" + "x" * 43})
    assert response.status_code == 401


def _period():
    today = timezone.localdate()
    return today.replace(day=1), today


def export_grant_ledger(w):
    from fenji.core.console.exports import grant_ledger_export

    grant_ledger_export(actor=actor(w["security"]), grants=Grant.objects.visible_to(actor(w["security"]),
                        "access.grant.view"), labels={}, filters={})


def export_stale_accounts(w):
    from fenji.core.people.exports import stale_accounts_export
    from fenji.core.people.selectors import account_list_stale

    stale_accounts_export(actor=actor(w["admin"]), accounts=account_list_stale(actor=actor(w["admin"]), days=180),
                          days=180)


def export_timeliness(w):
    from fenji.core.workflow.exports import timeliness_export

    start, end = _period()
    timeliness_export(actor=actor(w["security"]), unit=w["tree"].province, start=start, end=end, table=[],
                      total={"decided": 0, "on_time": 0, "overdue_open": 0})


def _sender(w):
    from fenji.core.access.roles import DEPT_HEAD

    return actor(make_account(w["tree"].city, name="办公室主任", role=DEPT_HEAD))


def export_bulletin(w):
    from fenji.core.dispatch.exports import bulletin_export

    start, end = _period()
    bulletin_export(actor=_sender(w), unit=w["tree"].city, start=start, end=end, rows=[])


def export_bulletin_pdf(w):
    from django.utils import timezone

    from fenji.core.dispatch.exports import bulletin_pdf_export

    start, end = _period()
    unit = w["tree"].city
    bulletin_pdf_export(actor=_sender(w), unit=unit, start=start, end=end, rows=[], context={
        "unit": unit, "start": start, "end": end, "table": [], "generated_at": timezone.now()})


def reset_second_factor(w):
    account_second_factor_reset(actor=policy.SYSTEM, account=w["admin"])  # the host operator's command


CASES = [
    # (name, [steps before], step under test, expected action, expected outcome)
    ("login ok", [], login_ok, "people.login", "ok"),
    ("login failed", [], login_failed, "people.login", "failed"),
    ("login while locked", [login_locked], login_locked_attempt, "people.login.locked", "denied"),
    ("logout", [logout], logout_now, "people.logout", "ok"),
    ("open account", [], open_account, "people.account.open", "ok"),
    ("disable account", [], disable, "people.account.disable", "ok"),
    ("change mobile", [], change_mobile, "people.account.update", "ok"),
    ("change password", [], change_password, "people.password.change", "ok"),
    ("create unit", [], create_unit, "org.unit.create", "ok"),
    ("update unit", [], update_unit, "org.unit.update", "ok"),
    ("move unit", [], move_unit, "org.unit.move", "ok"),
    ("revoke unit", [], revoke_unit, "org.unit.revoke", "ok"),
    ("grant", [], grant, "access.grant.create", "ok"),
    ("revoke grant", [], revoke_grant, "access.grant.revoke", "ok"),
    ("define role", [], define_role, "access.role.manage", "ok"),
    ("schedule maintenance", [], schedule_maintenance, "ops.maintenance.schedule", "ok"),
    ("cancel maintenance", [prepare_maintenance], cancel_maintenance, "ops.maintenance.cancel", "ok"),
    ("unmask personal data", [], unmask, "people.person.unmask", "ok"),
    ("export the audit log", [export_log], export_log_now, "audit.event.export", "ok"),
    ("review the grant log", [], review_grants, "access.grant.review", "ok"),
    ("export the account ledger", [export_log], export_account_ledger, "people.account.export", "ok"),
    ("upload an attachment", [], upload_attachment, "files.attachment.upload", "ok"),
    ("make a unit seal", [], steps.make_seal, "seals.key.manage", "ok"),
    ("apply the unit seal", [steps.prepare_submission], steps.seal_submission, "seals.seal.apply", "ok"),
    ("seal and submit a report", [steps.prepare_submission], steps.seal_submission, "submissions.submission.seal", "ok"),
    ("send a dispatch", [], steps.send_dispatch, "dispatch.dispatch.send", "ok"),
    ("sign a delivery", [steps.prepare_delivery], steps.sign_delivery, "dispatch.delivery.handle", "ok"),
    ("refused write", [], refused_service, "org.unit.create", "denied"),
    ("refused page", [refused_page], refused_page_visit, "org.unit.view", "denied"),
    # Counted per actor or client address and minute: the first of a minute is one event at once
    # (tests/test_audit_refusals.py covers the aggregated events of the rest).
    ("out-of-scope lookup", [_api_token], out_of_scope_lookup, "access.scope.miss", "denied"),
    ("bad API token", [], bad_token, "api.token.authenticate", "failed"),
    ("create an API token", [], steps.create_token, "api.token.create", "ok"),
    ("revoke an API token", [steps.prepare_token], steps.revoke_token, "api.token.revoke", "ok"),
    ("revoke a unit seal", [steps.prepare_seal], steps.revoke_seal, "seals.key.manage", "ok"),
    ("draft a report", [], steps.draft_submission, "submissions.submission.draft", "ok"),
    ("send a report for review", [steps.prepare_draft], steps.send_for_review, "submissions.submission.review", "ok"),
    ("receive a report", [steps.prepare_sealed], steps.receive_submission, "submissions.submission.receive", "ok"),
    ("handle a report", [steps.prepare_sealed, steps.prepare_received], steps.handle_submission,
     "submissions.submission.handle", "ok"),
    ("return a report", [steps.prepare_sealed], steps.return_submission, "submissions.submission.return", "ok"),
    ("print a report", [steps.prepare_sealed], steps.print_submission, "submissions.submission.export", "ok"),
    ("read a delivery", [steps.prepare_delivery, steps.prepare_signed], steps.read_delivery,
     "dispatch.delivery.handle", "ok"),
    ("reply to a delivery", [steps.prepare_feedback], steps.reply_delivery, "dispatch.delivery.handle", "ok"),
    ("accept a reply", [steps.prepare_feedback, steps.prepare_reply], steps.accept_reply, "dispatch.dispatch.send", "ok"),
    ("return a reply", [steps.prepare_feedback, steps.prepare_reply], steps.return_reply, "dispatch.dispatch.send", "ok"),
    ("urge the laggards", [steps.prepare_feedback], steps.urge_dispatch, "dispatch.dispatch.send", "ok"),
    ("open a document file", [steps.prepare_document], steps.open_document_file, "dispatch.delivery.handle", "ok"),
    ("store document files", [], steps.store_document_files, "files.attachment.upload", "ok"),
    ("file a request", [], steps.file_request, "workflow.request.file", "ok"),
    ("endorse a request", [steps.prepare_request], steps.endorse_request, "workflow.request.endorse", "ok"),
    ("withdraw a request", [steps.prepare_request], steps.withdraw_request, "workflow.request.file", "ok"),
    ("register a retirement", [], steps.register_retirement, "people.account.update", "ok"),
    ("start the request a retirement needs", [], steps.register_retirement, "workflow.request.file", "ok"),
    ("disable stale accounts", [], steps.disable_stale, "people.account.stale_review", "ok"),
    ("refused member import", [], steps.refused_import, "people.account.open", "denied"),
    ("set a calendar day", [], steps.set_day, "calendar.day.set", "ok"),
    ("remove a calendar day", [steps.prepare_day], steps.remove_day, "calendar.day.remove", "ok"),
    ("confirm a calendar year", [], steps.confirm_year, "calendar.year.confirm", "ok"),
    ("import a calendar notice", [], steps.import_year, "calendar.year.import", "ok"),
    ("seed the calendar", [], steps.seed_calendar, "calendar.year.seed", "ok"),
    ("change an alert rule", [], steps.update_alert_rule, "notify.alert_rule.update", "ok"),
    ("reset the second factor", [], reset_second_factor, "mfa.device.reset", "ok"),
    ("export the permission ledger", [], export_grant_ledger, "access.grant.export", "ok"),
    ("export the stale accounts", [], export_stale_accounts, "people.account.export", "ok"),
    ("export the timeliness table", [], export_timeliness, "workflow.request.view", "ok"),
    ("export the bulletin", [], export_bulletin, "dispatch.dispatch.send", "ok"),
    ("print the bulletin", [], export_bulletin_pdf, "dispatch.dispatch.send", "ok"),
    ("sign an account out", [], steps.sign_out, "people.session.sign_out", "ok"),
    ("reset a password", [], steps.reset_password, "people.password.reset", "ok"),
    ("invite to activate", [], steps.invite_to_activate, "people.account.activation_invite", "ok"),
    ("correct a person", [], steps.correct_person, "people.person.correct", "ok"),
    ("move an account", [], steps.move_account, "people.account.move", "ok"),
    ("send a notice to members", [], steps.send_notice, "community.notice.send", "ok"),
    ("publish an activity", [], steps.create_activity, "community.activity.create", "ok"),
    ("sign up for an activity", [steps.prepare_activity], steps.sign_up, "community.activity.signup", "ok"),
    ("submit feedback", [], steps.submit_feedback, "community.feedback.submit", "ok"),
    ("answer feedback", [steps.prepare_feedback_item], steps.answer_feedback, "community.feedback.answer", "ok"),
    ("pass an opinion up", [steps.prepare_opinion], steps.pass_opinion_up, "community.feedback.pass_up", "ok"),
    ("register a removable medium", [], steps.register_medium, "office.medium.register", "ok"),
    ("record a virus check", [steps.prepare_medium], steps.check_medium, "office.medium.check", "ok"),
    ("retire a medium", [steps.prepare_medium], steps.retire_medium, "office.medium.retire", "ok"),
    ("export the media register", [steps.prepare_medium], steps.export_media, "office.medium.export", "ok"),
    ("assign a duty shift", [], steps.assign_duty, "office.duty.assign", "ok"),
    ("export the publication register", [], steps.export_publications, "office.publication.export", "ok"),
    ("remove a duty shift", [steps.prepare_duty], steps.remove_duty, "office.duty.remove", "ok"),
    ("register an elder", [], steps.register_elder, "veterans.elder.register", "ok"),
    ("update an elder", [steps.prepare_elder], steps.update_elder, "veterans.elder.update", "ok"),
    ("mark an elder moved", [steps.prepare_elder], steps.set_elder_status, "veterans.elder.status", "ok"),
    ("import elders", [], steps.import_elders, "veterans.elder.import", "ok"),
    ("register a petition", [], steps.register_petition, "discipline.petition.register", "ok"),
    ("search by a petitioner", [], steps.search_petitioner, "discipline.petitioner.search", "ok"),
    ("back-enter petitions from a sheet", [], steps.import_petitions, "discipline.petition.import", "ok"),
    ("register a League member", [], steps.register_member, "league.member.register", "ok"),
    ("import League members", [], steps.import_league_members, "league.member.import", "ok"),
    ("set a member's income", [steps.prepare_member], steps.set_member_income, "league.member.income", "ok"),
    ("generate the dues bills", [steps.prepare_member], steps.generate_bills, "league.bills.generate", "ok"),
    ("pay dues", [steps.prepare_bills], steps.pay_dues, "league.dues.pay", "ok"),
    ("export the dues list", [steps.prepare_bills], steps.export_dues, "league.dues.export", "ok"),
    ("start a transfer", [steps.prepare_member], steps.start_transfer, "league.transfer.start", "ok"),
    ("submit a member's edit", [steps.prepare_member], steps.submit_member_edit, "league.edit.submit", "ok"),
    ("review a member's edit", [steps.prepare_member_edit], steps.decide_member_edit, "league.edit.decide", "ok"),
    ("approve a transfer", [steps.prepare_transfer], steps.approve_transfer, "league.transfer.approve", "ok"),
    ("return a transfer", [steps.prepare_transfer], steps.return_transfer, "league.transfer.return", "ok"),
    ("withdraw a transfer", [steps.prepare_transfer], steps.withdraw_transfer, "league.transfer.withdraw", "ok"),
    ("enter a League organisation", [], steps.create_league_org, "league.org.create", "ok"),
    ("upload a League organisation's approval", [steps.prepare_league_org], steps.upload_league_org_document,
     "league.org.document", "ok"),
    ("edit a League organisation", [steps.prepare_league_org], steps.update_league_org, "league.org.update", "ok"),
    ("decide a League organisation's revocation", [steps.prepare_league_org], steps.decide_league_org_revocation,
     "league.org.revoke_decide", "ok"),
    ("revoke a League organisation", [steps.prepare_league_org_revocation], steps.revoke_league_org,
     "league.org.revoke", "ok"),
    ("enter a League cadre", [steps.prepare_league_org], steps.add_league_cadre, "league.cadre.add", "ok"),
    ("export the League organisations", [steps.prepare_league_org], steps.export_league_orgs, "league.org.export",
     "ok"),
    ("end a League cadre's post", [steps.prepare_league_cadre], steps.end_league_cadre, "league.cadre.end", "ok"),
    ("propose a League status change", [steps.prepare_member], steps.propose_status, "league.status.propose", "ok"),
    ("decide a League status change", [steps.prepare_status_case], steps.decide_status, "league.status.decide", "ok"),
    ("remit dues", [], steps.remit_dues, "league.remit.create", "ok"),
    ("confirm a remittance", [steps.prepare_remittance], steps.confirm_remittance, "league.remit.confirm", "ok"),
    ("export the remittances", [steps.prepare_remittance], steps.export_remittances, "league.remit.export", "ok"),
    ("record a use of dues", [steps.prepare_remittance], steps.record_dues_use, "league.dues_use.record", "ok"),
    ("export the uses of dues", [], steps.export_dues_uses, "league.dues_use.export", "ok"),
    ("export the League statistics", [], steps.export_league_stats, "league.stats.export", "ok"),
    ("create a League activity", [], steps.league_create_activity, "league.activity.create", "ok"),
    ("publish a League activity", [steps.league_prepare_activity], steps.league_publish_activity, "league.activity.publish", "ok"),
    ("edit a League activity's draft", [steps.league_prepare_activity], steps.league_update_activity,
     "league.activity.update", "ok"),
    ("delete a League activity's draft", [steps.league_prepare_activity], steps.league_delete_activity,
     "league.activity.delete", "ok"),
    ("sign up for a League activity", [steps.league_prepare_activity, steps.league_prepare_published_activity],
     steps.league_sign_up_for_activity, "league.activity.signup", "ok"),
    ("cancel a League activity sign-up", [steps.league_prepare_activity, steps.league_prepare_published_activity,
                                          steps.league_prepare_signed_up], steps.league_cancel_activity_signup,
     "league.activity.signup_cancel", "ok"),
    ("record a League activity held", [steps.league_prepare_activity, steps.league_prepare_published_activity],
     steps.league_hold_activity, "league.activity.hold", "ok"),
    ("record a League activity's attendance", [steps.league_prepare_activity, steps.league_prepare_published_activity,
                                               steps.league_prepare_held_activity], steps.league_record_attendance,
     "league.activity.attendance", "ok"),
    ("summarise a League activity", [steps.league_prepare_activity, steps.league_prepare_published_activity,
                                     steps.league_prepare_held_activity], steps.league_summarise_activity,
     "league.activity.summary", "ok"),
    ("close a League activity", [steps.league_prepare_activity, steps.league_prepare_published_activity,
                                 steps.league_prepare_held_activity, steps.league_prepare_summarised_activity], steps.league_close_activity,
     "league.activity.close", "ok"),
    ("export the League activities", [], steps.league_export_activities, "league.activity.export", "ok"),
    ("export the League transfers", [], steps.league_export_transfers, "league.transfer.export", "ok"),
    ("refuse a petition by rank", [], steps.open_upward_report, "discipline.upward.open", "ok"),
    ("send an upward report", [steps.prepare_upward], steps.finish_upward_report, "discipline.upward.done", "ok"),
    ("decide a petition", [steps.prepare_petition], steps.decide_petition, "discipline.petition.decide", "ok"),
    ("record an acceptance notice", [steps.prepare_petition], steps.record_petition_notice,
     "discipline.petition.notice", "ok"),
    ("close a petition", [steps.prepare_petition], steps.close_petition, "discipline.petition.close", "ok"),
    ("record a petition feedback", [steps.prepare_closed_petition], steps.record_petition_feedback,
     "discipline.petition.feedback", "ok"),
    ("export the petitions", [steps.prepare_petition], steps.export_petitions, "discipline.petition.export", "ok"),
    ("recuse from a petition", [steps.prepare_petition], steps.recuse_from_petition, "discipline.recusal.declare",
     "ok"),
    ("register a clue", [], steps.register_clue, "discipline.clue.register", "ok"),
    ("propose a clue's assignment", [steps.prepare_clue], steps.assign_clue, "discipline.clue.assign", "ok"),
    ("approve a clue's assignment", [steps.prepare_proposed_clue], steps.approve_clue, "discipline.clue.approve", "ok"),
    ("dispose of a clue", [steps.prepare_assigned_clue], steps.dispose_clue, "discipline.clue.dispose", "ok"),
    ("sign a clue's disposal", [steps.prepare_disposed_clue], steps.sign_clue, "discipline.clue.sign", "ok"),
    ("report on a clue", [steps.prepare_signed_clue], steps.report_clue, "discipline.clue.report", "ok"),
    ("ask a clue's extension", [steps.prepare_signed_clue], steps.request_clue_extension,
     "discipline.clue.extension_request", "ok"),
    ("decide a clue's extension", [steps.prepare_clue_extension], steps.decide_clue_extension,
     "discipline.clue.extension_decide", "ok"),
    ("conclude a clue", [steps.prepare_reported_clue], steps.conclude_clue, "discipline.clue.conclude", "ok"),
    ("export the clues", [steps.prepare_clue], steps.export_clues, "discipline.clue.export", "ok"),
    ("propose a case", [], steps.register_case, "discipline.case.register", "ok"),
    ("approve a case's filing", [steps.prepare_case], steps.approve_case, "discipline.case.approve", "ok"),
    ("file a case", [steps.prepare_approved_case], steps.file_case, "discipline.case.file", "ok"),
    ("transfer a case to review", [steps.prepare_filed_case], steps.transfer_case, "discipline.case.transfer", "ok"),
    ("review a case", [steps.prepare_transferred_case], steps.review_case, "discipline.case.review", "ok"),
    ("decide a case", [steps.prepare_reviewed_case], steps.decide_case, "discipline.case.decide", "ok"),
    ("execute a case", [steps.prepare_decided_case], steps.execute_case, "discipline.case.execute", "ok"),
    ("register an appeal", [steps.prepare_decided_case], steps.appeal_case, "discipline.case.appeal", "ok"),
    ("decide an appeal", [steps.prepare_appealed_case], steps.decide_appeal, "discipline.case.appeal_decide", "ok"),
    ("export the cases", [steps.prepare_case], steps.export_cases, "discipline.case.export", "ok"),
    ("export to the internal network", [steps.prepare_case], steps.export_to_internal, "discipline.export.create",
     "ok"),
    ("confirm an export package", [steps.prepare_export], steps.confirm_export, "discipline.export.confirm", "ok"),
    ("download an export package", [steps.prepare_export], steps.download_export, "discipline.export.download", "ok"),
    ("export the export packages' ledger", [steps.prepare_export], steps.export_package_ledger,
     "discipline.export.ledger", "ok"),
    ("import an export package", [steps.prepare_export], steps.import_package, "discipline.import.accept", "ok"),
    ("refuse an uploaded package", [], steps.refuse_uploaded_package, "discipline.import.reject", "denied"),
    ("record a rectification", [steps.prepare_rectification], steps.record_rectification,
     "discipline.rectification.record", "ok"),
    ("revisit a rectification", [steps.prepare_measured_rectification], steps.revisit_rectification,
     "discipline.rectification.revisit", "ok"),
    ("close a rectification", [steps.prepare_revisited_rectification], steps.close_rectification,
     "discipline.rectification.close", "ok"),
    ("export the rectifications", [steps.prepare_rectification], steps.export_rectifications,
     "discipline.rectification.export", "ok"),
    ("file an absence", [], steps.file_absence, "discipline.absence.file", "ok"),
    ("approve an absence", [steps.prepare_absence], steps.approve_absence, "discipline.absence.approve", "ok"),
    ("extend an absence", [steps.prepare_approved_absence], steps.extend_absence, "discipline.absence.extend", "ok"),
    ("return from an absence", [steps.prepare_approved_absence], steps.return_absence, "discipline.absence.return",
     "ok"),
    ("export the absences", [steps.prepare_absence], steps.export_absences, "discipline.absence.export", "ok"),
    ("record a conduct matter", [], steps.record_conduct, "discipline.conduct.record", "ok"),
    ("report a conduct matter", [steps.prepare_conduct], steps.report_conduct, "discipline.conduct.report", "ok"),
    ("export the conduct records", [steps.prepare_conduct], steps.export_conduct, "discipline.conduct.export", "ok"),
    ("export the rooms' statistics", [steps.prepare_petition], steps.export_stats, "discipline.stats.export", "ok"),
    ("draft a requirement", [], steps.labor_to("draft"), "labor.ticket.draft", "ok"),
    ("update a requirement", [steps.labor_before("submit")], steps.update_labor_ticket, "labor.ticket.update", "ok"),
    *((f"requirement step {stage}", [steps.labor_before(stage)], steps.labor_to(stage), f"labor.ticket.{code}", "ok")
      for stage, code in (("submit", "submit"), ("sign", "sign"), ("review", "review"), ("intake", "intake"),
                          ("assess", "assess"), ("schedule", "schedule"), ("develop", "develop"),
                          ("internal_test", "internal_test"), ("centre_test", "test"), ("plan", "plan"),
                          ("release", "release"))),
    ("export the requirement ledger", [steps.labor_before("submit")], steps.export_labor_ledger,
     "labor.ticket.export", "ok"),
    ("print a requirement", [steps.labor_before("submit")], steps.print_labor_ticket, "labor.ticket.print", "ok"),
    ("enter a service record", [steps.prepare_elder], steps.enter_record, "veterans.record.enter", "ok"),
    ("correct a service record", [steps.prepare_record], steps.update_record, "veterans.record.update", "ok"),
    ("export the service records", [steps.prepare_record], steps.export_records, "veterans.record.export", "ok"),
    ("print a volunteer certificate", [steps.prepare_elder], steps.print_certificate, "veterans.certificate.print",
     "ok"),
    ("export the sign-ups", [steps.prepare_activity], steps.export_signups, "community.activity.export", "ok"),
    ("export the dashboard", [], steps.export_dashboard, "console.dashboard.export", "ok"),
    ("disable a selection", [], steps.disable_selection, "people.account.disable_batch", "ok"),
    ("export a selection", [], steps.export_selection, "people.account.export", "ok"),
    ("invite an import's members", [], steps.invite_imported, "people.account.activation_invite_import", "ok"),
    ("add a column", [steps.prepare_publish], steps.create_column, "publish.column.create", "ok"),
    ("update a column", [], steps.update_column, "publish.column.update", "ok"),
    ("set a column's managers", [steps.prepare_publish], steps.set_column_managers, "publish.column.managers", "ok"),
    ("link an interaction column's boards", [steps.prepare_publish], steps.set_column_boards, "publish.column.boards",
     "ok"),
    ("set a column's review levels", [], steps.set_column_levels, "publish.column.levels", "ok"),
    ("merge a column", [], steps.merge_column, "publish.column.merge", "ok"),
    ("re-assign a column", [steps.prepare_county_leader], steps.reassign_column, "publish.column.reassign", "ok"),
    ("save a post", [], steps.save_post, "publish.post.save", "ok"),
    ("send a post for review", [steps.prepare_post], steps.submit_post, "publish.post.submit", "ok"),
    ("approve a post", [steps.prepare_post, steps.prepare_submitted], steps.approve_post, "publish.post.approve", "ok"),
    ("reject a post", [steps.prepare_post, steps.prepare_submitted], steps.reject_post, "publish.post.reject", "ok"),
    ("publish a post", [steps.prepare_post, steps.prepare_submitted], steps.publish_post, "publish.post.publish", "ok"),
    ("withdraw a post", [steps.prepare_post, steps.prepare_submitted, steps.prepare_published], steps.withdraw_post,
     "publish.post.withdraw", "ok"),
    ("print an approval sheet", [steps.prepare_post, steps.prepare_submitted], steps.print_approvals, "publish.approval.export", "ok"),
    ("export the column health", [steps.prepare_publish], steps.export_column_health, "publish.health.export",
     "ok"),
    ("add a sensitive word", [], steps.add_word, "publish.word.add", "ok"),
    ("remove a sensitive word", [steps.prepare_word], steps.remove_word, "publish.word.remove", "ok"),
    ("create a ticket board", [steps.prepare_tickets], steps.create_board, "tickets.board.create", "ok"),
    ("update a ticket board", [steps.prepare_tickets], steps.update_board, "tickets.board.update", "ok"),
    ("file a ticket", [steps.prepare_tickets], steps.file_ticket, "tickets.ticket.file", "ok"),
    ("sign a ticket", [steps.prepare_ticket], steps.sign_ticket, "tickets.ticket.sign", "ok"),
    ("handle a ticket", [steps.prepare_signed_ticket], steps.progress_ticket, "tickets.ticket.progress", "ok"),
    ("return a ticket", [steps.prepare_ticket], steps.return_ticket, "tickets.ticket.return", "ok"),
    ("decide a ticket return", [steps.prepare_returned_ticket], steps.decide_return, "tickets.ticket.return_decide", "ok"),
    ("ask to extend a ticket", [steps.prepare_signed_ticket], steps.extend_ticket, "tickets.ticket.extend", "ok"),
    ("decide a ticket extension", [steps.prepare_extension], steps.decide_extension, "tickets.ticket.extend_decide", "ok"),
    ("answer a ticket", [steps.prepare_signed_ticket], steps.answer_ticket, "tickets.ticket.answer", "ok"),
    ("rate a ticket", [steps.prepare_answered_ticket], steps.rate_ticket, "tickets.ticket.rate", "ok"),
    ("merge a ticket", [steps.prepare_ticket], steps.merge_ticket, "tickets.ticket.merge", "ok"),
    ("export the ticket report", [], steps.export_ticket_report, "tickets.report.export", "ok"),
    ("print the ticket report", [], steps.print_ticket_report, "tickets.report.export", "ok"),
    ("plan an inspection", [], steps.plan_inspection, "supervision.inspection.plan", "ok"),
    ("close an inspection", [steps.prepare_inspection], steps.close_inspection, "supervision.inspection.close", "ok"),
    ("record a finding", [], steps.record_finding, "supervision.finding.record", "ok"),
    ("update a finding", [steps.prepare_finding], steps.update_finding, "supervision.finding.update", "ok"),
    ("remove a finding", [steps.prepare_finding], steps.remove_finding, "supervision.finding.remove", "ok"),
    ("issue a rectification notice", [steps.prepare_finding], steps.issue_notice, "supervision.notice.issue", "ok"),
    ("answer a rectification", [steps.prepare_issued_finding], steps.answer_rectification,
     "supervision.rectification.reply", "ok"),
    ("accept a rectification", [steps.prepare_answered_finding], steps.accept_rectification,
     "supervision.rectification.decide", "ok"),
    ("draw a sample", [], steps.draw_sample, "supervision.sample.draw", "ok"),
    ("check a sampled record", [steps.prepare_sample], steps.check_sample, "supervision.sample.check", "ok"),
    ("export the accuracy table", [], steps.export_accuracy, "supervision.report.export", "ok"),
    ("print an inspection", [], steps.print_inspection, "supervision.report.export", "ok"),
    ("export the usage statistics", [], steps.export_usage, "supervision.report.export", "ok"),
    ("print the usage statistics", [], steps.print_usage, "supervision.report.export", "ok"),
    ("export the assessment", [], steps.export_assessment, "supervision.report.export", "ok"),
]

# The services each case's step runs (nested ones included), after "fenji.": every registered service is in one.
COVERS = {
    "open account": ["core.people.services.account_open"],
    "disable account": ["core.people.services.account_set_status"],
    "change mobile": ["core.people.services.account_change_mobile"],
    "change password": ["core.people.services.password_change"],
    "create unit": ["core.org.services.unit_create"],
    "update unit": ["core.org.services.unit_update"],
    "move unit": ["core.org.services.unit_move"],
    "revoke unit": ["core.org.services.unit_revoke"],
    "grant": ["core.access.services.grant_create"],
    "revoke grant": ["core.access.services.grant_revoke"],
    "export the audit log": ["core.console.exports.audit_event_export"],
    "export the account ledger": ["core.console.exports.account_ledger_export"],
    "export the permission ledger": ["core.console.exports.grant_ledger_export"],
    "export the stale accounts": ["core.people.exports.stale_accounts_export"],
    "export the timeliness table": ["core.workflow.exports.timeliness_export"],
    "export the bulletin": ["core.dispatch.exports.bulletin_export"],
    "print the bulletin": ["core.dispatch.exports.bulletin_pdf_export"],
    "reset the second factor": ["core.people.services.account_second_factor_reset"],
    "define role": ["core.access.services.role_create"],
    "schedule maintenance": ["core.ops.services.maintenance_schedule"],
    "cancel maintenance": ["core.ops.services.maintenance_cancel"],
    "unmask personal data": ["core.people.services.person_unmask"],
    "review the grant log": ["core.access.services.grant_review_record"],
    "upload an attachment": ["core.files.services.attachment_store"],
    "make a unit seal": ["core.seals.services.seal_key_create"],
    "apply the unit seal": ["core.seals.services.seal_apply"],
    "seal and submit a report": ["core.submissions.services.submission_approve_and_seal"],
    "send a dispatch": ["core.dispatch.services.dispatch_send"],
    "sign a delivery": ["core.dispatch.services.delivery_sign"],
    "create an API token": ["core.api.services.token_create"],
    "revoke an API token": ["core.api.services.token_revoke"],
    "revoke a unit seal": ["core.seals.services.seal_key_revoke"],
    "draft a report": ["core.submissions.services.submission_draft"],
    "send a report for review": ["core.submissions.services.submission_send_for_review"],
    "receive a report": ["core.submissions.services.submission_receive"],
    "handle a report": ["core.submissions.services.submission_handle"],
    "return a report": ["core.submissions.services.submission_return"],
    "print a report": ["core.submissions.exports.submission_export_record"],
    "read a delivery": ["core.dispatch.services.delivery_read"],
    "reply to a delivery": ["core.dispatch.services.delivery_reply"],
    "accept a reply": ["core.dispatch.services.delivery_accept"],
    "return a reply": ["core.dispatch.services.delivery_return"],
    "urge the laggards": ["core.dispatch.services.dispatch_urge"],
    "open a document file": ["core.dispatch.services.dispatch_file_open"],
    "store document files": ["core.dispatch.services.dispatch_files_store"],
    "file a request": ["core.workflow.services.request_file"],
    "endorse a request": ["core.workflow.services.step_decide"],
    "withdraw a request": ["core.workflow.services.request_withdraw"],
    "register a retirement": ["core.people.services.account_duty_status_set"],
    "start the request a retirement needs": ["core.workflow.services.request_start"],
    "disable stale accounts": ["core.people.services.account_stale_disable"],
    "refused member import": ["core.people.member_import._import_allowed"],
    "set a calendar day": ["core.ops.calendar_services.day_set", "core.calendar.services.day_override_set"],
    "remove a calendar day": ["core.ops.calendar_services.day_remove", "core.calendar.services.day_override_remove"],
    "confirm a calendar year": ["core.ops.calendar_services.year_confirm",
                                "core.calendar.services.calendar_year_confirm"],
    "import a calendar notice": ["core.ops.calendar_services.year_import", "core.calendar.services.calendar_import"],
    "seed the calendar": ["core.calendar.services.calendar_seed"],
    "change an alert rule": ["core.console.alert_services.alert_rule_update"],
    "sign an account out": ["core.people.online.account_sign_out"],
    "reset a password": ["core.people.recovery.account_password_reset"],
    "invite to activate": ["core.people.recovery.account_activation_invite"],
    "correct a person": ["core.people.changes.person_correct"],
    "move an account": ["core.people.changes.account_move"],
    "send a notice to members": ["core.community.services.notice_send"],
    "publish an activity": ["core.community.services.activity_create"],
    "sign up for an activity": ["core.community.services.activity_signup"],
    "submit feedback": ["core.community.services.feedback_submit"],
    "answer feedback": ["core.community.services.feedback_answer"],
    "pass an opinion up": ["core.community.services.feedback_pass_up"],
    "register a removable medium": ["modules.office.services.medium_register"],
    "record a virus check": ["modules.office.services.medium_check"],
    "retire a medium": ["modules.office.services.medium_retire"],
    "export the media register": ["modules.office.exports.medium_export"],
    "assign a duty shift": ["modules.office.services.duty_assign"],
    "export the publication register": ["modules.office.exports.publication_export"],
    "remove a duty shift": ["modules.office.services.duty_remove"],
    "register an elder": ["modules.veterans.services.elder_register"],
    "update an elder": ["modules.veterans.services.elder_update"],
    "mark an elder moved": ["modules.veterans.services.elder_status_set"],
    "import elders": ["modules.veterans.elder_import._import_allowed"],
    "register a petition": ["modules.discipline.services._register"],
    "search by a petitioner": ["modules.discipline.services.petitioner_search_record"],
    "back-enter petitions from a sheet": ["modules.discipline.petition_import._import_allowed"],
    "register a League member": ["modules.league.services.member_register"],
    "import League members": ["modules.league.member_import._import_allowed"],
    "set a member's income": ["modules.league.services.member_income_set"],
    "generate the dues bills": ["modules.league.services.bills_generate"],
    "pay dues": ["modules.league.services.dues_pay"],
    "export the dues list": ["modules.league.exports.dues_export"],
    "start a transfer": ["modules.league.services.transfer_start"],
    "submit a member's edit": ["modules.league.services.member_edit_submit"],
    "enter a League organisation": ["modules.league.orgs.org_create"],
    "upload a League organisation's approval": ["modules.league.orgs.org_document_upload"],
    "edit a League organisation": ["modules.league.orgs.org_update"],
    "decide a League organisation's revocation": ["modules.league.orgs.org_revoke_decide"],
    "revoke a League organisation": ["modules.league.orgs.org_revoke"],
    "enter a League cadre": ["modules.league.orgs.cadre_add"],
    "export the League organisations": ["modules.league.exports.orgs_export"],
    "end a League cadre's post": ["modules.league.orgs.cadre_end"],
    "propose a League status change": ["modules.league.status.status_propose"],
    "decide a League status change": ["modules.league.status.status_decide"],
    "remit dues": ["modules.league.remit.remittance_create"],
    "confirm a remittance": ["modules.league.remit.remittance_confirm"],
    "export the remittances": ["modules.league.exports.remittances_export"],
    "record a use of dues": ["modules.league.remit.dues_use_record"],
    "export the uses of dues": ["modules.league.exports.dues_uses_export"],
    "export the League statistics": ["modules.league.exports.stats_export"],
    "create a League activity": ["modules.league.activities.activity_create"],
    "publish a League activity": ["modules.league.activities.activity_publish"],
    "edit a League activity's draft": ["modules.league.activities.activity_update"],
    "delete a League activity's draft": ["modules.league.activities.activity_delete"],
    "sign up for a League activity": ["modules.league.activities.activity_signup"],
    "cancel a League activity sign-up": ["modules.league.activities.activity_signup_cancel"],
    "record a League activity held": ["modules.league.activities.activity_hold"],
    "record a League activity's attendance": ["modules.league.activities.attendance_record"],
    "summarise a League activity": ["modules.league.activities.activity_summary"],
    "close a League activity": ["modules.league.activities.activity_close"],
    "export the League activities": ["modules.league.exports.activities_export"],
    "export the League transfers": ["modules.league.exports.transfers_export"],
    "review a member's edit": ["modules.league.services.member_edit_decide"],
    "approve a transfer": ["modules.league.services.transfer_approve"],
    "return a transfer": ["modules.league.services.transfer_return"],
    "withdraw a transfer": ["modules.league.services.transfer_withdraw"],
    "refuse a petition by rank": ["modules.discipline.services.upward_report_open"],
    "send an upward report": ["modules.discipline.services.upward_report_done"],
    "decide a petition": ["modules.discipline.services.petition_decide"],
    "record an acceptance notice": ["modules.discipline.services.petition_notice_record"],
    "close a petition": ["modules.discipline.services.petition_close"],
    "recuse from a petition": ["modules.discipline.recusal_services.recusal_declare"],
    "record a petition feedback": ["modules.discipline.services.petition_feedback_record"],
    "export the petitions": ["modules.discipline.exports.petition_export"],
    "register a clue": ["modules.discipline.services._clue_register"],
    "propose a clue's assignment": ["modules.discipline.services.clue_assign"],
    "approve a clue's assignment": ["modules.discipline.services.clue_approve"],
    "dispose of a clue": ["modules.discipline.services.clue_dispose"],
    "sign a clue's disposal": ["modules.discipline.services.clue_sign"],
    "conclude a clue": ["modules.discipline.services.clue_conclude"],
    "report on a clue": ["modules.discipline.clue_report_services.clue_report_submit"],
    "ask a clue's extension": ["modules.discipline.clue_report_services.clue_extension_request"],
    "decide a clue's extension": ["modules.discipline.clue_report_services.clue_extension_decide"],
    "export the clues": ["modules.discipline.exports.clue_export"],
    "propose a case": ["modules.discipline.case_services._case_register"],
    **{name: [f"modules.discipline.case_services.{service}"] for name, service in (
        ("approve a case's filing", "case_approve"), ("file a case", "case_file"),
        ("transfer a case to review", "case_transfer_review"), ("review a case", "case_review"),
        ("decide a case", "case_decide"), ("execute a case", "case_execute"), ("register an appeal", "appeal_register"),
        ("decide an appeal", "appeal_decide"))},
    "export the cases": ["modules.discipline.exports.case_export"],
    "export to the internal network": ["modules.discipline.export_services.discipline_export"],
    "confirm an export package": ["modules.discipline.export_services.export_package_confirm"],
    "download an export package": ["modules.discipline.export_services.export_package_download"],
    "export the export packages' ledger": ["modules.discipline.export_services.package_ledger_export"],
    "import an export package": ["modules.discipline.export_services.discipline_import"],
    "refuse an uploaded package": ["modules.discipline.export_services._import_refused"],
    **{name: [f"modules.discipline.followup_services.{service}"] for name, service in (
        ("record a rectification", "rectification_record"), ("revisit a rectification", "rectification_revisit"),
        ("close a rectification", "rectification_close"), ("file an absence", "absence_file"),
        ("approve an absence", "absence_approve"), ("extend an absence", "absence_extend"),
        ("return from an absence", "absence_return"))},
    "export the rectifications": ["modules.discipline.exports.rectification_export"],
    "export the absences": ["modules.discipline.exports.absence_export"],
    "record a conduct matter": ["modules.discipline.followup_services._conduct_record"],
    "report a conduct matter": ["modules.discipline.followup_services.conduct_report"],
    "export the conduct records": ["modules.discipline.exports.conduct_export"],
    "export the rooms' statistics": ["modules.discipline.exports.stats_export"],
    "draft a requirement": ["modules.labor.services.ticket_draft"],
    "update a requirement": ["modules.labor.services.ticket_update"],
    **{f"requirement step {stage}": [f"modules.labor.services.{service}"] for stage, service in (
        ("submit", "ticket_submit"), ("sign", "ticket_sign"), ("review", "ticket_review"), ("intake", "ticket_intake"),
        ("assess", "ticket_assess"), ("schedule", "ticket_schedule"), ("develop", "ticket_develop"),
        ("internal_test", "ticket_internal_test"), ("centre_test", "ticket_business_test"),
        ("plan", "ticket_release_plan"), ("release", "ticket_release"))},
    "export the requirement ledger": ["modules.labor.exports.ledger_export"],
    "print a requirement": ["modules.labor.exports.ticket_pdf_export"],
    "enter a service record": ["modules.veterans.services.record_enter"],
    "correct a service record": ["modules.veterans.services.record_update"],
    "export the service records": ["modules.veterans.exports.record_export"],
    "print a volunteer certificate": ["modules.veterans.exports.certificate_pdf"],
    "export the sign-ups": ["core.community.exports.activity_signups_export"],
    "export the dashboard": ["core.console.exports.dashboard_export"],
    "disable a selection": ["core.people.batch.account_disable_batch"],
    "export a selection": ["core.people.batch.account_selection_export"],
    "invite an import's members": ["core.people.recovery.import_activation_invite"],
    "add a column": ["core.publish.services.column_create"],
    "update a column": ["core.publish.services.column_update"],
    "set a column's managers": ["core.publish.services.column_managers_set"],
    "link an interaction column's boards": ["core.publish.services.column_boards_set"],
    "set a column's review levels": ["core.publish.services.column_levels_set"],
    "merge a column": ["core.publish.services.column_merge"],
    "re-assign a column": ["core.publish.services.column_reassign"],
    "save a post": ["core.publish.services.post_save"],
    "send a post for review": ["core.publish.services.post_submit"],
    "approve a post": ["core.publish.services.post_review"],
    "reject a post": ["core.publish.services.post_review"],
    "publish a post": ["core.publish.services.post_review"],
    "withdraw a post": ["core.publish.services.post_withdraw"],
    "print an approval sheet": ["core.publish.exports.approval_pdf_export"],
    "export the column health": ["core.publish.exports.column_health_export"],
    "add a sensitive word": ["core.publish.services.word_add"],
    "remove a sensitive word": ["core.publish.services.word_remove"],
    "create a ticket board": ["core.tickets.services.board_create"],
    "update a ticket board": ["core.tickets.services.board_update"],
    "file a ticket": ["core.tickets.services.ticket_file"],
    "sign a ticket": ["core.tickets.services.ticket_sign"],
    "handle a ticket": ["core.tickets.services.ticket_progress"],
    "return a ticket": ["core.tickets.services.ticket_return"],
    "decide a ticket return": ["core.tickets.services.ticket_return_decide"],
    "ask to extend a ticket": ["core.tickets.services.ticket_extend"],
    "decide a ticket extension": ["core.tickets.services.ticket_extend_decide"],
    "answer a ticket": ["core.tickets.services.ticket_answer"],
    "rate a ticket": ["core.tickets.services.ticket_rate"],
    "merge a ticket": ["core.tickets.services.ticket_merge"],
    "export the ticket report": ["core.tickets.exports.ticket_report_export"],
    "print the ticket report": ["core.tickets.exports.ticket_report_pdf_export"],
    "plan an inspection": ["core.supervision.services.inspection_plan"],
    "close an inspection": ["core.supervision.services.inspection_close"],
    "record a finding": ["core.supervision.services.finding_record"],
    "update a finding": ["core.supervision.services.finding_update"],
    "remove a finding": ["core.supervision.services.finding_remove"],
    "issue a rectification notice": ["core.supervision.services.notice_issue"],
    "answer a rectification": ["core.supervision.services.rectification_answer"],
    "accept a rectification": ["core.supervision.services.rectification_decide"],
    "draw a sample": ["core.supervision.services.sample_draw"],
    "check a sampled record": ["core.supervision.services.sample_check"],
    "export the accuracy table": ["core.supervision.exports.accuracy_export"],
    "print an inspection": ["core.supervision.exports.inspection_pdf_export"],
    "export the usage statistics": ["core.supervision.exports.usage_export"],
    "print the usage statistics": ["core.supervision.exports.usage_pdf_export"],
    "export the assessment": ["core.supervision.exports.assessment_export"],
}


@pytest.mark.parametrize("name, before, step, action, outcome", CASES, ids=[c[0] for c in CASES])
def test_each_auditable_action_leaves_exactly_one_event(world, name, before, step, action, outcome):
    for prepare in before:
        prepare(world)
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    with calls() as ran:
        step(world)
    missed = [s for s in COVERS.get(name, []) if f"fenji.{s}" not in ran]
    assert not missed, f"the step ran {ran}, not {missed}"
    new = list(AuditEvent.objects.filter(seq__gt=last).values_list("action", "outcome"))
    # a grant made for the test (make_account with a role) is set-up, not the step: count only matching kinds
    assert new.count((action, outcome)) == 1, new
    assert len([e for e in new if e[0] == action]) == 1, new


def test_events_carry_the_required_fields(world):
    login_ok(world)
    event = AuditEvent.objects.filter(action="people.login", outcome="ok").latest("seq")
    assert event.at.utcoffset() is not None or event.at.tzinfo is not None
    assert event.actor_id == world["member"].pk and event.actor_unit_path == world["tree"].town.path
    assert event.client_ip == "127.0.0.1" and len(event.request_id) == 32 and event.channel == "mobile"
    assert event.target_type == "people.account" and event.target_id == str(world["member"].pk)


def test_every_service_has_a_case():
    """A new ``@service`` (core or module) needs a case above that runs it and checks its audit event."""
    covered = {f"fenji.{name}" for names in COVERS.values() for name in names}
    assert set(COVERS) <= {case[0] for case in CASES}
    missing = sorted(registered_services() - covered)
    assert not missing, f"add an audit-coverage case (CASES and COVERS) for: {missing}"
