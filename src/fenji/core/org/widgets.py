"""A searchable tree picker for one unit, replacing long drop-downs: a hidden input holds the unit's id, a
search box asks ``org:picker`` for the matching units (with their parent path) or the children of one,
only within the reader's scope; a unit outside it answers 404. Without JavaScript the id can still be
typed into the number box."""

from django import forms


def scoped_label(actor, action: str | None = None):
    """``pk -> "江苏省 / 南京市"``: the path of names of a unit the actor may see for ``action`` (the picker's
    current value came from the browser: a unit outside the scope gets no name, like a missing one)."""
    from .selectors import unit_list, unit_path_labels

    def label_of(pk: int) -> str:
        units = unit_list(actor=actor) if action is None else unit_list(actor=actor, action=action)
        path = units.filter(pk=pk).values_list("path", flat=True).first()
        return unit_path_labels([path]).get(path, "") if path else ""

    return label_of


def pick_units_for(form, actor, action: str | None = None, *fields: str) -> None:
    """Let the form's unit pickers (``fields``, default ``unit``) name their current value for ``actor``."""
    for name in fields or ("unit",):
        form.fields[name].widget.label_of = scoped_label(actor, action)


def filter_form(request, form_class, action: str):
    """A list page's filters: ``(form, its cleaned values — {} when invalid —, the unit picked or None)``, the
    form bound to the query string, its unit picker naming units within the reader's scope for ``action``. A unit
    outside it answers like a missing one (``unit_get``)."""
    from .selectors import unit_get

    actor = request.actor
    form = form_class(request.GET or None)
    pick_units_for(form, actor, action)
    data = form.cleaned_data if form.is_valid() else {}
    unit = unit_get(actor=actor, pk=data["unit"], action=action) if data.get("unit") else None
    return form, data, unit


class UnitPicker(forms.NumberInput):
    template_name = "org/_unit_picker.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.label_of = None  # set per request by ``pick_units_for``: pk -> its path of names

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        label = ""
        if value not in (None, "") and self.label_of is not None:
            try:
                label = self.label_of(int(value))
            except (TypeError, ValueError):
                label = ""
        context["widget"]["chosen_label"] = label
        return context
