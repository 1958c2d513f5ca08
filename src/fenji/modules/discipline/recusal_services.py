"""回避 (JJR §48, design/domain/discipline.md "Recusal"): a staff member who is the person reported, a close relative
of them, or otherwise interested declares it on the item's page. The declaration takes effect at once — the item
leaves the declarant's lists and pages (``selectors.not_recused``) and they leave its handlers — rather than after
the organ's decision: a leak before a decision cannot be undone, while the unit's leaders, who see every recusal on
the item's page, can reassign the work."""


from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import DomainError

from . import module as perms
from .clue_deadlines import disposal_final
from .models import Case, Clue, ClueHandler, ClueState, Petition, Recusal, RecusalGround
from .services import _clue_locked, _text

ITEMS = {Petition: ("petition", perms.PETITION_VIEW), Clue: ("clue", perms.CLUE_VIEW), Case: ("case", perms.CASE_VIEW)}
# a clue in these states has handlers still to act: one who recuses leaves them
CLUE_WORKING = (ClueState.PROPOSED, ClueState.ASSIGNED, ClueState.SIGNING)


@service
def recusal_declare(*, actor, item: Petition | Clue | Case, ground: str, note: str = "") -> Recusal:
    """``actor`` recuses from ``item`` (read by the caller within the actor's scope) on ``ground``."""
    kind, action = ITEMS[type(item)]
    policy.require(actor, action, item.unit_path)
    if actor.account_id is None:
        raise DomainError("回避须由本人申请")
    if ground not in RecusalGround.values:
        raise DomainError("请选择回避事由", field="ground")
    note = _text(note, "说明", "note", 200, required=False)
    if ground == RecusalGround.OTHER and not note:
        raise DomainError("事由为“其他”的，请说明回避理由", field="note")
    if Recusal.objects.unscoped(reason="one recusal per person and item").filter(
            account_id=actor.account_id, **{kind: item}).exists():
        raise DomainError("您已申请回避该件")
    recusal = Recusal.objects.create(unit_id=item.unit_id, unit_path=item.unit_path, account_id=actor.account_id,
                                     ground=ground, note=note, **{kind: item})
    if kind == "petition":
        item.handlers.remove(actor.account_id)
    elif kind == "clue":
        _leave_clue(item, actor.account_id)
    audit_record(actor=actor, action="discipline.recusal.declare", target=item,
                 details={"number": item.number, "ground": ground})
    return recusal


def _leave_clue(clue: Clue, account_id: int) -> None:
    """The declarant leaves the clue's handlers. With nobody left the clue goes back to be assigned again; when
    everyone left has signed, the disposal is final as on the last signature."""
    clue = _clue_locked(clue)
    if clue.state not in CLUE_WORKING or not ClueHandler.objects.filter(clue=clue, account_id=account_id).delete()[0]:
        return
    left = ClueHandler.objects.filter(clue=clue)
    if not left.exists():
        clue.state, clue.disposal, clue.disposed_at = ClueState.REGISTERED, "", None
        clue.proposal_note = "承办人回避，需重新分办"
        clue.save(update_fields=["state", "disposal", "disposed_at", "proposal_note"])
    elif clue.state == ClueState.SIGNING and not left.filter(signed_at__isnull=True).exists():
        disposal_final(clue)  # final as on a last signature
