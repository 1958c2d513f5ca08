from fenji.core.access.registry import Duty, declare
from fenji.core.kernel.modules import Module, RoleShare, register

SUBMISSION_DRAFT = declare("submissions.submission.draft", Duty.BUSINESS, "起草本单位上报的信息、请示和报告")
SUBMISSION_HANDLE = declare("submissions.submission.handle", Duty.BUSINESS, "签收和办理下级上报的信息、请示和报告")

# What the built-in roles get of these actions (the module contract, ``kernel.modules``).
register(Module("submissions", "信息报送", core=True, role_shares=(
    RoleShare("operator", (SUBMISSION_DRAFT,)),
    RoleShare("staff", (SUBMISSION_DRAFT,)),
    RoleShare("dept_head", (SUBMISSION_DRAFT, SUBMISSION_HANDLE)),
    RoleShare("unit_leader", (SUBMISSION_DRAFT, SUBMISSION_HANDLE)),
)))
