"""Built-in roles: each bundles the actions of one duty (plus read-only actions) and names the roles
its holders may delegate. Business roles beyond these are rows of ``access.models.Role``.

"Nobody grants an action they do not hold" is read as: nobody grants outside what their own grant
lets them delegate. 三员 makes the literal reading impossible — the security administrator assigns
the system administrator's actions without holding them — so each role states what it may hand on
(ADR 0006), and a grant never reaches further, wider or longer than the grant it is made under.
"""

from dataclasses import dataclass

from .registry import Duty

ORG_VIEW = "org.unit.view"
ORG_WRITE = ("org.unit.create", "org.unit.update", "org.unit.move", "org.unit.revoke")
ACCOUNT_VIEW = "people.account.view"
ACCOUNT_WRITE = ("people.account.open", "people.account.update", "people.account.disable")
PERSON_UNMASK = "people.person.unmask"  # full ID and mobile numbers, audited
GRANT_READ = ("access.grant.view", "access.role.view", "access.registry.view")
GRANT_WRITE = ("access.grant.create", "access.grant.revoke")
# Requests (fenji.core.workflow declares these codes; the workflow sits above access in the layers).
REQUEST_FILE = "workflow.request.file"
REQUEST_VIEW = "workflow.request.view"
REQUEST_ENDORSE = "workflow.request.endorse"
REQUEST_APPROVE = "workflow.request.approve"
REPORT_ACKNOWLEDGE = "workflow.report.acknowledge"
CUSTOM = "*business*"  # in ``delegates``: any business role defined as data


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    duty: Duty
    actions: frozenset[str]
    delegates: frozenset[str] = frozenset()
    builtin: bool = True
    subsystem: str = ""

    @property
    def is_admin(self) -> bool:
        return self.duty in (Duty.SYSTEM, Duty.SECURITY, Duty.AUDIT)

    def may_delegate(self, role: "Role") -> bool:
        if role.code in self.delegates:
            return True
        return CUSTOM in self.delegates and not role.builtin and role.duty == Duty.BUSINESS


def _role(code, label, duty, actions, delegates=()):
    return Role(code, label, duty, frozenset(actions), frozenset(delegates))


SYSTEM_ADMIN = _role("system_admin", "系统管理员", Duty.SYSTEM,
                     (ORG_VIEW, *ORG_WRITE, ACCOUNT_VIEW, *ACCOUNT_WRITE, PERSON_UNMASK, "access.registry.view",
                      "ops.maintenance.view", "ops.maintenance.manage",
                      "calendar.day.view", "calendar.day.manage"))
SECURITY_ADMIN = _role("security_admin", "安全保密管理员", Duty.SECURITY,
                       (ORG_VIEW, ACCOUNT_VIEW, *GRANT_READ, *GRANT_WRITE, "access.role.manage",
                        "access.token.manage", "access.grant.review", REQUEST_VIEW, REPORT_ACKNOWLEDGE,
                        "seals.key.manage"),
                       ("system_admin", "security_admin", "auditor", "account_admin", "permission_admin",
                        "operator", "staff", "dept_head", "unit_leader", CUSTOM))
AUDITOR = _role("auditor", "安全审计员", Duty.AUDIT,
                (ORG_VIEW, ACCOUNT_VIEW, *GRANT_READ, "audit.event.view", REQUEST_VIEW))
ACCOUNT_ADMIN = _role("account_admin", "账户管理员", Duty.SYSTEM,
                      (ORG_VIEW, ACCOUNT_VIEW, *ACCOUNT_WRITE, PERSON_UNMASK, "access.registry.view", REQUEST_VIEW))
PERMISSION_ADMIN = _role("permission_admin", "权限管理员", Duty.SECURITY,
                         (ORG_VIEW, ACCOUNT_VIEW, *GRANT_READ, *GRANT_WRITE, "access.grant.review", REQUEST_VIEW),
                         ("permission_admin", "operator", "staff", "dept_head", "unit_leader", CUSTOM))
OPERATOR = _role("operator", "操作员", Duty.BUSINESS, (ORG_VIEW, REQUEST_FILE, "dispatch.delivery.handle",
                                                      "files.attachment.view", "files.attachment.upload",
                                                      "submissions.submission.draft"))
STAFF = _role("staff", "工作人员", Duty.BUSINESS,
              (ORG_VIEW, "calendar.day.view", REQUEST_FILE, "dispatch.delivery.handle", "files.attachment.view",
               "files.attachment.upload", "submissions.submission.draft"))
# The two signatures on seed 004's forms: the requesting department's opinion, the unit leader's.
DEPT_HEAD = _role("dept_head", "部门负责人", Duty.BUSINESS,
                  (ORG_VIEW, ACCOUNT_VIEW, "calendar.day.view", REQUEST_FILE, REQUEST_VIEW, REQUEST_ENDORSE,
                   "dispatch.dispatch.send", "dispatch.delivery.handle", "files.attachment.view",
                   "files.attachment.upload", "submissions.submission.draft", "submissions.submission.handle"))
UNIT_LEADER = _role("unit_leader", "单位分管领导", Duty.BUSINESS,
                    (ORG_VIEW, ACCOUNT_VIEW, "calendar.day.view", REQUEST_VIEW, REQUEST_APPROVE,
                     "dispatch.dispatch.send", "dispatch.delivery.handle", "files.attachment.view",
                     "files.attachment.upload", "submissions.submission.draft", "submissions.submission.handle",
                     "seals.seal.apply"))

BUILTIN_ROLES = {r.code: r for r in (SYSTEM_ADMIN, SECURITY_ADMIN, AUDITOR, ACCOUNT_ADMIN, PERMISSION_ADMIN,
                                     OPERATOR, STAFF, DEPT_HEAD, UNIT_LEADER)}
