"""学习资料: what was published for the reader's unit (``learning.py``), and for 调研法规室 the way to publish more."""

from django.shortcuts import render

from fenji.core.web.query import numbered_page
from fenji.core.web.routes import requires

from . import learning as selectors
from .module import LEARNING_VIEW


@requires(LEARNING_VIEW)
def learning(request):
    search = request.GET.get("q", "").strip()[:50]
    return render(request, "discipline/learning.html", {
        "page": numbered_page(request, selectors.material_list(account=request.user, search=search)),
        "search": search, "columns": selectors.material_columns_mine(actor=request.actor)})
