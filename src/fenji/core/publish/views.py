"""The console's publishing pages: columns (and their managers, review levels, merging and owners), posts
(drafting, sending for review, reviewing, withdrawing, the approval sheet) and the sensitive-word list."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fenji.core.access import policy
from fenji.core.files.forms import upload_form_status, upload_refused
from fenji.core.files.views import attachment_response
from fenji.core.kernel.errors import DomainError, NotVisible, reason_against
from fenji.core.kernel.pagination import newest_first_page
from fenji.core.org.models import Unit
from fenji.core.web.excel import stamp
from fenji.core.web.forms import form_post
from fenji.core.web.pdf import pdf_response
from fenji.core.web.query import paging, query_without
from fenji.core.web.routes import requires

from . import exports, selectors, services
from . import permissions as perms
from .forms import (
    BoardsForm,
    ColumnCreateForm,
    ColumnForm,
    LevelsForm,
    ManagersForm,
    MergeForm,
    PostForm,
    ReassignForm,
    ReviewForm,
    WithdrawForm,
    WordForm,
)
from .health import column_health, column_health_counts
from .models import ColumnKind, PostState


def _page(request, rows, template, extra):
    page = newest_first_page(rows, **paging(request))
    return render(request, template, {"page": page, "query": query_without(request, "after"),
                                      "first_page": not request.GET.get("after"), **extra})


# --- columns ---------------------------------------------------------------------------------------------


@requires(perms.COLUMN_MANAGE)
@require_http_methods(["GET", "POST"])
def columns(request):
    actor = request.actor
    rows = list(selectors.column_list(actor=actor))
    units = _units(actor)
    form = ColumnCreateForm(request.POST or None, columns=rows, units=units, initial={"unit": actor.unit_id})

    def create(data):
        parent = next((c for c in rows if c.pk == data["parent"]), None)
        unit = next(u for u in units if u.pk == data["unit"])
        return services.column_create(actor=actor, unit=unit, name=data["name"], kind=data["kind"],
                                      public=data["public"], parent=parent)

    done = form_post(request, form, create, success=lambda c: reverse("publish:column", args=[c.pk]),
                     message=lambda c: _("已新增栏目“%(n)s”") % {"n": c.name})
    return done or render(request, "publish/columns.html", {"rows": rows, "form": form})


def _units(actor) -> list[Unit]:
    """The active units where the actor manages columns (the first 500, in tree order)."""
    return list(Unit.objects.filter(actor.scope_q(perms.COLUMN_MANAGE, "path")).filter(status="active")
                .order_by("path")[:500])


def _manager_candidates(actor, column):
    accounts = get_user_model().objects.visible_to(actor, perms.COLUMN_MANAGE).filter(
        kind="staff", status="active", unit_path__startswith=column.unit_path)
    current = [a for a in selectors.column_managers(column) if not a.unit_path.startswith(column.unit_path)]
    return list(accounts.select_related("person", "unit").order_by("unit_path", "id")[:200]) + current


@requires(perms.COLUMN_MANAGE)
@require_http_methods(["GET", "POST"])
def column_detail(request, pk):
    actor = request.actor
    column = selectors.column_get(actor=actor, pk=pk)
    op = request.POST.get("op", "")
    post = request.POST if request.method == "POST" else None
    candidates = _manager_candidates(actor, column)
    others = [c for c in selectors.column_list(actor=actor) if c.pk != column.pk]
    units = [u for u in _units(actor) if u.pk != column.unit_id]
    levels = list(column.levels.all())
    boards = list(selectors.board_choices(actor=actor).select_related("office"))
    forms = {
        "update": ColumnForm(post if op == "update" else None,
                             initial={"name": column.name, "kind": column.kind, "public": column.public}),
        "managers": ManagersForm(post if op == "managers" else None, accounts=candidates,
                                 initial={"managers": [a.pk for a in selectors.column_managers(column)]}),
        "levels": LevelsForm(post if op == "levels" else None, levels=levels),
        "boards": BoardsForm(post if op == "boards" else None, boards=boards,
                             initial={"boards": [b.pk for b in selectors.column_boards(column)]}),
        "merge": MergeForm(post if op == "merge" else None, columns=others),
        "reassign": ReassignForm(post if op == "reassign" else None, units=units),
    }
    runs = {
        "update": lambda d: services.column_update(actor=actor, column=column, **d),
        "managers": lambda d: services.column_managers_set(
            actor=actor, column=column, accounts=[a for a in candidates if a.pk in set(d["managers"])]),
        "boards": lambda d: services.column_boards_set(actor=actor, column=column,
                                                       boards=[b for b in boards if b.pk in set(d["boards"])]),
        "levels": lambda d: services.column_levels_set(actor=actor, column=column, levels=forms["levels"].levels()),
        "merge": lambda d: services.column_merge(actor=actor, column=column,
                                                 into=next(c for c in others if c.pk == d["into"])),
        "reassign": lambda d: services.column_reassign(actor=actor, column=column,
                                                       unit=next(u for u in units if u.pk == d["unit"])),
    }
    if op in forms:
        done = form_post(request, forms[op], runs[op], success=lambda c: reverse("publish:column", args=[c.pk]),
                         message=_("已保存"))
        if done:
            return done
    return render(request, "publish/column_detail.html", {
        "column": column, "forms": forms, "levels": levels, "ownerships": selectors.column_ownerships(column),
        "managers": selectors.column_managers(column), "interaction": column.kind == ColumnKind.INTERACTION,
        "boards": selectors.column_boards(column)})


@requires(perms.COLUMN_MANAGE)
def health(request):
    """Column health per owning unit: the actor's own unit by default, any unit of its scope by ``?unit=``."""
    actor = request.actor
    units = _units(actor)
    chosen = next((u for u in units if str(u.pk) == request.GET.get("unit", "")), None)
    chosen = chosen or next((u for u in units if u.pk == actor.unit_id), None) or (units[0] if units else None)
    rows = column_health(actor=actor, unit_path=chosen.path) if chosen else []
    if request.GET.get("output") == "xlsx" and chosen is not None:
        return exports.column_health_export(actor=actor, unit=chosen, rows=rows).response(
            f"column-health-{stamp()}.xlsx")
    return render(request, "publish/health.html", {"rows": rows, "units": units, "chosen": chosen,
                                                   "counts": column_health_counts(rows)})


