"""Registering a formal mechanism with its mandate."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from activity.forms import DateInput
from activity.uploads import DocumentField
from directory.models import Administration, Organisation, Person

from ..models import FormalMechanism


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:  # type: ignore[override]
        return f"{obj.full_name} ({obj.organisation.name})"


class MechanismForm(forms.ModelForm):
    """The choices are the director's administrations, the NPMs and special-agreement bodies
    not yet registered, and their people."""

    mandate = DocumentField(
        label=_("Mandate document"),
        help_text=_(
            "The law of creation or the special agreement (PDF, Word, OpenDocument or an image)."
        ),
    )

    class Meta:
        model = FormalMechanism
        fields = [
            "administration",
            "organisation",
            "legal_basis",
            "mandate",
            "valid_from",
            "valid_until",
            "members",
        ]
        field_classes = {"members": MemberChoiceField}
        widgets = {
            "valid_from": DateInput(),
            "valid_until": DateInput(),
            "members": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "valid_until": _("Leave empty if the mandate has no end date."),
            "members": _("People of the body who will visit under its mandate."),
        }

    def __init__(
        self,
        *args: Any,
        administrations: QuerySet[Administration],
        organisations: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["administration"].queryset = administrations  # type: ignore[attr-defined]
        self.fields["administration"].empty_label = None  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["members"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            organisation__in=organisations
        ).select_related("organisation")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The mandate cannot end before it starts."))
        organisation = cleaned.get("organisation")
        members = cleaned.get("members") or []
        if organisation and any(m.organisation_id != organisation.pk for m in members):
            self.add_error("members", _("Members must be people of this body."))
        return cleaned
