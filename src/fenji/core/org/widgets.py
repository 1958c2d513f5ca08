"""A searchable tree picker for one unit, replacing long drop-downs: a hidden input holds the unit's id, a
search box asks ``org:picker`` for the matching units (with their parent path) or the children of one,
only within the reader's scope; a unit outside it answers 404. Without JavaScript the id can still be
typed into the number box."""

from django import forms


class UnitPicker(forms.NumberInput):
    template_name = "org/_unit_picker.html"

    def __init__(self, attrs=None, *, label_of=None):
        super().__init__(attrs)
        self.label_of = label_of  # pk -> "江苏省 / 南京市" for the current value

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