# --- posts -----------------------------------------------------------------------------------------------


@requires(perms.POST_DRAFT)
def posts(request):
    actor = request.actor
    state = request.GET.get("state", "")
    return _page(request, selectors.post_list(actor=actor, state=state), "publish/posts.html", {
        "state": state, "states": PostState.choices, "awaiting": list(selectors.post_list_awaiting(actor=actor)[:50]),
        "can_draft": selectors.column_list_mine(actor=actor).exists()})


def _save(request, form, post=None):
    data, actor = form.cleaned_data, request.actor
    column = next((c for c in selectors.column_list_mine(actor=actor) if c.pk == data["column"]), None)
    if column is None:
        raise NotVisible("栏目不存在或您不是其管理员")
    try:
        return services.post_save(actor=actor, column=column, post=post, title=data["title"], body=data["body"],
                                  publish_at=data["publish_at"], classified=data["classified"],
                                  uploads=data.get("files") or [])
    except DomainError as error:
        upload_refused(form, error)
        return None


def _form_page(request, form, post=None):
    return render(request, "publish/post_form.html", {"form": form, "post": post}, status=upload_form_status(form))


@requires(perms.POST_DRAFT)
@require_http_methods(["GET", "POST"])
def post_new(request):
    mine = list(selectors.column_list_mine(actor=request.actor))
    form = PostForm(request.POST or None, request.FILES or None, columns=mine,
                    initial={"column": request.GET.get("column")})
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form)
        if saved is not None:
            messages.success(request, _("已保存草稿"))
            return redirect("publish:post", saved.pk)
    return _form_page(request, form)


