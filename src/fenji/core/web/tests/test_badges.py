"""The shared badges: the tone follows the value, the due badge says late, on time or still open."""

import datetime

from django.template import Context, Template
from django.utils import translation

AT = datetime.datetime(2026, 11, 2, 9, 30)


def render(source: str, **context) -> str:
    with translation.override("zh-hans"):
        return Template("{% load fenji_badges %}" + source).render(Context(context))


def test_a_status_takes_the_tone_named_for_its_value():
    tag = '{% status_badge state label ok="done" neutral="pending" other="off" %}'
    assert render(tag, state="done", label="已办结") == '<span class="badge badge-ok">已办结</span>'
    assert render(tag, state="pending", label="办理中") == '<span class="badge">办理中</span>'
    assert render(tag, state="rejected", label="未通过") == '<span class="badge badge-off">未通过</span>'
    assert render('{% status_badge flag "有效" ok="True" other="off" %}', flag=False) == (
        '<span class="badge badge-off">有效</span>')


def test_a_badge_keeps_its_id_and_escapes_its_label():
    assert render('{% badge label "ok" id="seal-badge" %}', label="<b>通过</b>") == (
        '<span class="badge badge-ok" id="seal-badge">&lt;b&gt;通过&lt;/b&gt;</span>')


def test_the_due_badge_says_whether_the_work_is_late():
    tag = ('{% due_badge at overdue=overdue still_open=still_open open_label="已超期" late_label="超期办理" '
           'on_time=on_time provisional=provisional provisional_title="暂定说明" %}')
    base = {"at": AT, "overdue": False, "still_open": True, "on_time": None, "provisional": False}
    assert render(tag, **base) == "2026-11-02 09:30"
    assert render(tag, **base | {"overdue": True}) == '2026-11-02 09:30 <span class="badge badge-off">已超期</span>'
    assert render(tag, **base | {"overdue": True, "still_open": False}).endswith(
        '<span class="badge badge-off">超期办理</span>')
    assert render(tag, **base | {"still_open": False, "on_time": True}).endswith(
        '<span class="badge badge-ok">按时</span>')
    assert '<span class="muted provisional" title="暂定说明">（暂定）</span>' in render(tag, **base | {"provisional": True})
    assert render(tag, **base | {"at": None}) == "—"
