"""``{{ widget.optgroups|options }}``: a select's options written in Python, for the project's
select template (``templates/django/forms/widgets/select.html``); ``{{ widget.attrs|attrs }}``:
a widget's or a label's attributes, for the project's ``attrs.html`` templates.

Django's select writes each option through the template engine: on a filter of a hundred kinds
of audit entry that was 11 ms of a 30 ms page, on every list. The markup is Django's own, every
value, label and attribute escaped; attributes as ``flatatt`` writes them (``selected``, not
``selected="True"``)."""

from typing import Any

from django import template
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString

register = template.Library()


def _option(option: dict[str, Any]) -> str:
    attrs = flatatt(option["attrs"]) if option["attrs"] else ""
    value, label = escape(str(option["value"])), conditional_escape(option["label"])
    return f'\n  <option value="{value}"{attrs}>{label}</option>'


@register.filter
def attrs(given: dict[str, Any] | None) -> SafeString:
    """As Django's ``attrs.html`` writes them, in their order: ``False`` left out, ``True`` as
    the name alone, anything else (``None`` too) as its text, escaped. No attributes (a label
    without any is given ``None``) write nothing."""
    if not given:
        return SafeString("")
    return SafeString(
        "".join(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{escape(str(value))}"'
            for name, value in given.items()
            if value is not False
        )
    )


@register.filter
def options(optgroups: list[tuple[Any, list[dict[str, Any]], int]]) -> SafeString:
    drawn = []
    for group_name, choices, _index in optgroups:
        inner = "".join(_option(o) for o in choices)
        if group_name:
            label = conditional_escape(group_name)
            drawn.append(f'\n  <optgroup label="{label}">{inner}\n  </optgroup>')
        else:
            drawn.append(inner)
    return SafeString("".join(drawn))
