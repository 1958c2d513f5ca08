"""The deadlines of a clue's disposal (design/domain/discipline.md P4), on the official working-day calendar:

- 谈话函询: the reply to the letter, or the record of the talk, within ``FENJI_DISCIPLINE_TALK_LETTER_REPLY_DAYS``
  working days of the disposal becoming final (15 [V-local 越西]); then the clue concluded (the 谈话函询 report)
  within ``FENJI_DISCIPLINE_TALK_LETTER_REPORT_DAYS`` days of the reply or the talk (30 [V-local 西乡; U]).
- 初步核实: the verification report within ``FENJI_DISCIPLINE_PRELIM_MONTHS`` months (2 [V-local]), the last day moved
  to the next working day when it falls on a weekend or a holiday; one extension of
  ``FENJI_DISCIPLINE_PRELIM_EXTENSION_MONTHS`` (1 [U]) approved by the unit's principal leader.
- 暂存待查 and 予以了结 owe no report (the note sets no period for the periodic re-check)."""

import datetime

from django.conf import settings
from django.utils import timezone

from fenji.core.calendar.workdays import add_working_days, is_working_day

from .models import ClueReportKind, ClueState, Disposal
from .sanctions import add_months

# The disposals that owe a report before the clue is concluded, and the kinds of report each takes.
REPORT_KINDS = {
    Disposal.TALK_LETTER: (ClueReportKind.REPLY, ClueReportKind.TALK),
    Disposal.PRELIM: (ClueReportKind.VERIFICATION,),
}


def owes_report(disposal: str) -> bool:
    return disposal in REPORT_KINDS


def on_working_day(day: datetime.date) -> datetime.date:
    """``day``, or the next working day when ``day`` is a weekend day or a holiday."""
    for _ in range(60):  # the longest run of days off is far shorter
        if is_working_day(day, provisional=True):
            return day
        day += datetime.timedelta(days=1)
    return day


def report_due_for(disposal: str, final_on: datetime.date) -> datetime.date | None:
    """When the report of a disposal made final on ``final_on`` is due (None: it owes none)."""
    if disposal == Disposal.TALK_LETTER:
        return add_working_days(final_on, settings.FENJI_DISCIPLINE_TALK_LETTER_REPLY_DAYS, provisional=True)
    if disposal == Disposal.PRELIM:
        return on_working_day(add_months(final_on, settings.FENJI_DISCIPLINE_PRELIM_MONTHS))
    return None


def disposal_final(clue) -> None:
    """The clue's disposal becomes final today (its last handler signed, or the last one who had not recused):
    a 谈话函询 or an 初步核实 owes its report from today. Saved; the caller holds the clue's row lock."""
    clue.state = ClueState.DISPOSED
    clue.report_due = report_due_for(clue.disposal, timezone.localdate())
    clue.save(update_fields=["state", "report_due"])


def extended_due(disposal: str, due: datetime.date) -> datetime.date | None:
    """The report's due date after the one extension (None: the disposal cannot be extended)."""
    if disposal != Disposal.PRELIM or not settings.FENJI_DISCIPLINE_PRELIM_EXTENSION_MONTHS:
        return None
    return on_working_day(add_months(due, settings.FENJI_DISCIPLINE_PRELIM_EXTENSION_MONTHS))


def conclude_due_for(disposal: str, reported_on: datetime.date) -> datetime.date | None:
    """When a clue whose report came in on ``reported_on`` is to be concluded (谈话函询 only)."""
    if disposal != Disposal.TALK_LETTER:
        return None
    return reported_on + datetime.timedelta(days=settings.FENJI_DISCIPLINE_TALK_LETTER_REPORT_DAYS)
