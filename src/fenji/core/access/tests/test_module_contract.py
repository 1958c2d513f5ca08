"""The built-in roles through the module contract: each app contributes its own codes, the sets stay as they
were; a module's actions are refused while the profile leaves it dark; a profile may widen a role."""

import re
from pathlib import Path

import pytest

from fenji.core.access import policy, rules
from fenji.core.access.checks import as_under
from fenji.core.access.models import Grant
from fenji.core.access.roles import BUILTIN_ROLES, CORE_ROLES, CUSTOM, STAFF, SYSTEM_ADMIN, owner_of
from fenji.core.access.services import RuleViolation, grant_create
from fenji.core.kernel import modules
from fenji.core.kernel.errors import AccessDenied
from fenji.testing import actor, make_account

# The built-in roles' action sets as ``access/roles.py`` wrote them out literally before each app contributed
# its own codes (commit 82556aa). They must resolve to exactly these under the default profile.
ROLE_ACTIONS = {
    "system_admin": {"access.registry.view", "calendar.day.manage", "calendar.day.view", "ops.maintenance.manage",
                     "ops.maintenance.view", "org.unit.create", "org.unit.move", "org.unit.revoke", "org.unit.update",
                     "org.unit.view", "people.account.disable", "people.account.open", "people.account.update",
                     "people.account.view", "people.person.unmask", "notify.alert.manage",
                     "community.opinion.handle", "league.org.view"},
    "security_admin": {"access.grant.create", "access.grant.review", "access.grant.revoke", "access.grant.view",
                       "access.registry.view", "access.role.manage", "access.role.view", "access.token.manage",
                       "org.unit.view", "people.account.view", "people.session.manage", "publish.word.manage", "seals.key.manage",
                       "workflow.report.acknowledge", "workflow.request.view"},
    "auditor": {"access.grant.view", "access.registry.view", "access.role.view", "audit.event.view", "org.unit.view",
                "people.account.view", "workflow.request.view"},
    "account_admin": {"access.registry.view", "org.unit.view", "people.account.disable", "people.account.open",
                      "people.account.update", "people.account.view", "people.person.unmask",
                      "workflow.request.view"},
    "permission_admin": {"access.grant.create", "access.grant.review", "access.grant.revoke", "access.grant.view",
                         "access.registry.view", "access.role.view", "org.unit.view", "people.account.view",
                         "workflow.request.view"},
    "operator": {"supervision.inspection.view", "supervision.rectification.answer", "tickets.ticket.handle", "tickets.ticket.view", "dispatch.delivery.handle", "files.attachment.upload", "files.attachment.view", "org.unit.view",
                 "submissions.submission.draft", "workflow.request.file"},
    "staff": {"discipline.learning.view", "supervision.inspection.view", "supervision.rectification.answer", "tickets.ticket.handle", "tickets.ticket.view", "calendar.day.view", "community.activity.manage", "community.feedback.handle", "dispatch.delivery.handle", "files.attachment.upload", "files.attachment.view",
              "org.unit.view", "publish.post.draft", "publish.post.review_first", "submissions.submission.draft",
              "workflow.request.file"},
    "dept_head": {"discipline.learning.view", "supervision.inspection.view", "supervision.inspection.manage", "supervision.rectification.answer", "tickets.board.manage", "tickets.ticket.handle", "tickets.ticket.oversee", "tickets.ticket.view",
                  "calendar.day.view", "community.activity.manage", "community.feedback.handle",
                  "community.notice.send", "dispatch.delivery.handle", "dispatch.dispatch.send", "files.attachment.upload",
                  "files.attachment.view", "org.unit.view", "people.account.view", "publish.column.manage",
                  "publish.post.draft", "publish.post.review_first", "publish.post.review_second",
                  "publish.post.withdraw", "submissions.submission.draft",
                  "submissions.submission.handle", "workflow.request.endorse", "workflow.request.file",
                  "workflow.request.view", "office.duty.view", "office.register.view", "veterans.elder.view",
                  "veterans.record.view", "labor.ticket.view", "labor.ticket.sign"},
    "unit_leader": {"discipline.clue.approve", "discipline.clue.view", "discipline.case.approve", "discipline.case.view",
                    "discipline.absence.approve", "discipline.absence.view", "discipline.stats.view", "discipline.learning.view", "league.org.view", "supervision.inspection.view", "supervision.inspection.manage", "supervision.rectification.answer", "tickets.board.manage", "tickets.ticket.handle", "tickets.ticket.oversee", "tickets.ticket.view",
                    "calendar.day.view", "community.activity.manage", "community.feedback.handle",
                    "community.notice.send", "dispatch.delivery.handle", "dispatch.dispatch.send",
                    "files.attachment.upload", "files.attachment.view", "org.unit.view", "people.account.view",
                    "publish.column.manage", "publish.post.draft", "publish.post.review_final", "publish.post.withdraw",
                    "seals.seal.apply", "submissions.submission.draft", "submissions.submission.handle",
                    "workflow.request.approve", "workflow.request.view", "office.duty.view", "office.media.view",
                    "office.register.view", "veterans.elder.view", "veterans.record.view", "labor.ticket.view",
                    "labor.ticket.sign"},
}
ROLE_DELEGATES = {
    "security_admin": {"system_admin", "security_admin", "auditor", "account_admin", "permission_admin", "operator",
                       "staff", "dept_head", "unit_leader", CUSTOM},
    "permission_admin": {"permission_admin", "operator", "staff", "dept_head", "unit_leader", CUSTOM},
}


