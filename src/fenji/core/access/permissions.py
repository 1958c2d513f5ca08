from .registry import Duty, declare

GRANT_CREATE = declare("access.grant.create", Duty.SECURITY, "授予权限")
GRANT_REVOKE = declare("access.grant.revoke", Duty.SECURITY, "撤销权限")
