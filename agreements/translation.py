"""The clause library's texts in each language the deployment offers (django-modeltranslation):
a clause's title, a version's wording and a template's name. An MoU itself is negotiated in
one language, its own; its clauses are copied from the library in that language."""

from modeltranslation.translator import TranslationOptions, register

from .models import Clause, ClauseVersion, Template


@register(Clause)
class ClauseTexts(TranslationOptions):
    fields = ("title",)


@register(ClauseVersion)
class ClauseVersionTexts(TranslationOptions):
    fields = ("wording",)


@register(Template)
class TemplateTexts(TranslationOptions):
    fields = ("name", "description")
