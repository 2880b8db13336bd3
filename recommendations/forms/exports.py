"""Asking for an export of the plan of action or of the follow-up."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from activity.typing import AnyUser
from directory.models import Facility, Organisation

from .. import permissions, selectors
from ..models import Export, Recommendation


class ExportForm(forms.Form):
    """The variant, and optionally one facility or organisation: in the confidential variant
    among those of the recommendations the user sees, in the public one among those of
    published reports. The report, when the export is of one, is checked by the view."""

    #: Which button asked: a CSV at once, or a PDF prepared in the background.
    CSV = "csv"
    PDF = "pdf"

    variant = forms.ChoiceField(
        label=_("Variant"),
        choices=Export.Variant.choices,
        initial=Export.Variant.PUBLIC,
        widget=forms.RadioSelect,
    )
    facility = forms.ModelChoiceField(
        label=_("Facility"),
        queryset=Facility.objects.none(),
        required=False,
        empty_label=_("All facilities"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All organisations"),
    )
    report = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.confidential_allowed = permissions.can_export_confidential(user)
        seen = (
            permissions.recommendations_for_user(user)
            if self.confidential_allowed
            else Recommendation.objects.none()
        )
        self._seen = seen
        facility = self.fields["facility"]
        organisation = self.fields["organisation"]
        assert isinstance(facility, forms.ModelChoiceField)
        assert isinstance(organisation, forms.ModelChoiceField)
        facility.queryset = Facility.objects.filter(
            Q(pk__in=seen.values("facility")) | Q(pk__in=selectors.published_facilities())
        ).order_by("name")
        organisation.queryset = Organisation.objects.filter(
            Q(pk__in=seen.values("organisation")) | Q(pk__in=selectors.published_organisations())
        ).order_by("name")
        if not self.confidential_allowed:
            # Only the public variant is offered; asking for the other is refused by the view.
            self.fields["variant"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        confidential = data.get("variant") == Export.Variant.CONFIDENTIAL
        for name, published in (
            ("facility", selectors.published_facilities()),
            ("organisation", selectors.published_organisations()),
        ):
            chosen = data.get(name)
            if chosen is None:
                continue
            if confidential:
                found = self._seen.filter(**{name: chosen}).exists()
            else:
                found = published.filter(pk=chosen.pk).exists()
            if not found:
                self.add_error(
                    name,
                    _("Nothing in this variant concerns it: choose another or leave it empty."),
                )
        return data
