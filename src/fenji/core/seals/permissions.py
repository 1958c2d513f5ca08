from fenji.core.access.registry import Duty, declare
from fenji.core.kernel.modules import Module, RoleShare, register

# Making and withdrawing a unit's seal key is the security-secrecy administrator's duty (三员).
KEY_MANAGE = declare("seals.key.manage", Duty.SECURITY, "制发和停用单位电子印章")
# Applying the seal: the unit's head, after reviewing what goes out under the unit's name.
SEAL_APPLY = declare("seals.seal.apply", Duty.BUSINESS, "加盖本单位电子印章")

# What the built-in roles get of these actions (the module contract, ``kernel.modules``).
register(Module("seals", "电子印章", core=True, role_shares=(
    RoleShare("security_admin", (KEY_MANAGE,)),
    RoleShare("unit_leader", (SEAL_APPLY,)),
)))
