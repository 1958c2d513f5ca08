"""Reads of the export packages (design/domain/discipline.md §5, ADR 0021): a unit's packages are seen by those who
may export for it (``discipline.export.manage`` over the unit: its own and those above); out of scope answers like
missing (404). The receiving side keeps its log (``ReceivedPackage``) for the command line only: the note asks for
no page there."""

from django.db.models import Count, Q

from fenji.core.kernel.errors import NotVisible

from . import module as perms
from .models import ExportPackage

PENDING, CONFIRMED = "pending", "confirmed"


def export_package_list(*, actor, unit=None, state: str = ""):
    """The packages in the actor's scope, of ``unit``'s subtree when given; ``state`` 待确认 (pending) or 已确认."""
    rows = ExportPackage.objects.visible_to(actor, perms.EXPORT_MANAGE).select_related("unit", "created_by__person",
                                                                                       "confirmed_by__person")
    if unit is not None:
        rows = rows.filter(unit_path__startswith=unit.path)
    if state == PENDING:
        rows = rows.filter(confirmed_on__isnull=True)
    elif state == CONFIRMED:
        rows = rows.filter(confirmed_on__isnull=False)
    return rows


def export_package_get(*, actor, pk) -> ExportPackage:
    item = export_package_list(actor=actor).filter(pk=pk).first() if str(pk).isdigit() else None
    if item is None:
        raise NotVisible("导出包不存在或不在您的管理范围内", target_type=ExportPackage._meta.label_lower, target_id=pk)
    return item


def export_package_counts(rows) -> dict:
    """Totals of a list: all, waiting for the internal network's confirmation, confirmed; records carried."""
    return rows.order_by().aggregate(total=Count("id"), pending=Count("id", filter=Q(confirmed_on__isnull=True)),
                                     confirmed=Count("id", filter=Q(confirmed_on__isnull=False)))


def export_pending(*, unit) -> dict[str, int]:
    """What the next package of ``unit`` would carry: the petitions, clues and cases of its subtree changed since
    they were last exported (shown before the export is confirmed; the caller holds the export action there)."""
    from django.db.models import F

    from .export_services import EXPORTED

    return {kind: model.objects.unscoped(reason="the next package's preview, the exporter's own subtree")
            .filter(unit_path__startswith=unit.path, version__gt=F("exported_version")).count()
            for kind, model in EXPORTED}


def received_package_list(*, actor):
    """The receiving side's log of packages (accepted and quarantined), for those holding the import action. The
    log is not any unit's: it is the install's (the internal network's), so the action is what decides."""
    from fenji.core.access import policy

    from .models import ReceivedPackage

    if not policy.can(actor, perms.IMPORT_MANAGE, actor.unit_path):
        return ReceivedPackage.objects.none()
    return ReceivedPackage.objects.all()
