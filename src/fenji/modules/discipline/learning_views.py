"""学习资料: what was published for the reader's unit (``learning.py``), and for 调研法规室 the way to publish more."""

from django.shortcuts import render

from fenji.core.web.query import numbered_page
from fenji.core.web.routes import requires

from . import learning as selectors
from .forms import LearningFilterForm
from .module import LEARNING_VIEW


@requires(LEARNING_VIEW)
def learning(request):
    form = LearningFilterForm(request.GET or None)
    search = form.cleaned_data["q"].strip() if form.is_bound and form.is_valid() else ""
    return render(request, "discipline/learning.html", {
        "page": numbered_page(request, selectors.material_list(account=request.user, search=search)),
        "form": form, "columns": selectors.material_columns_mine(actor=request.actor)})
