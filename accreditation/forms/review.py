"""Forms of the review: the conflict-of-interest declaration and the score sheet of one
reviewer."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from activity.validators import TextLimit

from ..models import Criterion, ReviewAssignment, Score


class DeclarationForm(forms.Form):
    conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this organisation?"),
        help_text=_(
            "For example: you work or worked for it, you are related to its staff, or you "
            "have a financial or personal interest in the decision."
        ),
        choices=[("no", _("No, I have no conflict of interest")), ("yes", _("Yes"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    statement = forms.CharField(
        label=_("Statement"),
        help_text=_("If you have a conflict, describe it. You will not review this application."),
        required=False,
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@dataclass
class CriterionFields:
    criterion: Criterion
    score: forms.BoundField
    comment: forms.BoundField
    internal: forms.BoundField


class ScoresForm(forms.Form):
    """One radio group (the criterion's anchored levels) and one comment per criterion. Scores
    may be left empty while saving a draft; submission needs them all."""

    def __init__(
        self,
        *args: Any,
        criteria: list[Criterion],
        scores: Mapping[int, Score] | None = None,
        **kwargs: Any,
    ) -> None:
        scores = scores or {}
        initial = kwargs.setdefault("initial", {})
        for criterion_id, score in scores.items():
            initial[f"score_{criterion_id}"] = str(score.score)
            initial[f"comment_{criterion_id}"] = score.comment
            initial[f"internal_{criterion_id}"] = score.internal
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("Score for “%(name)s”") % {"name": criterion.name},
                choices=[
                    (str(level.score), f"{level.score} – {level.description}")
                    for level in criterion.levels.all()
                ],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(name)s”") % {"name": criterion.name},
                required=False,
                max_length=TextLimit.TEXT,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_(
                    "The applicant reads your comment, as “Reviewer 1” or “Reviewer 2”, once "
                    "the application is decided, unless you keep it internal."
                ),
            )
            self.fields[f"internal_{criterion.pk}"] = forms.BooleanField(
                label=_("Keep this comment internal (the administration only)"),
                required=False,
            )

    def rows(self) -> Iterator[CriterionFields]:
        for criterion in self.criteria:
            yield CriterionFields(
                criterion,
                self[f"score_{criterion.pk}"],
                self[f"comment_{criterion.pk}"],
                self[f"internal_{criterion.pk}"],
            )

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {
            c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"])
            for c in self.criteria
        }

    def internal_ids(self) -> list[int]:
        """The criteria whose comment the reviewer keeps internal."""
        return [c.pk for c in self.criteria if self.cleaned_data[f"internal_{c.pk}"]]


class AssignmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=ReviewAssignment.Status.choices, label=_("Status"), empty_label=_("Any status")
    )

    class Meta:
        model = ReviewAssignment
        fields = ["status"]
