"""Deciding on the vetting of a person."""

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.validators import TextLimit, plausible_date
from directory.models import Administration

from .mechanisms import DateInput


class ClearanceRequestForm(forms.Form):
    administration = forms.ModelChoiceField(
        label=_("Administration"),
        queryset=Administration.objects.order_by("name"),
        empty_label=None,
        help_text=_("The prison administration asked to vet this person."),
        error_messages={"invalid_choice": _("Choose an administration that vets people.")},
    )


class ClearanceDecisionForm(forms.Form):
    CLEAR = "clear"
    REFUSE = "refuse"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(CLEAR, _("Clear this person")), (REFUSE, _("Refuse"))],
        widget=forms.RadioSelect,
    )
    valid_until = forms.DateField(
        label=_("Cleared until"),
        required=False,
        widget=DateInput(),
        validators=[plausible_date],
        help_text=_("Needed to clear: the clearance runs from today until this date."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to refuse. The organisation reads it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].initial = timezone.localdate() + timedelta(days=365)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        decision = cleaned.get("decision")
        if (
            decision == self.CLEAR
            and not cleaned.get("valid_until")
            and "valid_until" not in self.errors
        ):
            self.add_error("valid_until", _("Give the date the clearance ends."))
        if decision == self.REFUSE and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("A refusal needs a reason."))
        return cleaned

    @property
    def cleared(self) -> bool:
        return self.cleaned_data["decision"] == self.CLEAR
