"""Reads of publish: the columns an actor manages, the posts it drafted or may review, what awaits its review,
and what everyone sees — the published posts of the columns (public ones without login)."""

from django.db.models import Q

from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.modules import Todo
from fenji.core.kernel.paths import ancestor_paths

from . import permissions as perms
from .models import Approval, Column, ColumnManager, ColumnOwnership, Post, PostAttachment, PostState, SensitiveWord

OVERSEEING = (*perms.REVIEW_ACTIONS, perms.POST_WITHDRAW, perms.COLUMN_MANAGE)


def column_list(*, actor, include_closed: bool = False):
    rows = Column.objects.visible_to(actor, perms.COLUMN_MANAGE).select_related("unit", "parent")
    if not include_closed:
        rows = rows.filter(closed_at=None)
    return rows.order_by("unit_path", "parent_id", "name", "id")


def column_get(*, actor, pk) -> Column:
    column = column_list(actor=actor, include_closed=True).filter(pk=pk).first()
    if column is None:
        raise NotVisible("栏目不存在或不在您的管理范围内", target_type="publish.column", target_id=pk)
    return column


def column_list_mine(*, actor):
    """The open columns the actor drafts in (its manager)."""
    return (Column.objects.unscoped(reason="the columns the actor is a manager of")
            .filter(manager_rows__account_id=actor.account_id, closed_at=None).select_related("unit").order_by("name", "id"))


def column_ownerships(column: Column):
    return ColumnOwnership.objects.filter(column=column).select_related("unit", "changed_by__person")


def post_list(*, actor, state: str = ""):
    """The actor's own posts, and the posts past draft within its reviewing or overseeing scope."""
    overseen = Q(pk__in=[])
    for action in OVERSEEING:
        if actor.holds(action):
            overseen |= actor.scope_q(action)
    rows = Post.objects.unscoped(reason="own posts, or posts in the actor's reviewing scope").filter(
        Q(drafter_id=actor.account_id) | (~Q(state=PostState.DRAFT) & overseen))
    if state in PostState.values:
        rows = rows.filter(state=state)
    return rows.select_related("column", "unit", "drafter__person").order_by("-id")


def post_get(*, actor, pk) -> Post:
    post = post_list(actor=actor).filter(pk=pk).first()
    if post is None:
        raise NotVisible("稿件不存在或不在您的管理范围内", target_type="publish.post", target_id=pk)
    return post


def post_list_awaiting(*, actor):
    """Posts at a level the actor may decide (not its own): one query, an OR over the review actions it holds."""
    awaiting = Q(pk__in=[])
    for action in perms.REVIEW_ACTIONS:
        if actor.holds(action):
            awaiting |= Q(level_action=action) & actor.scope_q(action)
    return (Post.objects.unscoped(reason="posts at a level the actor reviews, in its scope")
            .filter(awaiting, state=PostState.REVIEWING).exclude(drafter_id=actor.account_id)
            .select_related("column", "unit", "drafter__person").order_by("submitted_at", "id"))


def post_todos(actor) -> list[Todo]:
    rows = post_list_awaiting(actor=actor)[:50]
    return [Todo("publish.review", "待审核稿件", f"{p.column.name}：{p.title}", f"/publish/posts/{p.pk}/", None,
                 p.unit.name, "publish:posts") for p in rows]


def _boards():
    # tickets.Board through the relation: publish and tickets are sibling apps that never import each other
    return Column._meta.get_field("boards").related_model.objects


def board_choices(*, actor):
    """The ticket boards an interaction column of the actor's may show: those managed within its reach."""
    return (_boards().unscoped(reason="boards are scoped by their managing unit")
            .filter(actor.scope_q(perms.COLUMN_MANAGE, "office_path")).order_by("name", "id"))


def column_boards(column: Column):
    """The boards of a column already shown to the actor (checked in scope when they were linked)."""
    return column.boards.unscoped(reason="the boards of a column in scope").order_by("name", "id")


