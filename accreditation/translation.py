"""The texts an administration writes for the public, kept in each language the deployment
offers (django-modeltranslation): the rules' title and introduction, each criterion's name,
description and the documents that evidence it, and what each level of its scale means.

Each text ``x`` gets a column ``x_<language>``; reading ``x`` gives the reader's language, or
the first language that has the text (settings.MODELTRANSLATION_FALLBACK_LANGUAGES). The forms
require the text in the administration's main language, so that there always is one
(``activity.texts``).
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Criterion, Framework, Level


@register(Framework)
class FrameworkTexts(TranslationOptions):
    fields = ("title", "introduction")


@register(Criterion)
class CriterionTexts(TranslationOptions):
    fields = ("name", "description", "evidence")


@register(Level)
class LevelTexts(TranslationOptions):
    fields = ("description",)
