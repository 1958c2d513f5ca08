"""Writes of publish: columns (add, update, merge, re-assign, managers, review levels), posts (save, submit,
review level by level, publish, withdraw) and the sensitive-word list. Each checks, writes and audits in one
transaction (``@service``)."""

import datetime
import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.services import RuleViolation
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.files.services import attachment_store
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.kernel.paths import SEGMENT_WIDTH
from fenji.core.kernel.text import checked_text
from fenji.core.notify.services import message_send

from . import permissions as perms
from .models import (
    Approval,
    Column,
    ColumnKind,
    ColumnManager,
    ColumnOwnership,
    Decision,
    Post,
    PostAttachment,
    PostState,
    ReviewLevel,
    SensitiveWord,
)

NAME_MAX, TITLE_MAX, BODY_MAX, OPINION_MAX, REASON_MAX, WORD_MAX = 50, 100, 20000, 1000, 200, 30
LEVELS_MAX = 5
CLASSIFIED_REFUSED = "本平台为非涉密网络，涉密信息一律不得上网发布（涉密信息不上网）"


_text = checked_text  # every text this app takes goes through the one check


def _locked(model, pk):
    return model.objects.unscoped(reason="a row found in scope, locked to change it").select_for_update().get(pk=pk)


def _open_column(column: Column) -> None:
    if column.closed_at is not None:
        raise DomainError(f"栏目“{column.name}”已关闭（已并入其他栏目）")


# --- columns ---------------------------------------------------------------------------------------------


@service
def column_create(*, actor, unit, name: str, parent: Column | None = None, kind: str = ColumnKind.OTHER,
                  public: bool = False) -> Column:
    """A new column owned by ``unit`` (under ``parent``), with the three default review levels."""
    policy.require(actor, perms.COLUMN_MANAGE, unit.path)
    name = _text(name, label="栏目名称", field="name", limit=NAME_MAX)
    if kind not in ColumnKind.values:
        raise DomainError("栏目类别不正确", field="kind")
    if parent is not None:
        policy.require(actor, perms.COLUMN_MANAGE, parent.unit_path)
        _open_column(parent)
    siblings = Column.objects.unscoped(reason="names are unique among open siblings").filter(
        parent=parent, closed_at=None, name=name)
    if siblings.exists():
        raise DomainError(f"同级已有栏目“{name}”", field="name")
    column = Column.objects.create(unit=unit, unit_path=unit.path, parent=parent, name=name, kind=kind, public=public)
    ReviewLevel.objects.bulk_create(ReviewLevel(column=column, order=n, name=label, action=action)
                                    for n, (label, action) in enumerate(perms.DEFAULT_LEVELS, start=1))
    ColumnOwnership.objects.create(column=column, unit=unit, since=column.created_at, changed_by_id=actor.account_id)
    audit_record(actor=actor, action="publish.column.create", target=column,
                 details={"name": name, "public": public, "kind": kind})
    return column


@service
def column_update(*, actor, column: Column, name: str, kind: str, public: bool) -> Column:
    """Rename a column, change its class or whether it is public."""
    policy.require(actor, perms.COLUMN_MANAGE, column.unit_path)
    name = _text(name, label="栏目名称", field="name", limit=NAME_MAX)
    if kind not in ColumnKind.values:
        raise DomainError("栏目类别不正确", field="kind")
    column = _locked(Column, column.pk)
    _open_column(column)
    if Column.objects.unscoped(reason="names are unique among open siblings").filter(
            parent_id=column.parent_id, closed_at=None, name=name).exclude(pk=column.pk).exists():
        raise DomainError(f"同级已有栏目“{name}”", field="name")
    changes = {key: {"before": getattr(column, key), "after": value}
               for key, value in (("name", name), ("kind", kind), ("public", public)) if getattr(column, key) != value}
    column.name, column.kind, column.public = name, kind, public
    column.save(update_fields=["name", "kind", "public"])
    audit_record(actor=actor, action="publish.column.update", target=column, details={"changes": changes})
    return column


