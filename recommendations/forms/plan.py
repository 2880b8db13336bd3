"""Forms of the plan of action and of follow-up: they validate what was typed; the services
decide."""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from activity.forms import DateInput
from activity.suggest import Chosen, SuggestChoiceFilter, name_matches
from activity.typing import User
from activity.uploads import DocumentsField
from activity.validators import TextLimit
from directory.models import Administration, Facility, Organisation

from ..models import Action, Effort, Recommendation


def person_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


class OfficialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_name(obj)


class OfficialFilter(django_filters.ModelChoiceFilter):
    field_class = OfficialChoiceField


class ActionFilter(django_filters.FilterSet):
    """Filters over the actions the user may see (the queryset passed in); each list of
    choices is drawn from those actions, so it names nothing the user may not see."""

    facility = SuggestChoiceFilter(
        queryset=Facility.objects.none(),
        url=reverse_lazy("recommendations:action_choices", args=["facility"]),
        method="filter_facility",
        label=_("Facility"),
        placeholder=_("Any facility"),
    )
    status = django_filters.ChoiceFilter(
        choices=Action.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    overdue = django_filters.ChoiceFilter(
        choices=[("yes", _("Overdue")), ("no", _("Not overdue"))],
        method="filter_overdue",
        label=_("Overdue"),
        empty_label=_("Overdue or not"),
    )
    responsible = SuggestChoiceFilter(
        queryset=User.objects.none(),
        url=reverse_lazy("recommendations:action_choices", args=["responsible"]),
        search_field="username",
        label=_("Responsible official"),
        placeholder=_("Anyone"),
    )
    organisation = SuggestChoiceFilter(
        queryset=Organisation.objects.none(),
        url=reverse_lazy("recommendations:action_choices", args=["organisation"]),
        label=_("Organisation"),
        placeholder=_("Any organisation"),
    )
    due_before = django_filters.DateFilter(
        field_name="due_on", lookup_expr="lte", label=_("Due by"), widget=DateInput()
    )

    class Meta:
        model = Action
        fields: list[str] = []

    def __init__(self, *args: Any, visible: QuerySet[Action], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        answered = Action.recommendations.through.objects.filter(action__in=visible)
        self.filters["facility"].queryset = Facility.objects.filter(
            pk__in=answered.values("recommendation__facility")
        ).order_by("name")
        self.filters["responsible"].queryset = User.objects.filter(
            pk__in=visible.values("responsible")
        ).order_by("first_name", "last_name", "username")
        self.filters["organisation"].queryset = Organisation.objects.filter(
            pk__in=visible.values("organisation")
        ).order_by("name")

    def filter_facility(
        self, queryset: QuerySet[Action], name: str, value: Chosen | None
    ) -> QuerySet[Action]:
        if value is None:
            return queryset
        links = Action.recommendations.through.objects
        if value.instance is not None:
            answering = links.filter(recommendation__facility=value.instance.pk)
        else:
            answering = links.filter(name_matches(value.text, "recommendation__facility__name"))
        return queryset.filter(pk__in=answering.values("action"))

    def filter_overdue(self, queryset: QuerySet[Action], name: str, value: str) -> QuerySet[Action]:
        overdue = Action.objects.overdue().values("pk")
        if value == "yes":
            return queryset.filter(pk__in=overdue)
        return queryset.exclude(pk__in=overdue)


class AdministrationChoiceForm(forms.Form):
    """For staff of several administrations: whose plan the new action belongs to."""

    administration = forms.ModelChoiceField(
        queryset=Administration.objects.none(), label=_("Administration"), empty_label=None
    )

    def __init__(self, *args: Any, administrations: QuerySet[Administration], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["administration"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = administrations


class RecommendationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("%(organisation)s, %(report)s — no. %(number)s: %(text)s") % {
            "organisation": obj.organisation.name,
            "report": obj.report.title,
            "number": obj.number,
            "text": obj.text[:120],
        }


def plannable(administration: Administration) -> QuerySet[Recommendation]:
    """What an action may answer: the open recommendations submitted to the administration."""
    return (
        Recommendation.objects.open()
        .filter(administration=administration)
        .select_related("organisation", "report")
        .order_by("organisation__name", "report_id", "number")
    )


class ActionForm(forms.Form):
    recommendations = RecommendationChoiceField(
        queryset=Recommendation.objects.none(),
        label=_("Recommendations it answers"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("All of one organisation; rejected recommendations are not answered."),
    )
    title = forms.CharField(label=_("Action"), max_length=200)
    description = forms.CharField(
        label=_("What will be done"),
        required=False,
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    responsible = OfficialChoiceField(queryset=User.objects.none(), label=_("Responsible official"))
    due_on = forms.DateField(label=_("Due"), widget=DateInput())
    effort = forms.ChoiceField(label=_("Cost and effort"), choices=Effort.choices)

    def __init__(
        self, *args: Any, administration: Administration, officials: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        recommendations = self.fields["recommendations"]
        assert isinstance(recommendations, forms.ModelMultipleChoiceField)
        recommendations.queryset = plannable(administration)
        responsible = self.fields["responsible"]
        assert isinstance(responsible, forms.ModelChoiceField)
        responsible.queryset = officials


class RescheduleForm(forms.Form):
    due_on = forms.DateField(label=_("Due"), widget=DateInput())
    responsible = OfficialChoiceField(
        queryset=User.objects.none(), label=_("Responsible official"), empty_label=None
    )
    reason = forms.CharField(
        label=_("Why it changes"),
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, action: Action, officials: QuerySet[User], **kwargs: Any):
        super().__init__(*args, **kwargs)
        responsible = self.fields["responsible"]
        assert isinstance(responsible, forms.ModelChoiceField)
        responsible.queryset = officials
        if not self.is_bound:
            self.initial = {"due_on": action.due_on, "responsible": action.responsible_id}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is cancelled"),
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(
        label=_("What was done"),
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    completed = forms.BooleanField(
        label=_("The action is completed"),
        required=False,
        help_text=_("The organisation is then asked to verify it."),
    )
    evidence = DocumentsField(
        label=_("Evidence"),
        help_text=_("Photos, minutes, invoices, orders: PDF, image or text documents."),
    )

    def __init__(self, *args: Any, action: Action | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if action is not None and not self.is_bound:
            self.initial = {"progress": action.progress}


class VerifyForm(forms.Form):
    """What the organisation verified of one recommendation."""

    result = forms.ChoiceField(
        label=_("Result"),
        choices=[
            choice
            for choice in Recommendation.Verified.choices
            if choice[0] != Recommendation.Verified.UNVERIFIED
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What was seen"),
        required=False,
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
