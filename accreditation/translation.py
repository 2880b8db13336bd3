"""The texts an administration writes for the public, kept in each language the deployment
offers (django-modeltranslation): the rules' title and introduction, each criterion's name,
description and the documents that evidence it, and what each level of its scale means.

Each text ``x`` gets a column ``x_<language>``; reading ``x`` gives the reader's language, or
the first language that has the text (settings.MODELTRANSLATION_FALLBACK_LANGUAGES). The forms
require the text in the administration's main language, so that there always is one.
"""

from typing import Any

from django.conf import settings
from django.db.models import Model
from modeltranslation.translator import TranslationOptions, register

from .models import Criterion, Framework, Level

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@register(Framework)
class FrameworkTexts(TranslationOptions):
    fields = ("title", "introduction")


@register(Criterion)
class CriterionTexts(TranslationOptions):
    fields = ("name", "description", "evidence")


@register(Level)
class LevelTexts(TranslationOptions):
    fields = ("description",)


def in_each_language(*names: str) -> list[str]:
    """The columns of ``names`` in every language: ``title_en``, ``title_es``…"""
    return [f"{name}_{code}" for name in names for code in LANGUAGE_CODES]


def texts_of(obj: Model, *names: str) -> dict[str, Any]:
    """Every language's text of ``names`` on ``obj``, to copy them to another row."""
    return {column: getattr(obj, column) for column in in_each_language(*names)}