@service
def column_managers_set(*, actor, column: Column, accounts) -> Column:
    """The accounts who draft in ``column``: staff accounts within the actor's reach."""
    policy.require(actor, perms.COLUMN_MANAGE, column.unit_path)
    column = _locked(Column, column.pk)
    _open_column(column)
    accounts = list(accounts)
    for account in accounts:
        policy.require(actor, perms.COLUMN_MANAGE, account.unit_path)
        if account.kind != "staff" or account.status != "active":
            raise DomainError(f"{account.person.real_name}不是在用的工作人员账号，不能管理栏目", field="managers")
    rows = ColumnManager.objects.filter(column=column)
    before = sorted(rows.values_list("account_id", flat=True))
    rows.delete()
    ColumnManager.objects.bulk_create(ColumnManager(column=column, account_id=a.pk) for a in accounts)
    audit_record(actor=actor, action="publish.column.managers", target=column,
                 details={"before": before, "after": sorted(a.pk for a in accounts)})
    return column


@service
def column_boards_set(*, actor, column: Column, boards) -> Column:
    """The ticket boards an interaction column (互动交流) shows, for its health: each managed by a unit within the
    actor's reach (the manager answers for the replies it counts)."""
    policy.require(actor, perms.COLUMN_MANAGE, column.unit_path)
    column = _locked(Column, column.pk)
    _open_column(column)
    boards = list(boards)
    if boards and column.kind != ColumnKind.INTERACTION:
        raise DomainError("只有“互动交流”类栏目可以关联诉求版块", field="boards")
    for board in boards:
        policy.require(actor, perms.COLUMN_MANAGE, board.office_path)
    links = Column.boards.through.objects.filter(column=column)
    before = sorted(links.values_list("board_id", flat=True))
    links.delete()
    Column.boards.through.objects.bulk_create(Column.boards.through(column=column, board_id=b.pk) for b in boards)
    audit_record(actor=actor, action="publish.column.boards", target=column,
                 details={"before": before, "after": sorted(b.pk for b in boards)})
    return column


@service
def column_levels_set(*, actor, column: Column, levels: list[tuple[str, str]]) -> Column:
    """Replace the column's review levels (1 to 5, in order), while no post of it is under review."""
    policy.require(actor, perms.COLUMN_MANAGE, column.unit_path)
    column = _locked(Column, column.pk)
    _open_column(column)
    cleaned = []
    for name, action in levels:
        name = _text(name, label="级次名称", field="levels", limit=20)
        if action not in perms.REVIEW_ACTIONS:
            raise DomainError(f"“{name}”的审核权限不正确", field="levels")
        cleaned.append((name, action))
    if not 1 <= len(cleaned) <= LEVELS_MAX:
        raise DomainError(f"审核级次应为 1 至 {LEVELS_MAX} 级（先审后发：至少一级）", field="levels")
    if Post.objects.unscoped(reason="posts of a column in scope").filter(
            column=column, state=PostState.REVIEWING).exists():
        raise DomainError("该栏目有审核中的稿件，请待其审核完毕后再调整审核级次", field="levels")
    before = list(column.levels.values_list("name", "action"))
    column.levels.all().delete()
    ReviewLevel.objects.bulk_create(ReviewLevel(column=column, order=n, name=name, action=action)
                                    for n, (name, action) in enumerate(cleaned, start=1))
    audit_record(actor=actor, action="publish.column.levels", target=column,
                 details={"before": [list(x) for x in before], "after": [list(x) for x in cleaned]})
    return column


