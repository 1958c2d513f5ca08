"""The list table every list page shows, in one place.

    {% load fenji_tables %}
    {% list_table page.rows id="requests" empty=_("暂无") %}
      {% column _("申请事项") %}{% column _("件数") num=True %}
    {% rows %}
      {% for r in page.rows %}<tr>…</tr>{% endfor %}
    {% end_list_table %}

The wrapper (scrolling on narrow screens), the header row and the "nothing here" row spanning
every column come from ``web/_table.html``; a page writes only its columns and its rows.
"""

from django import template
from django.template.library import SimpleNode, parse_bits

from fenji.core.kernel.pagination import OFFSET_CAP, PAGE_SIZE, PAGE_SIZES

from ..query import kept_query

register = template.Library()


@register.simple_tag(takes_context=True)
def column(context, label, num=False, sort=""):
    """A column header; with ``sort`` (a key the view allows, ``web.query.sorting``) a link that sorts by it,
    ascending first, then descending, keeping the filters and starting again at page 1."""
    link, direction = "", ""
    request = context.get("request")
    if sort and request is not None:
        current = request.GET.get("sort", "")
        direction = "asc" if current == sort else "desc" if current == f"-{sort}" else ""
        query = kept_query(request, "sort", "after", "page")
        query["sort"] = f"-{sort}" if current == sort else sort
        link = "?" + query.urlencode()
    return template.loader.render_to_string("web/_table_column.html", {
        "label": label, "num": num, "link": link, "direction": direction})


class ListTableNode(template.Node):
    def __init__(self, rows, options, head, body):
        self.rows, self.options, self.head, self.body = rows, options, head, body
        self.columns = sum(1 for node in head.get_nodes_by_type(SimpleNode) if node.func is column)

    def render(self, context):
        rows = self.rows.resolve(context)
        options = {name: value.resolve(context) for name, value in self.options.items()}
        return context.template.engine.get_template("web/_table.html").render(template.Context({
            "id": options.get("id", ""), "empty": options.get("empty", ""), "columns": self.columns,
            "head": self.head.render(context), "body": self.body.render(context) if rows else "",
            "has_rows": bool(rows),
        }, autoescape=context.autoescape))


@register.tag
def list_table(parser, token):
    bits = token.split_contents()[1:]
    args, options = parse_bits(parser, bits, ["rows"], None, None, None, ["id", "empty"],
                                {"id": "", "empty": ""}, False, "list_table")
    head = parser.parse(("rows",))
    parser.delete_first_token()
    body = parser.parse(("end_list_table",))
    parser.delete_first_token()
    return ListTableNode(args[0], options, head, body)


@register.inclusion_tag("web/_pager.html", takes_context=True)
def pager(context, page):
    """``{% pager page %}``: the total, the page numbers (within the OFFSET cap), the next page by cursor, the
    page size and a jump box; every link keeps the page's filters."""
    request = context["request"]
    query = kept_query(request, "after", "page", "size")
    keep = [(name, value) for name, values in query.lists() for value in values]
    base = query.urlencode()
    sized = f"size={page.size}" if page.size != PAGE_SIZE else ""
    prefix = "&".join(part for part in (base, sized) if part)
    return {"page": page, "prefix": prefix + "&" if prefix else "", "keep": keep, "sizes": PAGE_SIZES,
            "numbers": page.numbers, "cap": OFFSET_CAP}
