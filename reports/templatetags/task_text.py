"""A task's heading and its text in the plan, for the report page: the same for every report of the plan, so rendered
once per process for what it shows (the page lists every task of the agency, each two templates deep)."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

register = template.Library()

_RENDERED: dict[tuple, str] = {}
_MAX_RENDERED = 4096  # a few plans' tasks; past that, start again


def _shown(section) -> tuple:
    """Everything reports/_task_title.html and reports/_section_context.html show of `section`: the key of its
    rendering, so a plan reloaded or a section edited renders afresh."""
    parent = section.parent if section.parent_id else None
    return (
        section.get_absolute_url(), section.code, section.title, section.content, section.kind,
        (parent.label, parent.title) if parent else None,
        tuple((child.number, child.content) for child in section.children.all()),
        section.lead_text, section.coordinating_text,
    )  # fmt: skip


@register.simple_tag
def task_text(section) -> str:
    """reports/_task_title.html then reports/_section_context.html for `section`."""
    key = _shown(section)
    html = _RENDERED.get(key)
    if html is None:
        context = {"s": section}
        html = get_template("reports/_task_title.html").render(context)
        html += get_template("reports/_section_context.html").render(context)
        if len(_RENDERED) >= _MAX_RENDERED:
            _RENDERED.clear()
        _RENDERED[key] = html
    return mark_safe(html)