def column_managers(column: Column):
    from django.contrib.auth import get_user_model

    ids = ColumnManager.objects.filter(column=column).values("account_id")
    return (get_user_model().objects.unscoped(reason="the managers of a column already shown")
            .filter(pk__in=ids).select_related("person", "unit").order_by("id"))


def post_attachments(post: Post):
    from fenji.core.files.selectors import attachment_list_unchecked

    return attachment_list_unchecked(list(PostAttachment.objects.filter(post=post).values_list("attachment_id",
                                                                                               flat=True)))


def post_attachment_get(post: Post, attachment_pk):
    """One attachment of a post already shown to the reader; any other answers like a missing one."""
    from fenji.core.files.selectors import attachment_list_unchecked

    if not PostAttachment.objects.filter(post=post, attachment_id=attachment_pk).exists():
        raise NotVisible("附件不存在")
    return attachment_list_unchecked([attachment_pk])[0]


def approval_list(post: Post):
    return Approval.objects.filter(post=post).select_related("reviewer__person").order_by("id")


def word_list():
    return SensitiveWord.objects.select_related("added_by__person").order_by("word")


# --- what readers see --------------------------------------------------------------------------------------


def _published(column_ids):
    return (Post.objects.unscoped(reason="published posts are for every reader of their column")
            .filter(column_id__in=column_ids, state=PostState.PUBLISHED).order_by("-published_at", "-id"))


def column_list_public():
    return (Column.objects.unscoped(reason="public columns are for everyone").filter(public=True, closed_at=None)
            .order_by("parent_id", "name", "id"))


def column_get_public(*, pk) -> Column:
    column = column_list_public().filter(pk=pk).first()
    if column is None:
        raise NotVisible("栏目不存在")
    return column


def post_latest_by_column(columns, *, per_column: int = 5) -> dict[int, list[Post]]:
    """The latest published posts of each column, in one query (a row number per column)."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    ranked = _published([c.pk for c in columns]).annotate(rank=Window(
        RowNumber(), partition_by=[F("column_id")], order_by=[F("published_at").desc(), F("id").desc()]))
    latest: dict[int, list[Post]] = {c.pk: [] for c in columns}
    for post in ranked.filter(rank__lte=per_column).only("id", "title", "column_id", "published_at"):
        latest[post.column_id].append(post)
    return latest


def post_list_published(*, column: Column):
    return _published([column.pk]).select_related("column")


def post_get_public(*, pk) -> Post:
    post = _published(column_list_public().values("pk")).filter(pk=pk).select_related("column").first()
    if post is None:
        raise NotVisible("稿件不存在")
    return post


def column_list_readable(*, account):
    """Columns a signed-in account reads on the phone: the public ones and those of its own unit and above."""
    mine = ancestor_paths(account.unit_path) + [account.unit_path]
    return (Column.objects.unscoped(reason="columns offered to the account's unit").filter(
        Q(public=True) | Q(unit_path__in=mine), closed_at=None).order_by("parent_id", "name", "id"))


def post_list_readable(*, account, kind: str = ""):
    """The published posts of the columns ``account`` reads (``column_list_readable``), newest first; with ``kind``,
    only those of columns of that class (a module lists, say, its 政策文件 columns as its own reading list)."""
    columns = column_list_readable(account=account)
    if kind:
        columns = columns.filter(kind=kind)
    return _published(columns.values("pk")).select_related("column", "unit")


def column_get_readable(*, account, pk) -> Column:
    column = column_list_readable(account=account).filter(pk=pk).first()
    if column is None:
        raise NotVisible("栏目不存在")
    return column


def post_get_readable(*, account, pk) -> Post:
    post = _published(column_list_readable(account=account).values("pk")).filter(pk=pk).select_related(
        "column").first()
    if post is None:
        raise NotVisible("稿件不存在")
    return post