@service
def column_merge(*, actor, column: Column, into: Column) -> Column:
    """Move every post of ``column`` into ``into`` and close ``column``."""
    policy.require(actor, perms.COLUMN_MANAGE, column.unit_path)
    policy.require(actor, perms.COLUMN_MANAGE, into.unit_path)
    if column.pk == into.pk:
        raise DomainError("不能把栏目并入它自己", field="into")
    column, into = _locked(Column, column.pk), _locked(Column, into.pk)
    _open_column(column)
    _open_column(into)
    if Column.objects.unscoped(reason="children of a column in scope").filter(parent=column, closed_at=None).exists():
        raise DomainError("该栏目还有下级栏目，请先合并或调整下级栏目", field="into")
    moved = Post.objects.unscoped(reason="the posts of a column in scope").filter(column=column).update(column=into)
    column.closed_at, column.merged_into = timezone.now(), into
    column.save(update_fields=["closed_at", "merged_into"])
    audit_record(actor=actor, action="publish.column.merge", target=column,
                 details={"into": into.pk, "into_name": into.name, "posts": moved})
    return into


@service
def column_reassign(*, actor, column: Column, unit) -> Column:
    """Give ``column`` a new owning unit: new posts belong to it; the ownership history keeps who owned it when."""
    policy.require(actor, perms.COLUMN_MANAGE, column.unit_path)
    policy.require(actor, perms.COLUMN_MANAGE, unit.path)
    column = _locked(Column, column.pk)
    _open_column(column)
    if column.unit_id == unit.pk:
        raise DomainError("栏目已归属该单位", field="unit")
    now = timezone.now()
    before = column.unit_id
    ColumnOwnership.objects.filter(column=column, until=None).update(until=now)
    ColumnOwnership.objects.create(column=column, unit=unit, since=now, changed_by_id=actor.account_id)
    column.unit, column.unit_path = unit, unit.path
    column.save(update_fields=["unit", "unit_path"])
    audit_record(actor=actor, action="publish.column.reassign", target=column,
                 details={"unit": {"before": before, "after": unit.pk}})
    return column


# --- posts -----------------------------------------------------------------------------------------------


def sensitive_hits(*texts: str) -> list[str]:
    """The words of the sensitive-word list found in ``texts`` (in the list's order)."""
    joined = "\n".join(texts)
    return [word for word in SensitiveWord.objects.values_list("word", flat=True) if word in joined]


PERSONAL = re.compile(r"(?<!\d)(1[3-9]\d{9}|\d{17}[\dXx])(?![\dXx])")


def personal_hits(*texts: str) -> list[str]:
    """Mobile and ID numbers in ``texts``: a publication never carries them (no personal data)."""
    return sorted({m.group(1) for text in texts for m in PERSONAL.finditer(text)})


def _must_manage(actor, column: Column) -> None:
    policy.require(actor, perms.POST_DRAFT, column.unit_path)
    if not ColumnManager.objects.filter(column=column, account_id=actor.account_id).exists():
        raise RuleViolation(f"您不是栏目“{column.name}”的管理员，不能在其中发稿", rule="not_column_manager",
                            action=perms.POST_DRAFT)


@service
def post_save(*, actor, column: Column, title: str, body: str, post: Post | None = None,
              publish_at: datetime.datetime | None = None, classified: bool = False, uploads=()) -> Post:
    """Write a new draft in ``column`` or change the actor's own draft; attachments go through the checked
    upload. A post marked 涉密 is refused outright."""
    if classified:
        raise DomainError(CLASSIFIED_REFUSED, field="classified")
    column = Column.objects.unscoped(reason="the column as it is now (its owner)").get(pk=column.pk)
    _must_manage(actor, column)
    _open_column(column)
    title = _text(title, label="标题", field="title", limit=TITLE_MAX)
    body = _text(body, label="正文", field="body", limit=BODY_MAX, multiline=True)
    if publish_at is not None and publish_at <= timezone.now():
        raise DomainError("定时发布时间应晚于现在（立即发布请留空）", field="publish_at")
    if post is None:
        post = Post.objects.create(unit_id=column.unit_id, unit_path=column.unit_path, column=column, title=title,
                                   body=body, drafter_id=actor.account_id, publish_at=publish_at)
    else:
        post = _locked(Post, post.pk)
        if post.drafter_id != actor.account_id:
            raise RuleViolation("只有撰稿人本人可以修改稿件", rule="not_drafter", action=perms.POST_DRAFT)
        if post.state != PostState.DRAFT:
            raise DomainError("稿件已送审或已发布，不能修改")
        post.column, post.title, post.body, post.publish_at = column, title, body, publish_at
        post.save(update_fields=["column", "title", "body", "publish_at"])
    for upload in uploads:
        PostAttachment.objects.create(post=post, attachment=attachment_store(actor=actor, unit=column.unit,
                                                                             upload=upload))
    audit_record(actor=actor, action="publish.post.save", target=post,
                 details={"title": title, "column": column.pk, "attachments": len(uploads)})
    return post


