"""The to-dos of submissions: drafts of one's unit to review and seal, items from below to receive."""

from fenji.core.kernel.modules import Todo

from .models import SubmissionState
from .selectors import submission_list_awaiting_review, submission_list_incoming

LIMIT = 50


def submission_todos(actor) -> list[Todo]:
    review = [Todo("submissions.review", "待审核上报", s.title, f"/submissions/{s.pk}/", None, s.unit.name, "submissions:list")
              for s in submission_list_awaiting_review(actor=actor)[:LIMIT]]
    incoming = [Todo("submissions.receive", "下级上报待签收", s.title, f"/submissions/{s.pk}/", None, s.unit.name, "submissions:list")
                for s in submission_list_incoming(actor=actor).filter(state=SubmissionState.SUBMITTED)[:LIMIT]]
    return review + incoming
