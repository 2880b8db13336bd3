"""Forms of reports and recommendations: they validate what was typed; the services decide."""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from activity.forms import DateInput
from activity.suggest import SuggestChoiceFilter
from activity.uploads import DocumentsField
from activity.validators import TextLimit
from directory.models import Area, Facility, Organisation
from visits.models import Visit

from ..models import Finding, Priority, Recommendation, Report, Theme
from ..standards import standard_choices


def _set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


# Lists ------------------------------------------------------------------------------------------


class ReportFilter(django_filters.FilterSet):
    """Filters over the reports the user may see (the queryset passed in)."""

    status = django_filters.ChoiceFilter(
        choices=Report.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    facility = SuggestChoiceFilter(
        queryset=Facility.objects.none(),
        url=reverse_lazy("recommendations:report_choices", args=["facility"]),
        label=_("Facility"),
        placeholder=_("Any facility"),
    )
    organisation = SuggestChoiceFilter(
        queryset=Organisation.objects.none(),
        url=reverse_lazy("recommendations:report_choices", args=["organisation"]),
        label=_("Organisation"),
        placeholder=_("Any organisation"),
    )

    class Meta:
        model = Report
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the facilities and organisations of the reports the user sees are offered.
        assert self.queryset is not None
        visible = self.queryset.values("pk")
        self.filters["facility"].queryset = Facility.objects.filter(reports__in=visible).distinct()
        self.filters["organisation"].queryset = Organisation.objects.filter(
            reports__in=visible
        ).distinct()


class RecommendationFilter(django_filters.FilterSet):
    """Filters over the recommendations the user may see (the queryset passed in)."""

    facility = SuggestChoiceFilter(
        queryset=Facility.objects.none(),
        url=reverse_lazy("recommendations:recommendation_choices", args=["facility"]),
        label=_("Facility"),
        placeholder=_("Any facility"),
    )
    organisation = SuggestChoiceFilter(
        queryset=Organisation.objects.none(),
        url=reverse_lazy("recommendations:recommendation_choices", args=["organisation"]),
        label=_("Organisation"),
        placeholder=_("Any organisation"),
    )
    theme = django_filters.ChoiceFilter(
        choices=Theme.choices, label=_("Theme"), empty_label=_("Any theme")
    )
    priority = django_filters.ChoiceFilter(
        choices=Priority.choices, label=_("Priority"), empty_label=_("Any priority")
    )
    quick_win = django_filters.BooleanFilter(
        label=_("Quick wins only"),
        widget=forms.CheckboxInput,
        method="filter_quick_win",
    )
    response = django_filters.ChoiceFilter(
        choices=[("none", _("Not answered yet")), *Recommendation.Response.choices],
        label=_("Answer"),
        empty_label=_("Any answer"),
        method="filter_response",
    )
    claimed_status = django_filters.ChoiceFilter(
        choices=Recommendation.Claimed.choices,
        label=_("Claimed by the authorities"),
        empty_label=_("Any"),
    )
    verified_status = django_filters.ChoiceFilter(
        choices=Recommendation.Verified.choices,
        label=_("Verified by the organisation"),
        empty_label=_("Any"),
    )

    class Meta:
        model = Recommendation
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert self.queryset is not None
        visible = self.queryset.values("pk")
        self.filters["facility"].queryset = Facility.objects.filter(
            recommendations__in=visible
        ).distinct()
        self.filters["organisation"].queryset = Organisation.objects.filter(
            pk__in=self.queryset.values("organisation")
        )

    def filter_quick_win(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        # An unticked box means "all", not "none of the quick wins".
        return queryset.filter(quick_win=True) if value else queryset

    def filter_response(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(response="" if value == "none" else value)


# Writing a report -------------------------------------------------------------------------------


class VisitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{date_format(obj.day)} — {obj.facility.name} — {obj.get_purpose_display()}"


class ReportForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=TextLimit.LONG,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ReportNewForm(ReportForm):
    """The report of one visit that took place."""

    visit = VisitChoiceField(queryset=Visit.objects.none(), label=_("Visit"), empty_label=None)

    field_order = ["visit", "title", "summary"]

    def __init__(self, *args: Any, visits: QuerySet[Visit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(
            self,
            "visit",
            visits.filter(starts_at__lte=timezone.now())
            .select_related("facility")
            .order_by("-starts_at", "-pk"),
        )


class FindingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Finding.Kind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Finding"), max_length=TextLimit.TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=TextLimit.TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was seen, read or heard that shows it."),
    )
    attachments = DocumentsField(
        label=_("Attach files"),
        help_text=_("Kept in your organisation's file, read only by those who read the report."),
    )


class RepeatChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("R%(number)s of “%(report)s”: %(text)s") % {
            "number": obj.number,
            "report": obj.report.title,
            "text": obj.text[:80],
        }


class RecommendationForm(forms.Form):
    text = forms.CharField(
        label=_("Recommendation"),
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.MEDIUM
    )
    quick_win = forms.BooleanField(
        label=_("Quick win"),
        required=False,
        help_text=_("Can be done in the short term with few resources."),
    )
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        label=_("Area"),
        required=False,
        empty_label=_("The whole facility"),
    )
    standards = forms.MultipleChoiceField(
        label=_("International standards"),
        choices=standard_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    proposed_deadline = forms.DateField(
        label=_("Proposed deadline"), required=False, widget=DateInput
    )
    repeats = RepeatChoiceField(
        queryset=Recommendation.objects.none(),
        label=_("Repeats an earlier recommendation"),
        required=False,
        empty_label=_("No, a new recommendation"),
    )

    def __init__(
        self,
        *args: Any,
        report: Report,
        repeatable: QuerySet[Recommendation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "area", Area.objects.filter(facility=report.facility_id))
        _set_queryset(self, "repeats", repeatable)

    @classmethod
    def initial_from(cls, recommendation: Recommendation) -> dict[str, Any]:
        return {
            "text": recommendation.text,
            "priority": recommendation.priority,
            "quick_win": recommendation.quick_win,
            "theme": recommendation.theme,
            "area": recommendation.area_id,
            "standards": recommendation.standards,
            "proposed_deadline": recommendation.proposed_deadline,
            "repeats": recommendation.repeats_id,
        }


# The authorities' answers -----------------------------------------------------------------------


class AnswerForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Answer"), choices=Recommendation.Response.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required unless the recommendation is accepted in full."),
    )


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{date_format(obj.day)} — {obj.facility.name}"


class MeetingForm(forms.Form):
    meeting = MeetingChoiceField(
        queryset=Visit.objects.none(), label=_("Coordination meeting"), empty_label=None
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, meetings: QuerySet[Visit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "meeting", meetings)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# Publication ------------------------------------------------------------------------------------


class PublishForm(forms.Form):
    terms = forms.CharField(
        label=_("Words to take out, one per line"),
        required=False,
        max_length=TextLimit.LONG,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Each line is replaced wherever it appears, in any case. The suggestions are the "
            "names and document numbers the directory knows and every number that looks like an "
            "identity or prisoner number."
        ),
    )

    def terms_list(self) -> list[str]:
        return self.cleaned_data["terms"].splitlines()
