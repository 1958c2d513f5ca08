"""The clue page's part for what a disposal owes (``clue_report_services``): the report form for the clue's
handlers, the extension request of an 初步核实 and the principal leader's decision on it, with the due date and
its overdue state. Used by ``views.clue``: the same page, the same ``op`` posts."""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from fenji.core.web.forms import form_post

from . import clue_report_services as services
from . import selectors
from .clue_deadlines import REPORT_KINDS, extended_due
from .forms import ClueExtensionDecideForm, ClueExtensionForm, ClueReportForm
from .models import ClueExtension, ClueReport, ClueState

FORMS = {"report": ClueReportForm, "extend": ClueExtensionForm, "extension_decide": ClueExtensionDecideForm}


@dataclass
class Owed:
    actor: object
    item: object
    report: ClueReport | None
    extension: ClueExtension | None
    steps: dict = field(default_factory=dict)
    bound: object = None  # the form posted (with its errors)

    def form(self, request, op, name):
        kwargs = {}
        if name == "report":
            kwargs = {"kinds": REPORT_KINDS.get(self.item.disposal, ()), "initial": {"reported_on": timezone.localdate()}}
        return FORMS[name](request.POST if op == name else None, prefix=name, **kwargs)

    def post(self, request, op, here):
        actor, item = self.actor, self.item
        run = {"report": (lambda d: services.clue_report_submit(actor=actor, clue=item, **d), _("已提交报告")),
               "extend": (lambda d: services.clue_extension_request(actor=actor, clue=item, **d),
                          _("已申请延期，待主要负责人审批")),
               "extension_decide": (lambda d: services.clue_extension_decide(actor=actor, clue=item, **d),
                                    _("已审批延期申请"))}
        action, message = run[op]
        self.bound = self.form(request, op, op)
        return form_post(request, self.bound, action, success=here, message=message)

    def context(self, request, op) -> dict:
        forms = {name: self.bound if self.bound is not None and op == name else self.form(request, op, name)
                 for name, open_ in self.steps.items() if open_}
        return {"report": self.report, "extension": self.extension, "owed_forms": forms,
                "overdue": selectors.clue_is_overdue(self.item, timezone.localdate())}


def clue_owed(actor, item, mine, may_manage: bool, may_approve: bool) -> Owed:
    """What the reader may do about the clue's report and its extension now."""
    # a clue disposed before its deadline was kept (an earlier version) owes its report all the same: no date to
    # extend, but the report can be entered and the clue concluded
    owes = item.state == ClueState.DISPOSED and item.disposal in REPORT_KINDS
    report = ClueReport.objects.filter(clue=item).first() if owes else None
    extension = ClueExtension.objects.filter(clue=item).select_related("requested_by__person").first() \
        if item.report_due else None
    open_ = owes and report is None
    handler = may_manage and mine is not None
    return Owed(actor, item, report, extension, {
        "report": open_ and handler,
        "extend": open_ and handler and extension is None and item.report_due is not None
        and extended_due(item.disposal, item.report_due) is not None,
        "extension_decide": open_ and may_approve and extension is not None and extension.approved is None})
