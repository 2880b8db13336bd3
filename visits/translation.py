"""The entrance protocol's texts in each language the deployment offers
(django-modeltranslation): a visitor reads the motives and techniques in their own language."""

from modeltranslation.translator import TranslationOptions, register

from .models import EntranceProtocol, ProtocolMeasure


@register(EntranceProtocol)
class ProtocolTexts(TranslationOptions):
    fields = ("summary", "may_carry", "monitoring_bodies", "emergency")


@register(ProtocolMeasure)
class MeasureTexts(TranslationOptions):
    fields = ("technique", "reason")
