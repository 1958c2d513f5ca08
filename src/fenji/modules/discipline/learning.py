"""学习资料 (seed 003 §7): laws and regulations 调研法规室 publishes to the grassroots units through the publish core.
They are the published posts of the 政策文件 columns (``KIND``) a reader's unit reads — its own and those above it
(``publish.selectors.column_list_readable``) —, drafted by the columns' managers (the role ``regulation_officer``,
学习资料发布, holds the publish core's draft action) and reviewed level by level before publishing like every post."""

from django.db.models import Q

from fenji.core.access import policy
from fenji.core.publish import selectors as publish
from fenji.core.publish.models import ColumnKind

from .module import POST_DRAFT

KIND = ColumnKind.POLICY  # the class of column whose posts are the learning materials


def material_list(*, account, search: str = ""):
    """The learning materials ``account`` reads, newest first; ``search`` in the title or the text."""
    rows = publish.post_list_readable(account=account, kind=KIND)
    if search:
        rows = rows.filter(Q(title__icontains=search) | Q(body__icontains=search))
    return rows


def material_columns_mine(*, actor) -> list:
    """The learning-material columns ``actor`` may publish in (its manager, holding the draft action there)."""
    return [c for c in publish.column_list_mine(actor=actor)
            if c.kind == KIND and policy.can(actor, POST_DRAFT, c.unit_path)]
