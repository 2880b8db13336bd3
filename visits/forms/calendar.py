"""Forms of the calendar: a window with its caps, the notice rules, a closure, the end of a
window, and the weeks shown. They validate what was typed; the services decide."""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from activity.validators import TextLimit
from agreements.models import Weekday
from directory.models import Area, Facility

from ..models import MAX_PLACES, Category, FacilityRules, VisitingWindow
from ..services.calendar import Hours, Places
from .requests import DateInput


class TimeInput(forms.TimeInput):
    input_type = "time"


class WindowForm(forms.Form):
    """A window's days, hours and places, with an optional cap for each area of the facility
    and each category of visitor (left empty: no cap of its own)."""

    weekday = forms.TypedChoiceField(
        label=_("Day of the week"), choices=Weekday.choices, coerce=int
    )
    starts = forms.TimeField(label=_("From"), widget=TimeInput)
    ends = forms.TimeField(label=_("Until"), widget=TimeInput)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty for a window with no end."),
    )
    every_weeks = forms.IntegerField(
        label=_("Every how many weeks"),
        min_value=1,
        max_value=12,
        initial=1,
        help_text=_("1 for every week, 2 for every other week, counted from the first day."),
    )
    places = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=MAX_PLACES,
        help_text=_("How many visitors the window receives in all."),
    )

    def __init__(
        self,
        *args: Any,
        facility: Facility,
        window: VisitingWindow | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.areas = list(Area.objects.filter(facility=facility).order_by("name"))
        for area in self.areas:
            self.fields[f"area_{area.pk}"] = forms.IntegerField(
                label=_("Places in %(area)s") % {"area": area.name},
                min_value=1,
                max_value=MAX_PLACES,
                required=False,
            )
        for value, label in Category.choices:
            self.fields[f"category_{value}"] = forms.IntegerField(
                label=_("Places for: %(category)s") % {"category": label},
                min_value=1,
                max_value=MAX_PLACES,
                required=False,
            )
        if window is not None and not self.is_bound:
            self.initial = {
                "weekday": window.weekday,
                "starts": window.starts,
                "ends": window.ends,
                "valid_from": window.valid_from,
                "valid_until": window.valid_until,
                "every_weeks": window.every_weeks,
                "places": window.places,
            }
            for limit in window.limits.all():
                key = f"area_{limit.area_id}" if limit.area_id else f"category_{limit.category}"
                self.initial[key] = limit.places

    def hours(self) -> Hours:
        data = self.cleaned_data
        return Hours(
            weekday=data["weekday"],
            starts=data["starts"],
            ends=data["ends"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            every_weeks=data["every_weeks"],
        )

    def places_(self) -> Places:
        data = self.cleaned_data
        return Places(
            total=data["places"],
            areas={
                area.pk: data[f"area_{area.pk}"]
                for area in self.areas
                if data.get(f"area_{area.pk}")
            },
            categories={
                value: data[f"category_{value}"]
                for value in Category.values
                if data.get(f"category_{value}")
            },
        )


class RulesForm(forms.ModelForm):
    class Meta:
        model = FacilityRules
        fields = ["min_notice_days", "max_notice_days"]


class ClosureForm(forms.Form):
    """Close the whole facility, one area or one window, on the days given."""

    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        label=_("Area"),
        required=False,
        empty_label=_("Every area"),
        help_text=_("Choose one to close only that area."),
    )
    window = forms.ModelChoiceField(
        queryset=VisitingWindow.objects.none(),
        label=_("Window"),
        required=False,
        empty_label=_("Every window"),
        help_text=_("Choose one to close only that window."),
    )
    starts_on = forms.DateField(label=_("From"), widget=DateInput)
    ends_on = forms.DateField(label=_("Until"), widget=DateInput)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The organisations whose visits it affects read it."),
    )

    def __init__(self, *args: Any, facility: Facility, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        window = self.fields["window"]
        assert isinstance(area, forms.ModelChoiceField)
        assert isinstance(window, forms.ModelChoiceField)
        area.queryset = Area.objects.filter(facility=facility).order_by("name")
        window.queryset = VisitingWindow.objects.filter(facility=facility)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("area") and cleaned.get("window"):
            self.add_error("window", _("Close one area or one window, not both."))
        return cleaned


class WindowEndForm(forms.Form):
    last_day = forms.DateField(
        label=_("Last day it opens"),
        widget=DateInput,
        help_text=_("Visits booked after it go into review."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The organisations whose visits it affects read it."),
    )


class WeeksForm(forms.Form):
    """The weeks shown: from the week of ``start``."""

    start = forms.DateField(label=_("From the week of"), required=False, widget=DateInput)

    def start_or(self, default: date) -> date:
        start = self.cleaned_data.get("start") if self.is_valid() else None
        return start or default


class ClosureLiftForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is lifted"),
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
