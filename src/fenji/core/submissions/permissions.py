from django.utils.translation import gettext_lazy as _

from fenji.core.access.registry import Duty, declare
from fenji.core.kernel.modules import Module, RoleShare, TodoProvider, register

SUBMISSION_DRAFT = declare("submissions.submission.draft", Duty.BUSINESS, "起草本单位上报的信息、请示和报告")
SUBMISSION_HANDLE = declare("submissions.submission.handle", Duty.BUSINESS, "签收和办理下级上报的信息、请示和报告")

# What the built-in roles get of these actions (the module contract, ``kernel.modules``).
AUDIT_LABELS = {
    "submissions.submission.review": _("审核上报材料"),
    "submissions.submission.seal": _("上报材料加盖电子印章"),
    "submissions.submission.receive": _("签收上报材料"),
    "submissions.submission.return": _("退回上报材料"),
    "submissions.submission.export": _("打印上报材料（PDF）"),
}



def _submission_todos(actor):  # the selectors load models: imported when asked, not at declaration
    from .todos import submission_todos

    return submission_todos(actor)


register(Module("submissions", "信息报送", core=True, audit_labels=AUDIT_LABELS, todo_providers=(
    TodoProvider("submissions.items", _submission_todos, None),
), role_shares=(
    RoleShare("operator", (SUBMISSION_DRAFT,)),
    RoleShare("staff", (SUBMISSION_DRAFT,)),
    RoleShare("dept_head", (SUBMISSION_DRAFT, SUBMISSION_HANDLE)),
    RoleShare("unit_leader", (SUBMISSION_DRAFT, SUBMISSION_HANDLE)),
)))