@pytest.mark.parametrize("code", sorted(ROLE_ACTIONS))
def test_the_built_in_roles_resolve_to_the_sets_they_always_had(code):
    role = CORE_ROLES[code]
    assert role.actions == ROLE_ACTIONS[code]
    core_delegates = {d for d in role.delegates if owner_of(d) is None}
    assert core_delegates == ROLE_DELEGATES.get(code, set())


def test_access_names_only_its_own_action_codes():
    """The roles take the upper apps' codes from those apps' declarations, not from literals in access."""
    source = "\n".join(path.read_text() for path in Path(policy.__file__).parent.glob("*.py"))
    found = set(re.findall(r'"((?:org|people|dispatch|files|submissions|seals|workflow|ops|calendar)\.[a-z_]+\.[a-z_]+)"', source))
    assert found == set()


def test_the_module_roles_are_offered_to_those_who_grant_business_roles():
    assert BUILTIN_ROLES["league_cadre"].label == "团干部"
    assert CORE_ROLES["security_admin"].may_delegate(BUILTIN_ROLES["league_cadre"])
    assert CORE_ROLES["permission_admin"].may_delegate(BUILTIN_ROLES["petition_officer"])
    assert not CORE_ROLES["system_admin"].may_delegate(BUILTIN_ROLES["league_cadre"])


# --- liveness ------------------------------------------------------------------------------------


def test_a_dark_module_refuses_its_actions_and_keeps_its_grants(tree, settings):
    cadre = make_account(tree.city, name="团干部")
    grant_create(actor=policy.SYSTEM, account=cadre, role="league_cadre", unit=tree.city)
    assert policy.can(actor(cadre), "league.member.manage", tree.town.path)  # default: every module live

    settings.FENJI_PROFILE = "veterans"
    assert not policy.can(actor(cadre), "league.member.manage", tree.town.path)
    assert not policy.can(actor(cadre), "org.unit.view", tree.town.path)  # the dark module's role gives nothing
    clerk = make_account(tree.city, name="工作人员", role=STAFF)
    assert policy.can(actor(clerk), "org.unit.view", tree.town.path)  # the core's roles and actions stay
    with pytest.raises(AccessDenied) as refused:
        policy.require(actor(cadre), "league.member.manage", tree.town.path)
    assert refused.value.rule == "module_not_live" and "未启用" in str(refused.value)
    assert Grant.objects.unscoped(reason="test").filter(account=cadre, role="league_cadre",
                                                        revoked_at__isnull=True).exists()

    settings.FENJI_PROFILE = "league"  # switching back: the grant works again, nothing was lost
    assert policy.can(actor(cadre), "league.member.manage", tree.town.path)


