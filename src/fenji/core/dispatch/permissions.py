from fenji.core.access.registry import Duty, declare
from fenji.core.kernel.modules import Module, RoleShare, register

# Sending down (C7.1, C7.4): the sender's scope bounds the targets; the same scope reads the tracking
# pages and the bulletins of the units below.
DISPATCH_SEND = declare("dispatch.dispatch.send", Duty.BUSINESS, "下发通知公文（发文、跟踪、催办、通报）")
# Receiving: sign for, read and answer what was sent to one's own unit.
DELIVERY_HANDLE = declare("dispatch.delivery.handle", Duty.BUSINESS, "签收办理本单位收文")

# What the built-in roles get of these actions (the module contract, ``kernel.modules``).
register(Module("dispatch", "通知公文", core=True, role_shares=(
    RoleShare("operator", (DELIVERY_HANDLE,)),
    RoleShare("staff", (DELIVERY_HANDLE,)),
    RoleShare("dept_head", (DISPATCH_SEND, DELIVERY_HANDLE)),
    RoleShare("unit_leader", (DISPATCH_SEND, DELIVERY_HANDLE)),
)))
