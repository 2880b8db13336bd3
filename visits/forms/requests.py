"""Forms of visits: they validate what was typed; the services decide."""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from activity.forms import DateInput
from activity.suggest import SuggestChoiceFilter
from activity.validators import TextLimit
from agreements.models import Agreement, Equipment
from directory.models import ActivityType, Area, Facility, Person

from ..models import MAX_SERIES, Purpose, Visit, VisitingWindow


class VisitFilter(django_filters.FilterSet):
    """Filters over the visits the user may see (the queryset passed in)."""

    status = django_filters.ChoiceFilter(
        choices=Visit.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    facility = SuggestChoiceFilter(
        queryset=Facility.objects.none(),
        url=reverse_lazy("visits:visit_choices", args=["facility"]),
        label=_("Facility"),
        placeholder=_("Any facility"),
    )
    day_from = django_filters.DateFilter(
        field_name="day", lookup_expr="gte", label=_("From"), widget=DateInput
    )
    day_until = django_filters.DateFilter(
        field_name="day", lookup_expr="lte", label=_("Until"), widget=DateInput
    )

    class Meta:
        model = Visit
        fields: list[str] = []

    def __init__(self, *args: Any, facilities: QuerySet[Facility], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["facility"].queryset = facilities


class AgreementChoiceForm(forms.Form):
    """The first step of a request: the MoU it is made under."""

    agreement = forms.ModelChoiceField(
        queryset=Agreement.objects.none(), label=_("MoU"), empty_label=None
    )

    def __init__(self, *args: Any, agreements: QuerySet[Agreement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agreement"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agreements


class WindowChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.facility.name} — {obj}"


class AreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.facility.name} — {obj.name}"


class RequestForm(forms.Form):
    """A visit under one MoU. Every person of the organisation, every area of the MoU's
    facilities and every kind of equipment is offered, so that a choice outside the MoU is
    answered with the clause it breaks rather than hidden."""

    window = WindowChoiceField(
        queryset=VisitingWindow.objects.none(), label=_("Visiting window"), empty_label=None
    )
    day = forms.DateField(label=_("Date"), widget=DateInput)
    weeks = forms.IntegerField(
        label=_("Visits in the series"),
        min_value=1,
        max_value=MAX_SERIES,
        initial=1,
        help_text=_(
            "1 for a single visit; more to ask for the same visit each time the window opens."
        ),
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    activity_type = forms.ModelChoiceField(
        queryset=ActivityType.objects.none(),
        label=_("Activity"),
        required=False,
        empty_label=_("None in particular"),
    )
    people = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(), label=_("People"), widget=forms.CheckboxSelectMultiple
    )
    areas = AreaChoiceField(
        queryset=Area.objects.none(),
        label=_("Areas"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    equipment = forms.MultipleChoiceField(
        label=_("Equipment you will bring"),
        choices=Equipment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes for the facility"),
        required=False,
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        facilities = agreement.facilities.all()
        organisations = [
            agreement.organisation_id,
            *agreement.member_organisations.values_list("pk", flat=True),
        ]
        self._set(
            "window",
            VisitingWindow.objects.filter(facility__in=facilities).select_related("facility"),
        )
        self._set("activity_type", agreement.activity_types.all())
        self._set(
            "people", Person.objects.filter(organisation__in=organisations).order_by("full_name")
        )
        self._set("areas", Area.objects.filter(facility__in=facilities).select_related("facility"))

    def _set(self, name: str, queryset: QuerySet[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField)
        field.queryset = queryset


class RefuseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Visit.RefusalReason.choices)
    note = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The organisation reads it. Required for “Other reason”."),
    )


class RescheduleForm(forms.Form):
    window = WindowChoiceField(
        queryset=VisitingWindow.objects.none(), label=_("Visiting window"), empty_label=None
    )
    day = forms.DateField(label=_("New date"), widget=DateInput)
    note = forms.CharField(
        label=_("Why the visit moves"),
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    override = forms.CharField(
        label=_("Reason for exceeding capacity"),
        required=False,
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only if the window is full and you admit the visit all the same; recorded."),
    )

    def __init__(self, *args: Any, visit: Visit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["window"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = VisitingWindow.objects.filter(facility=visit.facility_id).select_related(
            "facility"
        )
        if not self.is_bound:
            self.initial = {"window": visit.window_id, "day": visit.day}


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