@requires(perms.POST_DRAFT)
@require_http_methods(["GET", "POST"])
def post_edit(request, pk):
    post = selectors.post_get(actor=request.actor, pk=pk)
    if post.drafter_id != request.actor.account_id or post.state != PostState.DRAFT:
        raise NotVisible()
    mine = list(selectors.column_list_mine(actor=request.actor))
    initial = {"column": post.column_id, "title": post.title, "body": post.body, "publish_at": post.publish_at}
    form = PostForm(request.POST or None, request.FILES or None, columns=mine, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, post)
        if saved is not None:
            messages.success(request, _("已保存草稿"))
            return redirect("publish:post", saved.pk)
    return _form_page(request, form, post)


@requires(perms.POST_DRAFT)
@require_http_methods(["GET", "POST"])
def post_detail(request, pk):
    actor = request.actor
    post = selectors.post_get(actor=actor, pk=pk)
    op = request.POST.get("op", "")
    data = request.POST if request.method == "POST" else None
    review_form = ReviewForm(data if op == "review" else None)
    withdraw_form = WithdrawForm(data if op == "withdraw" else None)
    if op == "submit":
        try:
            services.post_submit(actor=actor, post=post)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已送审"))
        return redirect("publish:post", post.pk)
    if op == "review":
        done = form_post(request, review_form, lambda d: services.post_review(
            actor=actor, post=post, approve=d["decision"] == "approve", opinion=d["opinion"]),
            success=reverse("publish:posts"), message=_("已提交审核意见"))
        if done:
            return done
    if op == "withdraw":
        done = form_post(request, withdraw_form, lambda d: services.post_withdraw(actor=actor, post=post, **d),
                         success=reverse("publish:post", args=[post.pk]), message=_("已撤回"))
        if done:
            return done
    post.refresh_from_db()
    own = post.drafter_id == actor.account_id
    return render(request, "publish/post_detail.html", {
        "post": post, "own": own, "approvals": selectors.approval_list(post),
        "levels": list(post.column.levels.all()),
        "attachments": selectors.post_attachments(post),
        "submit_reason": reason_against(services.post_submit_check, actor=actor, post=post) if own else "-",
        "review_reason": reason_against(services.post_review_check, actor=actor, post=post),
        "may_withdraw": post.state in (PostState.PUBLISHED, PostState.SCHEDULED)
        and policy.can(actor, perms.POST_WITHDRAW, post.unit_path),
        "review_form": review_form, "withdraw_form": withdraw_form,
    })


@requires(perms.POST_DRAFT)
def post_approvals_pdf(request, pk):
    post = selectors.post_get(actor=request.actor, pk=pk)
    pdf = exports.approval_pdf_export(actor=request.actor, post=post)
    return pdf_response(pdf, f"发布审批单-{post.pk}.pdf")


def _attachment_of(post, attachment_pk):
    return attachment_response(selectors.post_attachment_get(post, attachment_pk))


@requires(perms.POST_DRAFT)
def post_attachment(request, pk, attachment_pk):
    return _attachment_of(selectors.post_get(actor=request.actor, pk=pk), attachment_pk)


# --- sensitive words -------------------------------------------------------------------------------------


@requires(perms.WORD_MANAGE)
@require_http_methods(["GET", "POST"])
def words(request):
    form = WordForm(request.POST or None)
    done = form_post(request, form, lambda d: services.word_add(actor=request.actor, **d),
                     success=reverse("publish:words"), message=lambda w: _("已添加敏感词“%(w)s”") % {"w": w.word})
    return done or render(request, "publish/words.html", {"form": form, "rows": selectors.word_list()})


@requires(perms.WORD_MANAGE)
@require_POST
def word_remove(request, pk):
    word = selectors.word_list().filter(pk=pk).first()
    if word is None:
        raise NotVisible("敏感词不存在")
    services.word_remove(actor=request.actor, word=word)
    messages.success(request, _("已删除敏感词“%(w)s”") % {"w": word.word})
    return redirect("publish:words")
