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


def test_sorting_and_paging_links_keep_the_filters_but_not_junk():
    """A query stuffed with long values is not copied into every link of the answer (its size stays the page's)."""
    from django.test import RequestFactory

    from fenji.core.kernel.pagination import Page

    junk = "长" * 5000
    request = RequestFactory().get("/x/", {"state": "open", "q": junk, **{f"f{n}": "1" for n in range(80)}})
    html = Template('{% load fenji_tables %}{% list_table rows id="t" %}{% column "事项" sort="title" %}'
                    '{% rows %}<tr><td>1</td></tr>{% end_list_table %}{% pager page %}').render(Context({
                        "rows": [1], "request": request,
                        "page": Page(rows=[1], next_cursor="5", total=30, number=1, size=20)}))
    assert "state=open" in html and "sort=title" in html and "after=5" in html
    assert "长" not in html and "%E9%95%BF" not in html  # the long value is dropped from every link
    assert "f10=1" in html and "f79=1" not in html  # and parameters beyond the first fifty
    assert len(html) < 20_000
