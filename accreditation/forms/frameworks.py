"""Forms for writing the accreditation rules."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

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


class FrameworkForm(forms.ModelForm):
    class Meta:
        model = Framework
        fields = [
            "title",
            "introduction",
            "pass_threshold",
            "validity_months",
            "review_days",
            "spread_threshold",
            "appeal_days",
            "reapply_after_days",
        ]


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = [
            "name",
            "code",
            "description",
            "weight",
            "minimum_score",
            "evidence",
            "document_required",
        ]


class LevelForm(forms.Form):
    """One anchored point of a scale. A row left empty is no level."""

    score = forms.IntegerField(label=_("Score"), min_value=0, max_value=100, required=False)
    description = forms.CharField(label=_("What it means"), max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        score, description = cleaned.get("score"), (cleaned.get("description") or "").strip()
        if score is None and description and "score" not in self.errors:
            self.add_error("score", _("Give this level a score."))
        if score is not None and not description:
            self.add_error("description", _("Say what this score means."))
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

    def levels(self) -> list[tuple[int, str]]:
        """The filled rows as ``(score, meaning)``, lowest score first."""
        rows = [
            (form.cleaned_data["score"], form.cleaned_data["description"].strip())
            for form in self.forms
            if form.cleaned_data.get("score") is not None
        ]
        return sorted(rows)


# formset_factory returns a subclass of the ``formset`` it is given; the stubs say only BaseFormSet.
LevelFormSet = cast(
    type[BaseLevelFormSet],
    forms.formset_factory(LevelForm, formset=BaseLevelFormSet, extra=2, max_num=20),
)


def level_formset(
    data: Any = None, levels: list[tuple[int, str]] | None = None
) -> BaseLevelFormSet:
    initial = [{"score": score, "description": text} for score, text in levels or []]
    return LevelFormSet(data, initial=initial, prefix="levels")
