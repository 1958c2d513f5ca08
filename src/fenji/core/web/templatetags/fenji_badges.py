"""The badges every list and detail page shows, in one place: a state and a due date.

    {% load fenji_badges %}
    {% status_badge r.state r.get_state_display ok="done" neutral="pending" other="off" %}
    {% due_badge step.due_at overdue=step.overdue still_open=step.is_open late_label=_("超期办理") %}

The tone of a status is decided by its value: ``ok`` and ``off`` name the values (space-separated)
shown green and red, ``neutral`` the ones shown grey, and ``other`` is the tone of every value not
named ("" for grey). Apps name their states here and keep no badge markup of their own.
"""

from django import template

register = template.Library()


def _among(value, names: str) -> bool:
    return str(value) in names.split()


@register.inclusion_tag("web/_status_badge.html")
def status_badge(value, label, ok="", off="", neutral="", other="", id="", extra=""):
    if _among(value, ok):
        tone = "ok"
    elif _among(value, off):
        tone = "off"
    elif _among(value, neutral):
        tone = ""
    else:
        tone = other
    return {"label": label, "tone": tone, "id": id, "extra": extra}


@register.inclusion_tag("web/_status_badge.html")
def badge(label, tone="", id="", extra=""):
    """A badge whose tone the page already knows: ``{% badge _("验章通过") "ok" id="seal-badge" %}``."""
    return {"label": label, "tone": tone, "id": id, "extra": extra}


@register.inclusion_tag("web/_due_badge.html")
def due_badge(at, overdue=False, still_open=False, open_label="", late_label="", on_time=False, provisional=False,
              provisional_title="", extra=""):
    """The due (or done) time, "（暂定）" while the year's holidays are unconfirmed, and a red badge
    when late: ``open_label`` while still waiting, ``late_label`` once done late; ``on_time`` shows
    a green "按时" when done in time. No time: "—"."""
    return {"at": at, "overdue": overdue, "still_open": still_open, "open_label": open_label,
            "late_label": late_label, "on_time": on_time, "provisional": provisional,
            "provisional_title": provisional_title, "extra": extra}
