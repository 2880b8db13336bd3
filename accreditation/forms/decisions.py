"""Forms of the director's work: returns, assignments, decisions with conditions, changes to
an accreditation, appeals, the answers to conditions and their verification; and the filters
of the accreditation and condition lists."""

from datetime import date, datetime, time
from typing import Any

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from activity.forms import DateInput
from activity.suggest import SuggestChoiceFilter
from activity.typing import User
from activity.validators import TextLimit, plausible_date
from directory.filters import ActivityFilter
from directory.models import Facility, Organisation, Role
from directory.selectors import administration_users, earliest_local_date

from ..models import Accreditation, Appeal, Application, Condition, Decision
from ..services.decisions import ConditionSpec
from .applications import DocumentsField


def _user_label(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _user_label(obj)


class UsersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _user_label(obj)


class ReturnForm(forms.Form):
    message = forms.CharField(
        label=_("Information needed"),
        help_text=_(
            "The organisation sees this message. The decision clock stops until it "
            "submits the application again."
        ),
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class AssignForm(forms.Form):
    reviewers = UsersChoiceField(
        queryset=get_user_model().objects.none(),
        label=_("Reviewers"),
        help_text=_("At least two reviewers must review each application."),
        widget=forms.CheckboxSelectMultiple,
    )
    due_date = forms.DateField(
        label=_("Review due on"),
        required=False,
        widget=DateInput(),
        validators=[plausible_date],
        help_text=_("Leave empty for two weeks, or the decision date if that comes first."),
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reviewers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        assigned = application.assignments.values("reviewer_id")
        self.administration = application.framework.administration
        field.queryset = administration_users(self.administration, (Role.REVIEWER,)).exclude(
            pk__in=assigned
        )

    def clean_due_date(self) -> date | None:
        due: date | None = self.cleaned_data["due_date"]
        # Not past wherever the administration's facilities are: in the evening in Guatemala
        # their today is already the server's yesterday.
        if due is not None and due < earliest_local_date(self.administration):
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due

    def due_at(self) -> datetime | None:
        due = self.cleaned_data["due_date"]
        return timezone.make_aware(datetime.combine(due, time(23, 59))) if due else None


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        help_text=_("The organisation reads these reasons with the score sheet."),
        max_length=TextLimit.TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    justification = forms.CharField(
        label=_("Justification for departing from the reviewers' result"),
        help_text=_("Required only when the decision goes against the reviewers' result."),
        required=False,
        max_length=TextLimit.TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    moderation_note = forms.CharField(
        label=_("Moderation note"),
        help_text=_("Required when reviewers disagree widely on a criterion: how it was settled."),
        required=False,
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def condition_owners(application: Application) -> QuerySet[User]:
    """Who can be made responsible for a condition: the organisation's administrators or the
    administration's staff."""
    return (
        get_user_model()
        .objects.filter(
            Q(
                memberships__organisation=application.organisation,
                memberships__role=Role.NGO_ADMIN,
            )
            | Q(memberships__administration=application.framework.administration),
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class ConditionForm(forms.Form):
    description = forms.CharField(
        label=_("Condition"), widget=forms.Textarea(attrs={"rows": 2}), max_length=TextLimit.NOTE
    )
    owner = UserChoiceField(queryset=get_user_model().objects.none(), label=_("Owner"))
    due_date = forms.DateField(label=_("Deadline"), widget=DateInput(), validators=[plausible_date])

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = owners


class BaseConditionFormSet(forms.BaseFormSet):
    def specs(self) -> list[ConditionSpec]:
        return [
            ConditionSpec(
                description=form.cleaned_data["description"],
                owner=form.cleaned_data["owner"],
                due_date=form.cleaned_data["due_date"],
            )
            for form in self.forms
            if form.cleaned_data
        ]


ConditionFormSet = forms.formset_factory(
    ConditionForm, formset=BaseConditionFormSet, extra=3, max_num=20
)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("The organisation is told this reason."),
        max_length=TextLimit.TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AppealForm(forms.Form):
    subject = forms.ChoiceField(label=_("What do you appeal?"), widget=forms.RadioSelect)
    grounds = forms.CharField(
        label=_("Grounds of the appeal"),
        max_length=TextLimit.TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, deadlines: dict[str, date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["subject"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (
                subject,
                _("%(subject)s (deadline %(date)s)")
                % {"subject": Appeal.Subject(subject).label, "date": date_format(deadline)},
            )
            for subject, deadline in deadlines.items()
        ]


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision on the appeal"),
        choices=Appeal.Outcome.choices,
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Reasons"), max_length=TextLimit.TEXT, widget=forms.Textarea(attrs={"rows": 5})
    )

    @property
    def upheld(self) -> bool:
        return self.cleaned_data["outcome"] == Appeal.Outcome.UPHELD


class ConditionAnswerForm(forms.Form):
    note = forms.CharField(
        label=_("Your answer"),
        help_text=_("How your organisation meets the condition. The administration reads it."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    documents = DocumentsField(
        label=_("Documents"),
        help_text=_("PDF, JPEG, PNG, Word or OpenDocument text; you may choose several files."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_answer_%s")
        super().__init__(*args, **kwargs)


class ConditionMetForm(forms.Form):
    note = forms.CharField(
        label=_("How the condition was met"),
        help_text=_("The organisation reads this note."),
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_met_%s")
        super().__init__(*args, **kwargs)


class ConditionNotMetForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the condition is not met"),
        help_text=_("The organisation reads this reason and may answer again until the deadline."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ConditionFilter(django_filters.FilterSet):
    """Filters over the open conditions the user follows up (the queryset passed in)."""

    due_after = django_filters.DateFilter(
        field_name="due_date", lookup_expr="gte", label=_("Due from"), widget=DateInput()
    )
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label=_("Due until"), widget=DateInput()
    )
    organisation = SuggestChoiceFilter(
        field_name="decision__application__organisation",
        queryset=Organisation.objects.none(),
        url=reverse_lazy("accreditation:condition_choices", args=["organisation"]),
        label=_("Organisation"),
        placeholder=_("Any organisation"),
    )
    status = django_filters.ChoiceFilter(
        choices=[c for c in Condition.Status.choices if c[0] != Condition.Status.MET],
        label=_("Status"),
        empty_label=_("Any status"),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), widget=forms.CheckboxInput, method="filter_overdue"
    )

    class Meta:
        model = Condition
        fields = ["due_after", "due_before", "organisation", "status", "overdue"]

    def __init__(self, data: Any, queryset: QuerySet[Condition]) -> None:
        super().__init__(data, queryset=queryset)
        # Only organisations that have a condition in the list: the filter reveals nothing more.
        self.filters["organisation"].queryset = Organisation.objects.filter(
            pk__in=queryset.values("decision__application__organisation")
        )

    def filter_overdue(
        self, queryset: QuerySet[Condition], name: str, value: bool
    ) -> QuerySet[Condition]:
        return queryset & Condition.objects.overdue() if value else queryset


class AccreditationFilter(django_filters.FilterSet):
    """Filters over the accreditations the user may see (the queryset passed in)."""

    status = django_filters.ChoiceFilter(
        choices=Accreditation.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    expires_before = django_filters.DateFilter(
        field_name="valid_until", lookup_expr="lt", label=_("Expires before"), widget=DateInput()
    )
    activity_type = ActivityFilter("decision__application__activity_types")
    facility = SuggestChoiceFilter(
        field_name="decision__application__facilities",
        queryset=Facility.objects.none(),
        url=reverse_lazy("accreditation:accreditation_choices", args=["facility"]),
        label=_("Facility"),
        placeholder=_("Any facility"),
    )

    class Meta:
        model = Accreditation
        fields = ["status", "expires_before", "activity_type", "facility"]

    def __init__(self, data: Any, queryset: QuerySet[Accreditation]) -> None:
        super().__init__(data, queryset=queryset)
        # The facilities of the administrations whose accreditations are listed.
        administrations = queryset.values("decision__application__framework__administration")
        self.filters["facility"].queryset = Facility.objects.filter(
            administration__in=administrations
        )