def post_submit_check(*, actor, post: Post) -> None:
    if post.drafter_id != actor.account_id:
        raise RuleViolation("只有撰稿人本人可以送审", rule="not_drafter", action=perms.POST_DRAFT)
    if post.state != PostState.DRAFT:
        raise DomainError("稿件不是草稿，不能送审")


@service
def post_submit(*, actor, post: Post) -> Post:
    """Send the actor's draft to the first review level, after the sensitive-word check (hits refused)."""
    post = _locked(Post, post.pk)
    post_submit_check(actor=actor, post=post)
    column = post.column
    _open_column(column)
    _must_manage(actor, column)
    if hits := sensitive_hits(post.title, post.body):
        raise DomainError(f"稿件含有敏感词：{'、'.join(hits)}。请修改后再送审", field="body", code="sensitive")
    if personal_hits(post.title, post.body):
        raise DomainError("稿件含有疑似手机号码或身份证号码：发布的信息不得含有个人信息，请删除后再送审",
                          field="body", code="personal")
    if post.publish_at is not None and post.publish_at <= timezone.now():
        raise DomainError("定时发布时间已过，请修改后再送审", field="publish_at")
    first = column.levels.order_by("order").first()
    if first is None:
        raise DomainError("该栏目未设置审核级次，不能送审")
    post.state, post.level, post.level_action = PostState.REVIEWING, first.order, first.action
    post.round, post.opinion, post.submitted_at = post.round + 1, "", timezone.now()
    post.save(update_fields=["state", "level", "level_action", "round", "opinion", "submitted_at"])
    audit_record(actor=actor, action="publish.post.submit", target=post, details={"round": post.round})
    return post


def post_review_check(*, actor, post: Post) -> None:
    """Why ``actor`` may not decide the post's current level now (raises), or nothing."""
    if post.state != PostState.REVIEWING:
        raise DomainError("稿件不在审核中")
    policy.require(actor, post.level_action, post.unit_path)
    if post.drafter_id == actor.account_id:
        raise RuleViolation("不能审核自己撰写的稿件：请由其他有权限的人员审核", rule="reviewer_is_drafter",
                            action=post.level_action)
    if Approval.objects.filter(post=post, round=post.round, reviewer_id=actor.account_id).exists():
        raise RuleViolation("同一稿件的各级审核须由不同人员办理：您已审核过本稿件", rule="one_level_per_reviewer",
                            action=post.level_action)


def _publish(post: Post, *, actor, at) -> None:
    post.state, post.published_at, post.level_action = PostState.PUBLISHED, at, ""
    post.save(update_fields=["state", "published_at", "level_action"])
    audit_record(actor=actor, action="publish.post.publish", target=post, details={"column": post.column_id})


