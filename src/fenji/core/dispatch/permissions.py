from fenji.core.access.registry import Duty, declare
from fenji.core.kernel.modules import Module, RoleShare, TodoProvider, register

# Sending down (C7.1, C7.4): the sender's scope bounds the targets; the same scope reads the tracking
# pages and the bulletins of the units below.
DISPATCH_SEND = declare("dispatch.dispatch.send", Duty.BUSINESS, "下发通知公文（发文、跟踪、催办、通报）")
# Receiving: sign for, read and answer what was sent to one's own unit.
DELIVERY_HANDLE = declare("dispatch.delivery.handle", Duty.BUSINESS, "签收办理本单位收文")

# What the built-in roles get of these actions (the module contract, ``kernel.modules``).


def _delivery_todos(actor):  # the selectors load models: imported when asked, not at declaration
    from .todos import delivery_todos

    return delivery_todos(actor)


def _overdue_sent_todos(actor):
    from .todos import overdue_sent_todos

    return overdue_sent_todos(actor)


register(Module("dispatch", "通知公文", core=True, todo_providers=(
    TodoProvider("dispatch.deliveries", _delivery_todos, DELIVERY_HANDLE),
    TodoProvider("dispatch.overdue", _overdue_sent_todos, DISPATCH_SEND),
), role_shares=(
    RoleShare("operator", (DELIVERY_HANDLE,)),
    RoleShare("staff", (DELIVERY_HANDLE,)),
    RoleShare("dept_head", (DISPATCH_SEND, DELIVERY_HANDLE)),
    RoleShare("unit_leader", (DISPATCH_SEND, DELIVERY_HANDLE)),
)))
