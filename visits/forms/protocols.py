"""Forms of the entrance protocol: a draft's texts in each language and its default search
levels, and one search level's measure. They validate what was typed; the services decide."""

from activity.texts import TextsInEachLanguage, in_each_language

from ..models import EntranceProtocol, ProtocolMeasure
from ..services.protocols import MEASURE_TEXTS, TEXTS


class ProtocolForm(TextsInEachLanguage):
    required_texts = TEXTS

    class Meta:
        model = EntranceProtocol
        fields = [
            *in_each_language(*TEXTS),
            "organisation_level",
            "monitor_level",
            "expert_level",
        ]

    def main_language(self) -> str:
        return self.instance.facility.administration.main_language


class MeasureForm(TextsInEachLanguage):
    required_texts = MEASURE_TEXTS

    class Meta:
        model = ProtocolMeasure
        fields = in_each_language(*MEASURE_TEXTS)

    def main_language(self) -> str:
        return self.instance.protocol.facility.administration.main_language
