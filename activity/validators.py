"""Checks on what people type, shared by every app: names that go into e-mail headers and
official documents, sizes of free text, numbers and dates that later feed date arithmetic."""

import unicodedata
import zoneinfo
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

#: Characters that change the direction of the text around them without being seen. In a name
#: or a file name they make ``Invoice<U+202E>gpj.exe`` read as ``Invoiceexe.jpg``. Arabic and
#: Hebrew text needs none of them: the direction of each letter is its own.
BIDI_CONTROLS = frozenset(
    "\u061c"  # Arabic letter mark
    "\u200e\u200f"  # left-to-right and right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings, pop, overrides
    "\u2066\u2067\u2068\u2069"  # isolates
)

# Line and paragraph separators end a line as surely as a line break does.
_LINE_BREAKING = {"Cc", "Zl", "Zp"}


class TextLimit:
    """How much text a free-text field holds, by what it is for. Forms enforce these (a
    TextField's ``max_length`` is not a database constraint) and state them to the user."""

    #: A note, a statement, a message or a condition: a paragraph or two.
    NOTE = 2_000
    #: Reasons, grounds, descriptions, a section of an application: a page or two.
    TEXT = 5_000
    #: The evidence for a criterion or the introduction to the rules: several pages.
    LONG = 20_000


def strip_bidi_controls(value: str) -> str:
    """The text without invisible direction controls (see ``BIDI_CONTROLS``)."""
    return "".join(char for char in value if char not in BIDI_CONTROLS)


@deconstructible
class NoControlCharacters:
    """Refuses line breaks, tabs and other control characters in a one-line value such as a
    name: it would break the e-mail header or the document line it is printed on."""

    message = _("Remove the line breaks, tabs or other control characters from this name.")
    code = "control_characters"

    def __call__(self, value: Any) -> None:
        if any(unicodedata.category(char) in _LINE_BREAKING for char in str(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters)

    def __hash__(self) -> int:
        return hash(NoControlCharacters)


no_control_characters = NoControlCharacters()


class NameField(forms.CharField):
    """A form field for a name or a title that is printed in letters, registers and e-mail
    subjects: direction controls are dropped, control characters refused. ModelForms use it
    through ``Meta.field_classes``; the model field carries ``no_control_characters`` as well,
    so the site administration refuses them too."""

    default_validators = [no_control_characters]

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if isinstance(value, str):
            # Stripped again: a control may have hidden spaces at either end.
            value = strip_bidi_controls(value)
            if self.strip:
                value = value.strip()
        return value


#: The dates a deadline or a period may take: enough for any real one, and far enough from
#: the ends of the calendar that adding a period or taking a week off cannot overflow.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)


@deconstructible
class PlausibleDate:
    message = _("Give a date between %(earliest)s and %(latest)s.")
    code = "date_range"

    def __call__(self, value: date | None) -> None:
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlausibleDate)

    def __hash__(self) -> int:
        return hash(PlausibleDate)


plausible_date = PlausibleDate()


def validate_time_zone(value: str) -> None:
    """A name of the IANA time zone database, as ``America/Guatemala``."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})
