from fenji.core.access.registry import Duty, declare
from fenji.core.kernel.modules import Module, RoleShare, TodoProvider, register

REQUEST_FILE = declare("workflow.request.file", Duty.BUSINESS, "提交申请")
REQUEST_VIEW = declare("workflow.request.view", Duty.BUSINESS, "查看本单位及下级的申请", read_only=True)
# The two opinions on seed 004's forms: the requesting department's, then the unit leader's.
REQUEST_ENDORSE = declare("workflow.request.endorse", Duty.BUSINESS, "签署申请部门意见")
REQUEST_APPROVE = declare("workflow.request.approve", Duty.BUSINESS, "签署所在单位意见（分管领导审批）")
# The two opinions are the requesting unit's own: signed only by accounts whose own unit is the step's
# unit (a superior's grant reaches down for overseeing, not for signing the unit's opinion). The steps
# that carry a request out are the administrators' and keep the plain scope rule.
OWN_UNIT_ACTIONS = frozenset({REQUEST_ENDORSE, REQUEST_APPROVE})
REPORT_ACKNOWLEDGE = declare("workflow.report.acknowledge", Duty.SECURITY, "接收下级管理员报备")

# What the built-in roles get of these actions (the module contract, ``kernel.modules``).


def _step_todos(actor):  # the selectors load models: imported when asked, not at declaration
    from .todos import step_todos

    return step_todos(actor)


register(Module("workflow", "申请审批", core=True, todo_providers=(
    TodoProvider("workflow.steps", _step_todos, None),
), role_shares=(
    RoleShare("security_admin", (REQUEST_VIEW, REPORT_ACKNOWLEDGE)),
    RoleShare("auditor", (REQUEST_VIEW,)),
    RoleShare("account_admin", (REQUEST_VIEW,)),
    RoleShare("permission_admin", (REQUEST_VIEW,)),
    RoleShare("operator", (REQUEST_FILE,)),
    RoleShare("staff", (REQUEST_FILE,)),
    RoleShare("dept_head", (REQUEST_FILE, REQUEST_VIEW, REQUEST_ENDORSE)),
    RoleShare("unit_leader", (REQUEST_VIEW, REQUEST_APPROVE)),
)))