@service
def post_review(*, actor, post: Post, approve: bool, opinion: str = "") -> Post:
    """Decide the post's current level: approval moves it to the next level, the last one publishes it (or
    schedules it); a rejection returns it to its drafter as a draft, with the opinion."""
    post = _locked(Post, post.pk)
    post_review_check(actor=actor, post=post)
    opinion = _text(opinion, label="审核意见", field="opinion", limit=OPINION_MAX, required=not approve,
                    multiline=True)
    level = post.column.levels.filter(order=post.level).first()
    Approval.objects.create(post=post, level=post.level, level_name=level.name if level else str(post.level),
                            round=post.round, reviewer_id=actor.account_id,
                            decision=Decision.APPROVE if approve else Decision.REJECT, opinion=opinion)
    if not approve:
        post.state, post.level, post.level_action, post.opinion = PostState.DRAFT, 0, "", opinion
        post.save(update_fields=["state", "level", "level_action", "opinion"])
        drafter = get_user_model().objects.unscoped(reason="telling the drafter").get(pk=post.drafter_id)
        message_send(recipient=drafter, title=f"稿件“{post.title}”被退回", body=opinion[:200],
                     link=f"/publish/posts/{post.pk}/", kind="publish.rejected",
                     dedupe_key=f"publish.post.{post.pk}.rejected.{post.round}")
        audit_record(actor=actor, action="publish.post.reject", target=post, details={"opinion": opinion})
        return post
    audit_record(actor=actor, action="publish.post.approve", target=post,
                 details={"level": post.level, "opinion": opinion})
    following = post.column.levels.filter(order__gt=post.level).order_by("order").first()
    if following is not None:
        post.level, post.level_action = following.order, following.action
        post.save(update_fields=["level", "level_action"])
    elif post.publish_at is not None and post.publish_at > timezone.now():
        post.state, post.level_action = PostState.SCHEDULED, ""
        post.save(update_fields=["state", "level_action"])
    else:
        _publish(post, actor=actor, at=timezone.now())
    return post


def post_publish_due() -> int:
    """The periodic job: publish the scheduled posts whose time has come (idempotent)."""
    now, done = timezone.now(), 0
    due = Post.objects.unscoped(reason="the platform publishes scheduled posts").filter(
        state=PostState.SCHEDULED, publish_at__lte=now).values_list("pk", flat=True)
    for pk in list(due[:500]):
        with transaction.atomic():
            post = _locked(Post, pk)
            if post.state == PostState.SCHEDULED:
                _publish(post, actor=policy.SYSTEM, at=post.publish_at)
                done += 1
    return done


@service
def post_withdraw(*, actor, post: Post, reason: str) -> Post:
    """Take a published (or scheduled) post down, with the reason."""
    policy.require(actor, perms.POST_WITHDRAW, post.unit_path)
    reason = _text(reason, label="撤回原因", field="reason", limit=REASON_MAX)
    post = _locked(Post, post.pk)
    if post.state not in (PostState.PUBLISHED, PostState.SCHEDULED):
        raise DomainError("只有已发布或待定时发布的稿件可以撤回")
    before = post.state
    post.state, post.withdrawn_at, post.withdrawn_by_id = PostState.WITHDRAWN, timezone.now(), actor.account_id
    post.withdraw_reason = reason
    post.save(update_fields=["state", "withdrawn_at", "withdrawn_by", "withdraw_reason"])
    audit_record(actor=actor, action="publish.post.withdraw", target=post,
                 details={"reason": reason, "state": {"before": before, "after": post.state}})
    return post


# --- the sensitive-word list -----------------------------------------------------------------------------


def _require_word_manage(actor) -> None:
    """The list is one for the whole platform: kept by a top-level unit's security-secrecy administrator."""
    policy.require(actor, perms.WORD_MANAGE)
    if actor is not policy.SYSTEM and not any(len(root) == SEGMENT_WIDTH for root in policy.scope_roots(actor, perms.WORD_MANAGE)):
        raise AccessDenied("敏感词全平台通用，只能由顶层单位的安全保密管理员维护", rule="not_top_level",
                           action=perms.WORD_MANAGE)


@service
def word_add(*, actor, word: str) -> SensitiveWord:
    _require_word_manage(actor)
    word = _text(word, label="敏感词", field="word", limit=WORD_MAX)
    if SensitiveWord.objects.filter(word=word).exists():
        raise DomainError(f"“{word}”已在敏感词表中", field="word")
    row = SensitiveWord.objects.create(word=word, added_by_id=actor.account_id)
    audit_record(actor=actor, action="publish.word.add", target=row, details={"word": word})
    return row


@service
def word_remove(*, actor, word: SensitiveWord) -> None:
    _require_word_manage(actor)
    audit_record(actor=actor, action="publish.word.remove", target=word, details={"word": word.word})
    word.delete()
