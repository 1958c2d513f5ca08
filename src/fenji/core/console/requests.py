"""The built-in request types: seed 004's two forms (C4.1), the administrator appointment report
(C3.3) and the grant clean-up after a duty change (C2.5).

Form 2 (操作员账户权限申请表): the operator's department files, its head signs the department's
opinion, the unit leader signs the unit's, then the same-level account administrator and permission
administrator carry it out. Form 1 (管理员账户权限申请表): the same two signatures; a county's
request is then carried out by the prefecture's administrators within 3 working days.

Each executing step runs the ordinary service (``account_open``, ``grant_create``, ``grant_revoke``,
``account_set_status``) as the administrator who decides the step, so every duty rule and
delegation envelope applies unchanged: an administrator outside them is refused with the rule's
message, and the refusal undoes the decision.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.access import permissions as access_perms
from fenji.core.access import policy
from fenji.core.access import selectors as access_selectors
from fenji.core.access.models import Grant, Reach
from fenji.core.access.models import Role as RoleRow
from fenji.core.access.registry import Duty
from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.access.roles import is_live as role_is_live
from fenji.core.access.services import RuleViolation, grant_create, grant_revoke
from fenji.core.kernel import modules
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.forms import Form
from fenji.core.people import permissions as perms
from fenji.core.people.identity import clean_mobile, parse_id_number
from fenji.core.people.models import Account, AccountKind, AccountStatus
from fenji.core.people.services import account_open, account_set_status, unrevoked_grants
from fenji.core.workflow import permissions as wf_perms
from fenji.core.workflow.models import Step
from fenji.core.workflow.registry import PARENT, RequestType, StepSpec, register

GROUP_OPERATOR = _("操作员账户权限申请（附件2）")
GROUP_ADMIN = _("管理员账户权限申请（附件1）")
GROUP_OTHER = _("其他")

ADMIN_ROLES = ("account_admin", "permission_admin")
STATUS_LABELS = {
    "retired": "退休退职", "transferred": "调离工作岗位", "leave": "脱岗3个月以上",
    "investigation": "接受调查", "other": "其他影响正常履职的情况",
}


# ---- forms -------------------------------------------------------------------------------------

class RequestForm(Form):
    """A request form knows who fills it in and for which unit (the requester's own)."""

    requirement = forms.CharField(label=_("具体要求"), max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data=None, *, actor, unit, **kwargs):
        super().__init__(data, **kwargs)
        self.actor, self.unit = actor, unit
        self.order_fields([name for name in self.fields if name != "requirement"] + ["requirement"])

    def accounts_below(self):
        """Active staff accounts of the requesting unit itself (named, mobile masked): a department files
        for its own people, and filing needs no right to browse the accounts below."""
        queryset = (Account.objects.unscoped(reason="a request form offers the requesting unit's own staff")
                    .filter(unit_id=self.unit.pk, kind=AccountKind.STAFF,
                            status=AccountStatus.ACTIVE).select_related("person", "unit").order_by("unit_path", "id"))
        return [(a.pk, f"{a.person.real_name}（{a.mobile_masked}）· {a.unit.name}") for a in queryset[:500]]

    def role_label(self, code: str) -> str:
        role = policy.role_for(code)
        return role.label if role else code

    def labelled(self, data: dict, category: str) -> dict:
        """The cleaned data plus what lists, the ledger and the printed form show without a query:
        the form's category (新增/注销/修改/报备) and the chosen role's and account's labels."""
        data["category"] = category
        if data.get("role"):
            data["role_label"] = self.role_label(data["role"])
        if "account" in self.fields and data.get("account") is not None:
            data["account_label"] = dict(self.fields["account"].choices).get(data["account"], "")
        return data


class OneSubsystem:
    """Form 2 is filed per subsystem (附件2 说明1: 相同的子系统用户才能共用一张表，否则请另表填写): the form
    names the subsystem (子系统名称, printed at its head) while live modules declare subsystems, and the
    role it asks for or takes back may not belong to another one. A role of a subsystem names it when
    the field is left blank; a role of none (操作员) fits any form."""

    def add_subsystem(self) -> None:
        choices = access_selectors.subsystem_choices()
        if choices:
            self.fields["subsystem"] = forms.ChoiceField(
                label=_("子系统名称"), required=False, choices=[("", _("请选择子系统"))] + choices,
                help_text=_("相同的子系统用户才能共用一张表，否则请另表填写"))
            self.order_fields(["subsystem"] + [name for name in self.fields if name != "subsystem"])

    def one_subsystem(self, data: dict) -> dict:
        role = policy.role_for(data["role"]) if data.get("role") else None
        own = role.subsystem if role is not None else ""
        named = data.get("subsystem", "")
        if own and named and own != named:
            # the regulation's rule, not a slip of the form: refused and recorded like the other rules
            raise RuleViolation(
                f"一张操作员账户权限申请表只能填写一个子系统：本表的子系统是“{modules.subsystem_label(named)}”，"
                f"岗位角色“{role.label}”属于“{modules.subsystem_label(own)}”子系统。相同的子系统用户才能共用一张表，"
                f"请另表填写", rule="form_one_subsystem", action=wf_perms.REQUEST_FILE)
        if own and "subsystem" in self.fields:
            data["subsystem"] = own
        if data.get("subsystem"):
            data["subsystem_label"] = modules.subsystem_label(data["subsystem"])  # shown as it was filed
        return data


def _business_roles() -> list[tuple[str, str]]:
    builtin = [(code, role.label) for code, role in BUILTIN_ROLES.items()
               if role.duty == Duty.BUSINESS and code != "staff" and role_is_live(code)]
    custom = [(row.code, row.label) for row in RoleRow.objects.filter(archived_at__isnull=True).order_by("code")]
    return builtin + custom


class NewPersonForm(RequestForm):
    real_name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    mobile = forms.CharField(label=_("联系方式（手机号码）"), max_length=20)
    title = forms.CharField(label=_("岗位名称"), max_length=50)
    role = forms.ChoiceField(label=_("岗位角色"))

    def clean_id_number(self):
        try:
            return parse_id_number(self.cleaned_data["id_number"]).number
        except DomainError as error:
            raise forms.ValidationError(error.message) from None

    def clean_mobile(self):
        try:
            return clean_mobile(self.cleaned_data["mobile"])
        except DomainError as error:
            raise forms.ValidationError(error.message) from None

    def clean(self):
        return self.labelled(super().clean(), "新增")


class OperatorOpenForm(OneSubsystem, NewPersonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _business_roles()
        self.add_subsystem()

    def clean(self):
        return self.one_subsystem(super().clean())


class AdminOpenForm(NewPersonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(code, BUILTIN_ROLES[code].label) for code in ADMIN_ROLES]


class PermissionGrantForm(OneSubsystem, RequestForm):
    account = forms.TypedChoiceField(label=_("人员"), coerce=int)
    role = forms.ChoiceField(label=_("岗位角色"))
    reach = forms.ChoiceField(label=_("授权范围"), choices=Reach.choices, initial=Reach.UNIT)
    admin = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = self.accounts_below()
        self.fields["role"].choices = ([(c, BUILTIN_ROLES[c].label) for c in ADMIN_ROLES] if self.admin
                                       else _business_roles())
        if not self.admin:
            self.add_subsystem()

    def clean(self):
        data = self.labelled(super().clean(), "修改")
        return data if self.admin else self.one_subsystem(data)


class AdminGrantForm(PermissionGrantForm):
    admin = True


class PermissionRevokeForm(OneSubsystem, RequestForm):
    grant = forms.TypedChoiceField(label=_("收回的岗位权限"), coerce=int)
    admin = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        grants = (Grant.objects.unscoped(reason="a request form offers the requesting unit's own grants")
                  .filter(account__unit_id=self.unit.pk, revoked_at__isnull=True)
                  .select_related("account__person", "unit").order_by("unit_path", "id"))
        wanted = set(ADMIN_ROLES) if self.admin else {c for c, _label in _business_roles()}
        self.fields["grant"].choices = [
            (g.pk, f"{g.account.person.real_name} · {self.role_label(g.role)} · {g.unit.name}")
            for g in grants[:500] if g.role in wanted]
        if not self.admin:
            self.add_subsystem()

    def clean(self):
        data = super().clean()
        data["category"] = "注销"
        grant = Grant.objects.unscoped(reason="the grant chosen on the form").filter(pk=data.get("grant")).first()
        if grant is not None:
            data["account"] = grant.account_id
            data["role"] = grant.role
            data["role_label"] = self.role_label(grant.role)
            data["account_label"] = dict(self.fields["grant"].choices).get(grant.pk, "")
        return data if self.admin else self.one_subsystem(data)


class AdminRevokeForm(PermissionRevokeForm):
    admin = True


class AccountCancelForm(RequestForm):
    account = forms.TypedChoiceField(label=_("注销账户的人员"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = self.accounts_below()

    def clean(self):
        return self.labelled(super().clean(), "注销")


class AppointmentReportForm(RequestForm):
    account = forms.TypedChoiceField(label=_("任命的管理员"), coerce=int)
    role = forms.ChoiceField(label=_("管理员角色"))
    document = forms.CharField(label=_("任命文件文号"), max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = self.accounts_below()
        self.fields["role"].choices = [(c, r.label) for c, r in BUILTIN_ROLES.items() if r.is_admin]

    def clean(self):
        return self.labelled(super().clean(), "报备")


class DutyChangeForm(RequestForm):
    account = forms.TypedChoiceField(label=_("人员"), coerce=int)
    status = forms.ChoiceField(label=_("变动情况"), choices=list(STATUS_LABELS.items()))
    note = forms.CharField(label=_("说明"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = self.accounts_below()

    def clean(self):
        return self.labelled(super().clean(), "注销")


# ---- what the executing steps run -----------------------------------------------------------

def _account(pk) -> Account:
    account = Account.objects.unscoped(reason="the account named on an approved request").filter(pk=pk).first()
    if account is None:
        raise DomainError("申请涉及的账号不存在")
    return account


def _approver(request):
    """Who signed the unit's opinion: recorded on the grant as its approver."""
    step = Step.objects.unscoped(reason="the request's approval").filter(request=request, code="leader").first()
    return step.decided_by if step else None


def _open_account(*, actor, request, payload) -> str:
    account, _password = account_open(
        actor=actor, unit=request.unit, real_name=payload["real_name"], mobile=payload["mobile"],
        kind=AccountKind.STAFF, id_number=payload["id_number"], title=payload.get("title", ""))
    request.subject_id = account.pk
    request.save(update_fields=["subject"])
    return f"已开通账号 {account.display_label}，初始密码已短信发送本人"


def _grant(*, actor, request, payload, unit=None) -> str:
    account = _account(request.subject_id or payload.get("account"))
    unit = unit or account.unit
    grant = grant_create(actor=actor, account=account, role=payload["role"], unit=unit,
                         reach=payload.get("reach") or Reach.UNIT, requested_by=request.requester,
                         approved_by=_approver(request))
    return f"已授予{account.person.real_name}“{payload.get('role_label') or grant.role}”（{unit.name}）"


def _revoke(*, actor, request, payload) -> str:
    grant = Grant.objects.unscoped(reason="the grant named on an approved request").filter(
        pk=payload.get("grant")).first()
    if grant is None or grant.revoked_at is not None:
        return "该权限已不在用，无需收回"
    grant_revoke(actor=actor, grant=grant, reason=f"依申请收回（{request.title}）")
    return f"已收回“{payload.get('role_label') or grant.role}”"


def revoke_business_grants(*, actor, account: Account, reason: str) -> list[Grant]:
    """Revoke every live business grant of ``account``; administrator grants need their own form."""
    business, _admin = unrevoked_grants(account)
    return [grant_revoke(actor=actor, grant=grant, reason=reason) for grant in business]


def _revoke_all(*, actor, request, payload) -> str:
    account = _account(request.subject_id or payload.get("account"))
    label = STATUS_LABELS.get(payload.get("status"), "账户注销")
    revoked = revoke_business_grants(actor=actor, account=account, reason=f"{label}，依申请收回业务权限")
    return f"已收回{account.person.real_name}的业务权限 {len(revoked)} 项"


def _disable(*, actor, request, payload) -> str:
    account = _account(request.subject_id or payload.get("account"))
    if account.status == AccountStatus.DISABLED:
        return "账号已停用"
    account_set_status(actor=actor, account=account, active=False, reason=f"依申请注销（{request.title}）")
    return f"已注销（停用）账号 {account.display_label}"


def _acknowledge(*, actor, request, payload) -> str:
    return f"上级单位已备案（任命文号：{payload.get('document', '')}）"


# ---- where steps happen ----------------------------------------------------------------------

def executing_unit(unit):
    """Form 1: a county's administrator requests are carried out by the prefecture (004 §11)."""
    if unit.kind == "county" and unit.parent_id is not None:
        return unit.parent
    return unit


def _only_above_top(unit) -> str:
    return "" if unit.parent_id is not None else "最上级单位没有上级单位可报备"


DEPARTMENT = StepSpec("department", "申请部门意见", wf_perms.REQUEST_ENDORSE, days=2)
LEADER = StepSpec("leader", "所在单位意见（分管领导审签）", wf_perms.REQUEST_APPROVE, days=3)


def _steps(*executing: StepSpec) -> tuple[StepSpec, ...]:
    return (DEPARTMENT, LEADER, *executing)


def _summary(verb: str):
    return lambda p: f"{verb}：{p.get('real_name') or p.get('account_label', '').split('（')[0]}" + (
        f"（{p['role_label']}）" if p.get("role_label") else "")


def _subject(payload) -> int | None:
    return payload.get("account")


REQUEST_TYPES = (
    RequestType(
        "operator.account.open", "新增操作员账户", OperatorOpenForm,
        _steps(StepSpec("account", "账户管理员办理", perms.ACCOUNT_OPEN, days=3, run=_open_account),
               StepSpec("permission", "业务权限管理员办理", access_perms.GRANT_CREATE, days=3, run=_grant)),
        wf_perms.REQUEST_FILE, GROUP_OPERATOR, _summary("新增操作员"), _subject),
    RequestType(
        "operator.permission.grant", "分配或变更操作员岗位权限", PermissionGrantForm,
        _steps(StepSpec("permission", "业务权限管理员办理", access_perms.GRANT_CREATE, days=3, run=_grant)),
        wf_perms.REQUEST_FILE, GROUP_OPERATOR, _summary("分配岗位权限"), _subject),
    RequestType(
        "operator.permission.revoke", "收回操作员岗位权限", PermissionRevokeForm,
        _steps(StepSpec("permission", "业务权限管理员办理", access_perms.GRANT_REVOKE, days=3, run=_revoke)),
        wf_perms.REQUEST_FILE, GROUP_OPERATOR, _summary("收回岗位权限"), _subject),
    RequestType(
        "operator.account.cancel", "注销操作员账户", AccountCancelForm,
        _steps(StepSpec("permission", "业务权限管理员办理", access_perms.GRANT_REVOKE, days=3, run=_revoke_all),
               StepSpec("account", "账户管理员办理", perms.ACCOUNT_DISABLE, days=3, run=_disable)),
        wf_perms.REQUEST_FILE, GROUP_OPERATOR, _summary("注销账户"), _subject),
    RequestType(
        "admin.account.open", "新增账户管理员或权限管理员", AdminOpenForm,
        _steps(StepSpec("account", "账户管理员办理", perms.ACCOUNT_OPEN, days=3, at=executing_unit,
                        run=_open_account),
               StepSpec("permission", "管理员权限办理", access_perms.GRANT_CREATE, days=3, at=executing_unit,
                        run=_grant)),
        wf_perms.REQUEST_FILE, GROUP_ADMIN, _summary("新增管理员"), _subject),
    RequestType(
        "admin.permission.grant", "变更管理员权限", AdminGrantForm,
        _steps(StepSpec("permission", "管理员权限办理", access_perms.GRANT_CREATE, days=3, at=executing_unit,
                        run=_grant)),
        wf_perms.REQUEST_FILE, GROUP_ADMIN, _summary("管理员授权"), _subject),
    RequestType(
        "admin.permission.revoke", "注销管理员权限", AdminRevokeForm,
        _steps(StepSpec("permission", "管理员权限办理", access_perms.GRANT_REVOKE, days=3, at=executing_unit,
                        run=_revoke)),
        wf_perms.REQUEST_FILE, GROUP_ADMIN, _summary("注销管理员权限"), _subject),
    RequestType(
        "admin.appointment.report", "管理员任命报上级备案", AppointmentReportForm,
        (LEADER, StepSpec("acknowledge", "上级单位备案", wf_perms.REPORT_ACKNOWLEDGE, days=5, at=PARENT,
                          run=_acknowledge)),
        wf_perms.REQUEST_FILE, GROUP_OTHER, _summary("管理员任命报备"), _subject, _only_above_top),
    RequestType(
        "staff.duty_change", "人员岗位变动权限清理", DutyChangeForm,
        _steps(StepSpec("permission", "业务权限管理员办理", access_perms.GRANT_REVOKE, days=3, run=_revoke_all)),
        wf_perms.REQUEST_FILE, GROUP_OTHER,
        lambda p: f"{STATUS_LABELS.get(p.get('status'), '岗位变动')}，清理权限：{p.get('account_label', '').split('（')[0]}",
        _subject),
)

def register_all() -> None:
    for request_type in REQUEST_TYPES:
        register(request_type)
