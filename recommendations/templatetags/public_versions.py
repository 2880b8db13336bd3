"""``{{ version.visited_on|stored_date|date:"DATE_FORMAT" }}``: a date a public version keeps
as text (it is stored as JSON), read back as a date so that it is written in the reader's
language like every other date."""

from datetime import date

from django import template

register = template.Library()


@register.filter
def stored_date(value: str | None) -> date | str | None:
    if not value:
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        return value