# --- a profile widens a role (seed 000 §6) -------------------------------------------------------


def test_under_veterans_a_system_admin_grants_a_lower_administrator(tree, settings):
    settings.FENJI_PROFILE = "veterans"
    city_admin = make_account(tree.city, name="南京老干部局管理员", role=SYSTEM_ADMIN)
    county_clerk = make_account(tree.county, name="玄武老干部局干部")
    made = grant_create(actor=actor(city_admin), account=county_clerk, role="system_admin", unit=tree.county)
    assert made.granted_by_id == city_admin.pk
    assert policy.can(actor(county_clerk), "org.unit.create", tree.town.path)
    worker = make_account(tree.county, name="玄武工作人员")
    grant_create(actor=actor(county_clerk), account=worker, role="veterans_worker", unit=tree.county)
    assert policy.can(actor(worker), "veterans.visit.record", tree.county.path)


def test_under_default_the_same_grant_is_refused_by_sanyuan(tree, settings):
    settings.FENJI_PROFILE = "default"
    city_admin = make_account(tree.city, name="南京系统管理员", role=SYSTEM_ADMIN)
    county_clerk = make_account(tree.county, name="玄武干部")
    with pytest.raises(AccessDenied) as refused:
        grant_create(actor=actor(city_admin), account=county_clerk, role="system_admin", unit=tree.county)
    assert refused.value.rule == "no_grant"
    assert not Grant.objects.unscoped(reason="test").filter(account=county_clerk).exists()
    # 三员 is why: a system administrator widened as seed 000 does it would carry two of its duties.
    default = rules.rules_by_profile()["default"]
    widened = as_under(SYSTEM_ADMIN, rules.DutyRules("widened", widen=(rules.SYSTEM_ADMIN_CONFIGURES_PERMISSIONS,)))
    assert {d.code for d in rules.SANYUAN.carried_by(widened)} == {"system", "security"}
    assert rules.SANYUAN in default.exclusive


def test_under_veterans_the_audit_stays_apart(tree, settings):
    settings.FENJI_PROFILE = "veterans"
    admin = make_account(tree.city, name="南京管理员", role=SYSTEM_ADMIN)
    with pytest.raises(RuleViolation) as refused:
        grant_create(actor=policy.SYSTEM, account=admin, role="auditor", unit=tree.city)
    assert refused.value.rule == "exclusive:audit_apart"


def test_a_widening_that_breaks_the_profile_rules_fails_the_check(settings):
    from fenji.core.access import checks
    from fenji.core.kernel import profiles

    broken = profiles.Profile(name="broken", display_name="错误方案", modules=(), duty_rules=rules.DutyRules(
        "broken", (rules.SANYUAN,), widen=(rules.SYSTEM_ADMIN_CONFIGURES_PERMISSIONS,)))
    profiles.register(broken)
    try:
        errors = checks.roles_are_consistent(None)
    finally:
        profiles._profiles.pop("broken")
    assert [e.id for e in errors] == ["fenji.E004"] and "broken" in errors[0].msg


def test_a_module_contributes_duty_rules_to_its_profile(settings):
    settings.FENJI_PROFILE = "veterans"
    assert "veterans_worker" in CORE_ROLES["system_admin"].delegates  # the veterans module's contribution
    settings.FENJI_PROFILE = "default"
    assert "veterans_worker" not in CORE_ROLES["system_admin"].delegates
    assert modules.get("veterans").duty_rules["veterans"]


def test_a_dark_module_roles_are_not_offered(db, settings):
    from fenji.core.access.selectors import role_list

    assert "league_cadre" in {role.code for role in role_list()[0]}
    settings.FENJI_PROFILE = "veterans"
    offered = {role.code for role in role_list()[0]}
    assert "league_cadre" not in offered and {"veterans_worker", "staff", "security_admin"} <= offered
