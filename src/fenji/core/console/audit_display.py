"""How the audit log reads for a person: actions by their Chinese label, objects by name with a link, units
by their path of names, details as a field table with before/after values.

Everything here works a page (or an export chunk) at a time: one query per object type and one for all the
units on it, never one per row.
"""

import json
from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from fenji.core.access import registry
from fenji.core.kernel import modules
from fenji.core.org.selectors import unit_path_labels

# Object types whose page the viewer links to (target_type → URL name taking the pk), and the related rows
# loaded with an object so that naming it costs no further query.
OBJECT_PAGES = {
    "people.account": "people:account",
    "org.unit": "org:unit",
    "workflow.request": "workflow:detail",
    "dispatch.dispatch": "dispatch:detail",
    "dispatch.delivery": "dispatch:delivery",
    "submissions.submission": "submissions:detail",
}
NAMED_WITH = {"people.account": ("person",), "dispatch.delivery": ("dispatch",), "access.grant": ("account__person",)}

# Detail keys written by many services, shown by their Chinese names (others are shown as written).
DETAIL_LABELS = {
    "channel": _("渠道"), "op": _("操作"), "kind": _("类型"), "reason": _("原因"), "title": _("标题"),
    "rule": _("规则"), "name": _("名称"), "dispatch": _("公文"), "year": _("年度"), "version": _("版本"),
    "source": _("来源"), "path": _("路径"), "account": _("账号"), "unit": _("单位"), "rows": _("行数"),
    "tokens_revoked": _("吊销的令牌数"), "sms_sent": _("已发短信"), "sms_failed": _("短信失败"),
    "sessions_ended": _("结束的会话数"), "method": _("方式"), "filters": _("查询条件"), "fields": _("字段"),
    "deliveries": _("送达单位数"), "days": _("天数"), "targets": _("目标"), "message": _("说明"),
    "note": _("备注"), "mobile": _("手机号码"), "real_name": _("姓名"), "role": _("角色"),
    "results": _("结果条数"), "count": _("数量"), "error": _("错误"), "reference": _("文号"), "size": _("大小"),
    "units": _("单位"), "changes": _("变更"), "before": _("变更前"), "after": _("变更后"), "number": _("号码"),
    "id_number": _("身份证号码"), "gender": _("性别"), "birth_date": _("出生日期"), "grants_ended": _("结束的授权"),
    "from_unit": _("原单位"), "to_unit": _("新单位"), "mobile_masked": _("手机号码"),
}


def action_label(code: str) -> str:
    return str(registry.audit_label(code))


def module_label(code: str) -> str:
    """The module (app) an action code belongs to, by its Chinese name: the code's first word."""
    name = code.split(".", 1)[0]
    return str(modules.get(name).label) if modules.is_registered(name) else name


def module_choices() -> list[tuple[str, str]]:
    """The modules that have written or may write audit events, as (code prefix, Chinese name)."""
    names = {code.split(".", 1)[0] for code in registry.audit_actions()}
    return sorted(((name, module_label(name + ".")) for name in names), key=lambda pair: pair[0])


@dataclass
class DetailRow:
    label: str
    value: str = ""
    before: str = ""
    after: str = ""
    changed: bool = False


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, dict):
        return "；".join(f"{DETAIL_LABELS.get(k, k)}：{_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "、".join(_text(v) for v in value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _is_change(value) -> bool:
    return isinstance(value, dict) and set(value) == {"before", "after"}


def detail_rows(details: dict) -> list[DetailRow]:
    """The details as field rows: ``{"x": {"before": a, "after": b}}`` and ``{"changes": {...}}`` become
    before/after rows, every other key a plain row."""
    rows = []
    for key, value in (details or {}).items():
        if key == "changes" and isinstance(value, dict) and all(_is_change(v) for v in value.values()):
            rows += [DetailRow(str(DETAIL_LABELS.get(k, k)), before=_text(v["before"]), after=_text(v["after"]),
                               changed=True) for k, v in value.items()]
        elif _is_change(value):
            rows.append(DetailRow(str(DETAIL_LABELS.get(key, key)), before=_text(value["before"]),
                                  after=_text(value["after"]), changed=True))
        else:
            rows.append(DetailRow(str(DETAIL_LABELS.get(key, key)), value=_text(value)))
    return rows


def unit_paths(paths) -> dict[str, str]:
    """Each unit path → "江苏省 / 南京市 / 玄武区" (one query for all of them)."""
    return unit_path_labels(paths)


def _objects(kind: str, ids: set[str]) -> dict[str, object]:
    try:
        model = apps.get_model(kind)
    except (LookupError, ValueError):
        return {}
    pks = [int(i) for i in ids if i.isdigit() and len(i) < 19]
    if not pks:
        return {}
    rows = model._base_manager.filter(pk__in=pks)  # names only, for events the auditor may already read
    if NAMED_WITH.get(kind):
        rows = rows.select_related(*NAMED_WITH[kind])
    return {str(row.pk): row for row in rows}


def _verbose(kind: str) -> str:
    try:
        return str(apps.get_model(kind)._meta.verbose_name)
    except (LookupError, ValueError):
        return kind


@dataclass
class Shown:
    """An event as the viewer shows it."""

    event: object
    action: str
    module: str
    object_kind: str
    object_name: str
    object_url: str
    actor_unit: str
    target_unit: str


def shown(events) -> list[Shown]:
    """The events of one page, each with its labels, object name and link, and unit paths."""
    events = list(events)
    by_kind: dict[str, set[str]] = {}
    for event in events:
        if event.target_type and event.target_id:
            by_kind.setdefault(event.target_type, set()).add(event.target_id)
    found = {kind: _objects(kind, ids) for kind, ids in by_kind.items()}
    paths = unit_paths({e.actor_unit_path for e in events} | {e.target_unit_path for e in events})
    result = []
    for event in events:
        row = found.get(event.target_type, {}).get(event.target_id)
        url = ""
        if row is not None and event.target_type in OBJECT_PAGES:
            try:
                url = reverse(OBJECT_PAGES[event.target_type], args=[row.pk])
            except NoReverseMatch:
                url = ""
        kind = _verbose(event.target_type) if event.target_type else ""
        name = str(row) if row is not None else (f"#{event.target_id}" if event.target_id else "")
        result.append(Shown(event, action_label(event.action), module_label(event.action), kind, name, url,
                            paths.get(event.actor_unit_path, ""), paths.get(event.target_unit_path, "")))
    return result
