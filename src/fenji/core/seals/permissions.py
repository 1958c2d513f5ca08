from fenji.core.access.registry import Duty, declare

# Making and withdrawing a unit's seal key is the security-secrecy administrator's duty (三员).
KEY_MANAGE = declare("seals.key.manage", Duty.SECURITY, "制发和停用单位电子印章")
# Applying the seal: the unit's head, after reviewing what goes out under the unit's name.
SEAL_APPLY = declare("seals.seal.apply", Duty.BUSINESS, "加盖本单位电子印章")
