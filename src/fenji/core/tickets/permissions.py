from django.utils.translation import gettext_lazy as _

from fenji.core.access.registry import Duty, declare
from fenji.core.kernel.modules import DashboardTile, MenuEntry, Module, RoleShare, TodoProvider, register

TICKET_VIEW = declare("tickets.ticket.view", Duty.BUSINESS, "查看本单位及下级承办的群众诉求", read_only=True)
TICKET_HANDLE = declare("tickets.ticket.handle", Duty.BUSINESS, "签收、办理和答复本单位承办的群众诉求")
TICKET_OVERSEE = declare("tickets.ticket.oversee", Duty.BUSINESS, "审核所管理版块的退单和延期申请")
BOARD_MANAGE = declare("tickets.board.manage", Duty.BUSINESS, "设置诉求版块及其承办单位和时限")

# audit action codes (the services write them)
FILE, SIGN, PROGRESS, ANSWER, RATE = ("tickets.ticket.file", "tickets.ticket.sign", "tickets.ticket.progress",
                                      "tickets.ticket.answer", "tickets.ticket.rate")
RETURN, RETURN_DECIDE = "tickets.ticket.return", "tickets.ticket.return_decide"
EXTEND, EXTEND_DECIDE = "tickets.ticket.extend", "tickets.ticket.extend_decide"
MERGE, EXPORT = "tickets.ticket.merge", "tickets.report.export"
BOARD_CREATE, BOARD_UPDATE = "tickets.board.create", "tickets.board.update"


def _handle_todos(actor):  # the selectors load models: imported when asked, not at declaration
    from .selectors import ticket_todos

    return ticket_todos(actor)


def _open_tickets(actor):
    from .selectors import ticket_counts

    return ticket_counts(actor)


def _review_todos(actor):
    from .selectors import review_todos

    return review_todos(actor)


register(Module(
    "tickets", "群众诉求", core=True,
    menu=(MenuEntry(_("诉求办理"), "tickets:list", TICKET_VIEW, order=29, group="tickets"),
          MenuEntry(_("退单延期审核"), "tickets:reviews", TICKET_OVERSEE, order=30, group="tickets"),
          MenuEntry(_("诉求统计"), "tickets:report", TICKET_VIEW, order=31, group="tickets"),
          MenuEntry(_("诉求版块"), "tickets:boards", BOARD_MANAGE, order=32, group="tickets")),
    mobile_tiles=(MenuEntry(_("我的诉求"), "tickets:m_list", None, order=24),),  # anyone signed in may file one
    dashboard_tiles=(DashboardTile(_("本单位在办诉求"), _open_tickets, TICKET_HANDLE, order=10),),
    todo_providers=(TodoProvider("tickets.handle", _handle_todos, TICKET_HANDLE),
                    TodoProvider("tickets.review", _review_todos, TICKET_OVERSEE)),
    audit_labels={
        FILE: _("提交群众诉求"), SIGN: _("签收群众诉求"), PROGRESS: _("办理群众诉求"), ANSWER: _("答复群众诉求"),
        RATE: _("评价诉求办理（回访）"), RETURN: _("申请退单"), RETURN_DECIDE: _("审核退单（改派或驳回）"),
        EXTEND: _("申请延期"), EXTEND_DECIDE: _("审核延期申请"), MERGE: _("并单"), EXPORT: _("导出诉求统计"),
        BOARD_CREATE: _("新建诉求版块"), BOARD_UPDATE: _("修改诉求版块"),
    },
    role_shares=(
        RoleShare("staff", (TICKET_VIEW, TICKET_HANDLE)),
        RoleShare("operator", (TICKET_VIEW, TICKET_HANDLE)),
        RoleShare("dept_head", (TICKET_VIEW, TICKET_HANDLE, TICKET_OVERSEE, BOARD_MANAGE)),
        RoleShare("unit_leader", (TICKET_VIEW, TICKET_HANDLE, TICKET_OVERSEE, BOARD_MANAGE)),
    ),
))
