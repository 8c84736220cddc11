"""Form widgets rendered in Python, with the same markup as Django's templates.

The review page (29 components, each with radios and a text box) and the
studio's editor (a field set per prompt, requirement and criterion) render
hundreds of widgets. Through Django's widget templates each costs an include
or three; built here from the same context (``Widget.get_context``, so
attributes, ids, ``required``, ``aria-*`` and values are Django's own), the
page takes a fraction of the time. Any other template (error lists, widgets
not listed) goes to Django's renderer unchanged.

A form opts in with ``default_renderer = WidgetRenderer``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import BaseRenderer, get_default_renderer
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core.widget_html import attrs_html

WIDGETS = "django/forms/widgets/"


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    attrs = attrs_html(widget["attrs"])
    return f'<input type="{widget["type"]}" name="{widget["name"]}"{shown}{attrs}>\n'


def _input_option(widget: Mapping[str, Any]) -> str:
    if not widget.get("wrap_label"):
        return _input(widget)
    target = widget["attrs"].get("id")
    label_for = f' for="{conditional_escape(str(target))}"' if target else ""
    return f"<label{label_for}>{_input(widget)} {conditional_escape(widget['label'])}</label>\n"


def _textarea(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    text = conditional_escape(value) if value else ""
    return f'<textarea name="{widget["name"]}"{attrs_html(widget["attrs"])}>\n{text}</textarea>\n'


def _option(widget: Mapping[str, Any]) -> str:
    return (
        f'<option value="{conditional_escape(str(widget["value"]))}"{attrs_html(widget["attrs"])}>'
        f"{conditional_escape(widget['label'])}</option>\n"
    )


def _select(widget: Mapping[str, Any]) -> str:
    out = [f'<select name="{widget["name"]}"{attrs_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            out.append("\n  " + _option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>\n")
    return "".join(out)


def _multiple(widget: Mapping[str, Any]) -> str:
    target = widget["attrs"].get("id")
    css = widget["attrs"].get("class")
    out = [
        "<div",
        f' id="{conditional_escape(str(target))}"' if target else "",
        f' class="{conditional_escape(str(css))}"' if css else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{conditional_escape(group)}</label>")
        for option in options:
            out.append(f"<div>\n    {_input_option(option)}</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>\n")
    return "".join(out)


BUILDERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    WIDGETS + name: builder
    for names, builder in (
        (
            ("input", "text", "number", "hidden", "checkbox", "email", "url", "password"),
            _input,
        ),
        (("input_option", "radio_option", "checkbox_option"), _input_option),
        (("textarea",), _textarea),
        (("select",), _select),
        (("radio", "checkbox_select", "multiple_input"), _multiple),
    )
    for name in names
}


class WidgetRenderer(BaseRenderer):
    """Django's widget templates in Python; every other template through Django."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        builder = BUILDERS.get(template_name.removesuffix(".html"))
        if builder is None:
            return get_default_renderer().render(template_name, context, request)
        # Stripped, as Django's renderers strip a rendered widget template.
        return mark_safe(builder(context["widget"]).strip())  # noqa: S308 (every value escaped)

    def get_template(self, template_name: str) -> Any:
        return get_default_renderer().get_template(template_name)
