"""Forms for writing the accreditation rules."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from activity.texts import LANGUAGE_CODES, TextsInEachLanguage, in_each_language, language_name
from activity.validators import NameField
from directory.models import Administration

from ..models import Criterion, Framework


class FrameworkCreateForm(forms.Form):
    """Which administration's rules get a new version (a director usually has one)."""

    administration = forms.ModelChoiceField(
        queryset=Administration.objects.none(), empty_label=None, label=_("Administration")
    )

    def __init__(self, *args: Any, administrations: QuerySet[Administration], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["administration"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = administrations


class FrameworkForm(TextsInEachLanguage):
    required_texts = ("title",)

    class Meta:
        model = Framework
        fields = [
            *in_each_language("title", "introduction"),
            "pass_threshold",
            "validity_months",
            "review_days",
            "spread_threshold",
            "appeal_days",
            "reapply_after_days",
        ]
        field_classes = dict.fromkeys(in_each_language("title"), NameField)

    def main_language(self) -> str:
        return self.instance.administration.main_language


class CriterionForm(TextsInEachLanguage):
    required_texts = ("name", "description")

    class Meta:
        model = Criterion
        fields = [
            *in_each_language("name"),
            "code",
            *in_each_language("description"),
            "weight",
            "minimum_score",
            *in_each_language("evidence"),
            "document_required",
        ]
        field_classes = dict.fromkeys(in_each_language("name"), NameField)

    def main_language(self) -> str:
        return self.instance.framework.administration.main_language


class LevelForm(forms.Form):
    """One anchored point of a scale, with what it means in each language (the main language
    required). A row left empty is no level."""

    score = forms.IntegerField(label=_("Score"), min_value=0, max_value=100, required=False)

    def __init__(self, *args: Any, main_language: str = settings.LANGUAGE_CODE, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.main_language = main_language
        for code in LANGUAGE_CODES:
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("What it means (%(language)s)") % {"language": language_name(code)},
                max_length=500,
                required=False,
            )

    @property
    def main_language_field(self) -> str:
        return f"description_{self.main_language}"

    def descriptions(self) -> dict[str, str]:
        return {
            code: (self.cleaned_data.get(f"description_{code}") or "").strip()
            for code in LANGUAGE_CODES
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        score, descriptions = cleaned.get("score"), self.descriptions()
        if score is None and any(descriptions.values()) and "score" not in self.errors:
            self.add_error("score", _("Give this level a score."))
        if score is not None and not descriptions[self.main_language]:
            self.add_error(f"description_{self.main_language}", _("Say what this score means."))
        return cleaned


class BaseLevelFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        scores = [score for score, _text in self.levels()]
        if len(scores) < 2:
            raise ValidationError(_("A scale needs at least two anchored levels."))
        if len(set(scores)) != len(scores):
            raise ValidationError(_("Each level of the scale needs its own score."))

    def levels(self) -> list[tuple[int, dict[str, str]]]:
        """The filled rows as ``(score, {language: meaning})``, lowest score first."""
        rows = [
            (form.cleaned_data["score"], form.descriptions())
            for form in self.forms
            if form.cleaned_data.get("score") is not None
        ]
        return sorted(rows, key=lambda row: row[0])


# formset_factory returns a subclass of the ``formset`` it is given; the stubs say only BaseFormSet.
LevelFormSet = cast(
    type[BaseLevelFormSet],
    forms.formset_factory(LevelForm, formset=BaseLevelFormSet, extra=2, max_num=20),
)


def level_formset(
    data: Any = None,
    levels: list[tuple[int, dict[str, str]]] | None = None,
    *,
    main_language: str = settings.LANGUAGE_CODE,
) -> BaseLevelFormSet:
    initial = [
        {"score": score, **{f"description_{code}": text for code, text in texts.items()}}
        for score, texts in levels or []
    ]
    return LevelFormSet(
        data, initial=initial, prefix="levels", form_kwargs={"main_language": main_language}
    )
