"""`|report_field` and `{% report_addon %}`: crispy-forms' `|as_crispy_field` and `{% crispy_addon %}` for the report
page's fields, kept once rendered.

A report page is opened again and again with most of its fields as they were (a save changes one or two, the page it
leads back to shows the same sixty), and each field costs crispy-forms a template and a widget. A field of a form
not posted (no errors to show) renders to the same markup whenever everything it is made of is the same: its name and
id, its label and help text, its field and widget (their kinds, attributes, choices, whether required or disabled),
and its value. That markup is kept in this process under all of it, so a field whose value changed (or a plan's label
edited) renders afresh; a form posted back (with its errors) always renders afresh."""

import hashlib

from crispy_forms.templatetags.crispy_forms_field import crispy_addon
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.safestring import mark_safe

register = template.Library()

_RENDERED: dict[bytes, str] = {}
_MAX_CHARACTERS = 8_000_000  # what is kept, at most (some 16 MB: long texts are most of it); past that, start again
_kept = 0  # characters kept now


def _made_of(field, *around) -> bytes | None:
    """What the markup of bound field `field` (with the text `around` it, an addon's) is made of, hashed; None for a
    field not to keep (its form posted, or choices read from the database)."""
    form, kind, widget = field.form, field.field, field.field.widget
    if form.is_bound or isinstance(kind, forms.ModelChoiceField):
        return None
    choices = getattr(kind, "choices", None)
    parts = (
        type(form), field.html_name, field.auto_id, str(field.label), str(field.help_text), kind.required,
        kind.disabled, kind.show_hidden_initial, form.use_required_attribute, type(kind), type(widget),
        sorted((name, str(value)) for name, value in widget.attrs.items()), getattr(widget, "input_type", None),
        [(str(value), str(label)) for value, label in choices] if choices is not None else None,
        field.value(), field.css_classes(), [str(text) for text in around],
    )  # fmt: skip
    return hashlib.blake2b(repr(parts).encode(), digest_size=20).digest()


def _kept_or(key, render) -> str:
    """What was kept under `key`, else `render()` kept under it (None: rendered, not kept)."""
    global _kept
    if key is None:
        return render()
    html = _RENDERED.get(key)
    if html is None:
        html = render()
        if _kept + len(html) > _MAX_CHARACTERS:
            _RENDERED.clear()
            _kept = 0
        _RENDERED[key] = html
        _kept += len(html)
    return mark_safe(html)


@register.filter
def report_field(field):
    """`field|as_crispy_field`, rendered once for what it is made of (see the module)."""
    return _kept_or(_made_of(field), lambda: as_crispy_field(field))


@register.simple_tag
def report_addon(field, append="", prepend=""):
    """`{% crispy_addon field append=… prepend=… %}`, rendered once for what it is made of (see the module)."""
    return _kept_or(_made_of(field, "addon", append, prepend), lambda: crispy_addon(field, append, prepend))
