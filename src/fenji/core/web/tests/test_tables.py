"""The shared list table: header from the columns, the rows, or one "nothing here" row across them all."""

from django.template import Context, Template

PAGE = ('{% load fenji_tables %}{% list_table rows id="requests" empty=_("暂无") %}'
        '{% column _("事项") %}{% column "件数" num=True %}'
        '{% rows %}{% for r in rows %}<tr><td>{{ r }}</td><td class="num">1</td></tr>{% endfor %}{% end_list_table %}')


def render(rows) -> str:
    return Template(PAGE).render(Context({"rows": rows}))


def test_rows_under_the_columns():
    html = render(["<甲>", "乙"])
    assert html.startswith('<div class="table-wrap"><table class="list" id="requests">')
    assert '<thead><tr><th>事项</th><th class="num">件数</th></tr></thead>' in html
    assert "<tr><td>&lt;甲&gt;</td>" in html and "<tr><td>乙</td>" in html
    assert "暂无" not in html


def test_no_rows_says_so_across_every_column():
    assert '<tr><td colspan="2" class="muted">暂无</td></tr>' in render([])
