from fenji.core.access.registry import Duty, declare
from fenji.core.kernel.modules import Module, RoleShare, register

ATTACHMENT_VIEW = declare("files.attachment.view", Duty.BUSINESS, "下载本单位及下级的附件", read_only=True)
ATTACHMENT_UPLOAD = declare("files.attachment.upload", Duty.BUSINESS, "上传附件")

# What the built-in roles get of these actions (the module contract, ``kernel.modules``).
register(Module("files", "附件", core=True, role_shares=(
    *(RoleShare(role, (ATTACHMENT_VIEW, ATTACHMENT_UPLOAD)) for role in ("operator", "staff", "dept_head", "unit_leader")),
)))
