"""Texts an administration writes in each language the deployment offers (its rules, its clause
library): the columns django-modeltranslation gives them, and the form that edits them.

Each translated text ``x`` has a column ``x_<language>``; reading ``x`` gives the reader's
language, or the first language that has the text (settings.MODELTRANSLATION_FALLBACK_LANGUAGES).
The forms require the text in the administration's main language, so that there always is one.
"""

from collections.abc import Mapping
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.db.models import Model
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

T = TypeVar("T")

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES)[code])


def in_each_language(*names: str) -> list[str]:
    """The columns of ``names`` in every language: ``title_en``, ``title_es``…"""
    return [f"{name}_{code}" for name in names for code in LANGUAGE_CODES]


def text_columns(name: str, texts: Mapping[str, T]) -> dict[str, T]:
    """The columns of the text ``name`` given as ``{language: text}``: ``{"title_en": …}``, for
    the languages the deployment offers."""
    return {f"{name}_{code}": texts[code] for code in LANGUAGE_CODES if code in texts}


def texts_of(obj: Model, *names: str) -> dict[str, Any]:
    """Every language's text of ``names`` on ``obj``, to copy them to another row."""
    return {column: getattr(obj, column) for column in in_each_language(*names)}


class TextsInEachLanguage(forms.ModelForm):
    """A form with one field per language for each published text. The administration's main
    language is required for the ``required_texts``; the other languages are optional (a reader
    of a language left empty sees another one, the main language's text at the latest)."""

    required_texts: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        main = self.main_language()
        for name in self.fields:
            text, _sep, code = name.rpartition("_")
            if code not in LANGUAGE_CODES or not text:
                continue
            field = self.fields[name]
            field.label = _("%(text)s (%(language)s)") % {
                "text": capfirst(self._meta.model._meta.get_field(text).verbose_name),
                "language": language_name(code),
            }
            field.required = code == main and text in self.required_texts
            # Typed in its own language and direction, whatever the page's.
            bidi = translation.get_language_info(code)["bidi"]
            field.widget.attrs.update({"lang": code, "dir": "rtl" if bidi else "ltr"})
            if code != main:
                field.help_text = ""  # said once, beside the main language

    def main_language(self) -> str:
        raise NotImplementedError

    def main_language_name(self) -> str:
        return language_name(self.main_language())

    def texts(self, name: str) -> dict[str, str | None]:
        """The text ``name`` as typed in each language: ``{"en": …, "es": …}``."""
        return {code: self.cleaned_data.get(f"{name}_{code}") for code in LANGUAGE_CODES}
