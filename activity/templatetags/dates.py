"""Django's ``date`` and ``time`` filters, remembered: a built-in library (``TEMPLATES``'
``builtins``) that every template loads, so ``{{ value|date:"DATE_FORMAT" }}`` reads as in
Django's documentation.

Formatting a date is a pure function of the date, its time zone, the format and the language,
yet Django's filters look the format up, build a formatter and translate month names on every
call: about twenty microseconds, three milliseconds for the 150 dates of a fifty-row list. The
same days recur across rows and requests (a day's applications, this month's deadlines), so the
strings are kept, per language, in a bounded cache. A moment shown as a day only ("DATE_FORMAT"
of a ``created_at``) is kept as that day, so that every moment of the day shares one string."""

import datetime as dt
from functools import lru_cache
from typing import Any

from django import template
from django.template import defaultfilters
from django.utils.formats import get_format
from django.utils.translation import get_language

register = template.Library()

_DJANGO = {"date": defaultfilters.date, "time": defaultfilters.time}

#: Format characters that read only the day (https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date).
_DAY_ONLY = frozenset("dDjlLNSwzWFmMntyYoEb")


@lru_cache(maxsize=256)
def _reads_the_day_only(format_string: str) -> bool:
    return "\\" not in format_string and all(c in _DAY_ONLY for c in format_string if c.isalpha())


@lru_cache(maxsize=8192)
def _formatted(kind: str, value: Any, zone: Any, arg: str | None, language: str | None) -> str:
    # ``zone`` and ``language`` are part of the key only: aware datetimes equal as instants
    # compare equal whatever their zone, and the same instant reads differently in Guatemala
    # and Baghdad, in English and in Arabic.
    return _DJANGO[kind](value, arg)


def _remembered(kind: str, value: Any, arg: str | None) -> str:
    if not isinstance(value, dt.date | dt.time):
        # "", None and whatever else Django's filters accept are left to them.
        return _DJANGO[kind](value, arg)
    if (
        kind == "date"
        and isinstance(value, dt.datetime)
        and _reads_the_day_only(get_format(arg or "DATE_FORMAT"))
    ):
        # Already on the reader's clock (the filter expects local time): its day is the day.
        value = value.date()
    zone = value.tzinfo if isinstance(value, dt.datetime | dt.time) else None
    return _formatted(kind, value, zone, arg, get_language())


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    return _remembered("date", value, arg)


@register.filter(expects_localtime=True, is_safe=False)
def time(value: Any, arg: str | None = None) -> str:
    return _remembered("time", value, arg)
