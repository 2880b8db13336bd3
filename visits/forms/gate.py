"""Forms of the gate: what the officer ticks and types at the entrance; the services decide.

A time typed "afterwards" is the facility's clock on the visit's day: the forms turn it into
the moment it was, and the services check it is today and not in the future."""

from datetime import date, datetime, time
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from activity.suggest import SuggestChoiceFilter
from activity.validators import TextLimit
from agreements.models import Equipment
from directory.models import Facility

from ..models import Package, SearchLevel, Visit, Visitor, local_datetime
from .requests import DateInput


class TimeInput(forms.TimeInput):
    input_type = "time"


def _note(label: Any, *, required: bool = False, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text,
    )


class _AtForm(forms.Form):
    """A form with an optional time, for what was written on paper during an outage."""

    at = forms.TimeField(
        label=_("Time it happened, if entered afterwards"),
        required=False,
        widget=TimeInput,
        help_text=_("Leave empty for now. Fill it in when entering what was noted on paper."),
    )

    def __init__(self, *args: Any, visit: Visit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visit = visit

    def moment(self) -> datetime | None:
        at: time | None = self.cleaned_data.get("at")
        if at is None:
            return None
        day: date = self.visit.day
        return local_datetime(self.visit.facility, day, at)


class CheckInForm(_AtForm):
    identity_confirmed = forms.BooleanField(
        label=_("The identity document shown matches the one on file"), required=True
    )
    search_level = forms.TypedChoiceField(
        label=_("Search applied"), choices=SearchLevel.choices, coerce=int
    )
    search_justification = _note(
        _("Why a higher search than the protocol's is needed"),
        help_text=_("Required above the protocol's default; recorded and read by the director."),
    )
    items = forms.MultipleChoiceField(
        label=_("Items brought in"),
        choices=Equipment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    items_note = _note(_("Items checked"))

    field_order = [
        "identity_confirmed",
        "search_level",
        "search_justification",
        "items",
        "items_note",
        "at",
    ]

    def __init__(self, *args: Any, visitor: Visitor, default_level: int | None, **kwargs: Any):
        super().__init__(*args, visit=visitor.visit, **kwargs)
        person = visitor.person
        self.fields["identity_confirmed"].help_text = _("On file: %(document)s %(number)s") % {
            "document": person.get_document_type_display(),
            "number": person.document_number,
        }
        if default_level is not None and not self.is_bound:
            self.initial["search_level"] = default_level


class CheckOutForm(_AtForm):
    cut_short = _note(
        _("Why the visit was cut short"),
        help_text=_("Only if the person leaves before the visit's end because it was stopped."),
    )


class RefuseEntryForm(forms.Form):
    note = _note(_("Why entry is refused"), required=True)


class IncidentForm(_AtForm):
    description = forms.CharField(
        label=_("What happened"),
        max_length=TextLimit.TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    entered_late = forms.BooleanField(
        label=_("Entered afterwards from a paper record"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["at"].label = _("When")
        self.fields["at"].help_text = _("Leave empty for now.")


class PersonOnVisitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.person.full_name)


class PackageForm(forms.Form):
    brought_by = PersonOnVisitField(
        queryset=Visitor.objects.none(),
        label=_("Brought by"),
        required=False,
        empty_label=_("Nobody on the visit (delivered)"),
    )
    description = forms.CharField(label=_("Contents"), max_length=300)
    result = forms.ChoiceField(label=_("Inspection result"), choices=Package.Result.choices)
    note = _note(_("Note"), help_text=_("Required unless the package is simply admitted."))

    def __init__(self, *args: Any, visit: Visit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["brought_by"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = visit.visitors.select_related("person").order_by("person__full_name")


class SearchFilter(django_filters.FilterSet):
    """Filters over the searches above the default that the user may read."""

    # A director sees hundreds of facilities: chosen by suggestion, not from a list of them all
    # drawn into every page. The visits list's suggestions are drawn from the same facilities
    # (``permissions.visible_facilities``).
    facility = SuggestChoiceFilter(
        field_name="visit__facility",
        queryset=Facility.objects.none(),
        url=reverse_lazy("visits:visit_choices", args=["facility"]),
        label=_("Facility"),
        placeholder=_("Any facility"),
    )
    search_level = django_filters.ChoiceFilter(
        choices=SearchLevel.choices, label=_("Search"), empty_label=_("Any search")
    )
    day_from = django_filters.DateFilter(
        field_name="visit__day", lookup_expr="gte", label=_("From"), widget=DateInput
    )
    day_until = django_filters.DateFilter(
        field_name="visit__day", lookup_expr="lte", label=_("Until"), widget=DateInput
    )

    class Meta:
        model = Visitor
        fields: list[str] = []

    def __init__(self, *args: Any, facilities: QuerySet[Facility], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["facility"].queryset = facilities
