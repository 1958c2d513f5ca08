"""Who is told that a submission awaits them: the unit's head when a draft is sent for review, the handlers
of the upper unit when it arrives sealed."""

from django.contrib.auth import get_user_model

from fenji.core.access import policy
from fenji.core.notify.alerts import Alert, alert_send
from fenji.core.seals import permissions as seal_perms

from . import permissions as perms
from .models import Submission


def _holders_at(action: str, unit, *, exclude=()) -> list:
    """Active accounts of ``unit`` itself holding ``action`` over it."""
    accounts = policy.grants_giving(action, unit.path).values_list("account_id", flat=True)
    return list(get_user_model().objects.unscoped(reason="the people a submission awaits, found through their grants")
                .filter(pk__in=accounts, unit_id=unit.pk, status="active").exclude(pk__in=exclude))


def review_alert(submission: Submission) -> int:
    alert = Alert(kind="submissions.arrived", title=f"待审核盖章：{submission.title}",
                  body="本单位起草的上报材料待您审核并加盖电子印章", link=f"/submissions/{submission.pk}/")
    return alert_send(recipients=_holders_at(seal_perms.SEAL_APPLY, submission.unit,
                                             exclude=[submission.drafted_by_id]),
                      alert=alert, dedupe_key=f"submissions.{submission.pk}.review.{int(submission.updated_at.timestamp())}")


def arrival_alert(submission: Submission) -> int:
    alert = Alert(kind="submissions.arrived", title=f"下级上报待签收：{submission.title}",
                  body=f"{submission.unit.name}报送，请签收办理", link=f"/submissions/{submission.pk}/")
    return alert_send(recipients=_holders_at(perms.SUBMISSION_HANDLE, submission.target_unit), alert=alert,
                      dedupe_key=f"submissions.{submission.pk}.arrived.{int(submission.submitted_at.timestamp())}")
