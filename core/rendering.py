"""How forms render: every field through one template, templates/forms/field.html, so that
a label, its "(optional)", the hint, the errors and the ids that tie them to the input come
from the form class and cannot drift between pages. Templates write
`{{ form.<name>.as_field_group }}` (or `{{ form }}` for a whole form)."""

from django import forms
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """The project's templates (templates/forms/) over Django's own widget templates."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def grouped(
    field: forms.Field, *, group_class: str = "", hide_optional: bool = False, no_choices: str = ""
) -> forms.Field:
    """`field`, told how its group renders: `group_class` is added to the wrapper's classes
    (a grid of choices, say); `hide_optional` drops "(optional)" where the page says it
    another way (one of two fields, or questions asked only when there is a cost);
    `no_choices` is what a list of choices says when it has none."""
    field.group_class = group_class
    field.hide_optional = hide_optional
    field.no_choices = no_choices
    return field


class FilterForm(forms.Form):
    """A GET form that narrows a list. Every field may be left empty, and the page says so
    ("Any", "Every change"), so no field group says "(optional)"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.hide_optional = True
