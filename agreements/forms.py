"""Forms of the agreements pages. They validate what was typed; the services decide."""

from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accreditation.models import Accreditation
from accreditation.selectors import cleared_people
from activity.forms import DateInput
from activity.texts import TextsInEachLanguage, in_each_language
from activity.validators import NameField, TextLimit
from directory.filters import ActivityFilter
from directory.models import ActivityType, Administration, Area, Facility, Person

from .models import (
    MAX_RESPONSE_DAYS,
    MAX_VISITS,
    Agreement,
    AgreementClause,
    Clause,
    ClauseVersion,
    Equipment,
    Escort,
    Template,
    TemplateClause,
    Weekday,
    validate_wording,
)
from .selectors import people_in_force_ids, people_who_may_be_named
from .services.mous import Terms


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class AreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.facility.name})"


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.role_title})" if obj.role_title else str(obj.full_name)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class AgreementFilter(django_filters.FilterSet):
    """Filters over the MoUs the user may see (the queryset passed in). The organisation is
    found by typing part of its name: a country has thousands of them."""

    q = django_filters.CharFilter(method="filter_text", label=_("Title or organisation contains"))
    status = django_filters.ChoiceFilter(
        choices=Agreement.Status.choices, label=_("Status"), empty_label=_("Any status")
    )

    class Meta:
        model = Agreement
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Agreement], name: str, value: str) -> Any:
        return queryset.filter(title__icontains=value) | queryset.filter(
            organisation__name__icontains=value
        )


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(label=_("Organisation name contains"), max_length=100, required=False)


class AgreementStartForm(forms.Form):
    administration = forms.ModelChoiceField(
        queryset=Administration.objects.none(),
        label=_("Administration"),
        empty_label=None,
    )
    template: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Template.objects.none(), label=_("Template"), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(
        self,
        *args: Any,
        administrations: QuerySet[Administration],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["administration"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = administrations
        templates = self.fields["template"]
        assert isinstance(templates, forms.ModelChoiceField)
        templates.queryset = Template.objects.filter(
            administration__in=administrations, active=True
        ).select_related("administration")
        if len(administrations) == 1:
            field.widget = forms.HiddenInput()
            field.initial = administrations[0].pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        template, administration = data.get("template"), data.get("administration")
        if template and administration and template.administration_id != administration.pk:
            self.add_error("template", _("Choose one of this administration's templates."))
        return data


# The clause library and the templates ---------------------------------------------------------


class ClauseForm(TextsInEachLanguage):
    """A clause's title in each language, and whether every MoU holds it."""

    required_texts = ("title",)

    class Meta:
        model = Clause
        fields = [*in_each_language("title"), "mandatory"]
        field_classes = dict.fromkeys(in_each_language("title"), NameField)

    def main_language(self) -> str:
        return self.instance.administration.main_language


class NewClauseForm(ClauseForm):
    """A new clause of the library: its kind too."""

    class Meta(ClauseForm.Meta):
        fields = ["kind", *ClauseForm.Meta.fields]


_WORDING = forms.Textarea(attrs={"rows": 8})


class WordingForm(TextsInEachLanguage):
    """A clause's wording in each language, with ``{variables}`` for the MoU's terms, and, for
    a new version, what changed."""

    required_texts = ("wording",)

    class Meta:
        model = ClauseVersion
        fields = [*in_each_language("wording"), "change_note"]
        widgets = dict.fromkeys(in_each_language("wording"), _WORDING)
        help_texts = {
            "change_note": _("One line for those who compare the versions."),
        }

    def __init__(self, *args: Any, first: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if first:
            del self.fields["change_note"]
        else:
            self.fields["change_note"].required = True

    def main_language(self) -> str:
        return self.instance.clause.administration.main_language


class TemplateForm(TextsInEachLanguage):
    required_texts = ("name",)

    class Meta:
        model = Template
        fields = [*in_each_language("name"), *in_each_language("description"), "active"]
        field_classes = dict.fromkeys(in_each_language("name"), NameField)
        widgets = dict.fromkeys(in_each_language("description"), forms.Textarea(attrs={"rows": 3}))

    def main_language(self) -> str:
        return self.instance.administration.main_language


class TemplateClauseForm(forms.Form):
    """A clause of the library to add to a template: one it does not hold yet."""

    clause: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Clause.objects.none(), label=_("Clause")
    )

    def __init__(self, *args: Any, template: Template, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["clause"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Clause.objects.filter(
            administration_id=template.administration_id
        ).exclude(pk__in=TemplateClause.objects.filter(template=template).values("clause"))


class TermsForm(forms.Form):
    """The MoU's structured terms; the choices are limited to what the accreditation covers
    and to the people the administration cleared."""

    valid_from = forms.DateField(label=_("In force from"), required=False, widget=DateInput())
    valid_until = forms.DateField(label=_("In force until"), required=False, widget=DateInput())
    facilities = forms.ModelMultipleChoiceField(
        queryset=Facility.objects.none(),
        label=_("Facilities"),
        widget=forms.CheckboxSelectMultiple,
    )
    permitted_areas = AreaChoiceField(
        queryset=Area.objects.none(),
        label=_("Permitted areas"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    forbidden_areas = AreaChoiceField(
        queryset=Area.objects.none(),
        label=_("Areas off limits"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        label=_("People allowed to enter"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only people the administration has cleared are listed."),
    )
    activity_types = forms.ModelMultipleChoiceField(
        queryset=ActivityType.objects.none(),
        label=_("Activities"),
        widget=forms.CheckboxSelectMultiple,
    )
    weekdays = forms.TypedMultipleChoiceField(
        choices=Weekday.choices,
        coerce=int,
        label=_("Days of the week"),
        widget=forms.CheckboxSelectMultiple,
    )
    day_starts = forms.TimeField(label=_("From"), widget=TimeInput())
    day_ends = forms.TimeField(label=_("Until"), widget=TimeInput())
    visits_per_week = forms.IntegerField(
        label=_("Visits a week at most"), min_value=1, max_value=MAX_VISITS
    )
    visits_per_month = forms.IntegerField(
        label=_("Visits a month at most"), min_value=1, max_value=MAX_VISITS
    )
    equipment = forms.MultipleChoiceField(
        choices=Equipment.choices,
        label=_("Equipment allowed"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    escort = forms.ChoiceField(choices=Escort.choices, label=_("Escort"))
    private_interviews = forms.BooleanField(label=_("Private interviews allowed"), required=False)
    photographs = forms.BooleanField(label=_("Photographs allowed"), required=False)
    response_days = forms.IntegerField(
        label=_("Days to respond to a report"),
        min_value=1,
        max_value=MAX_RESPONSE_DAYS,
        help_text=_(
            "Reports are discussed with the authorities before publication. If they do not "
            "engage within this many days, the organisation may use the information freely."
        ),
    )

    def __init__(
        self, *args: Any, agreement: Agreement, scope: Accreditation | None, **kwargs: Any
    ) -> None:
        if "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(agreement)
        super().__init__(*args, **kwargs)
        if scope is not None:
            application = scope.decision.application
            facilities = application.facilities.filter(administration=agreement.administration)
            activities = application.activity_types.all()
        else:
            facilities, activities = Facility.objects.none(), ActivityType.objects.none()
        organisations = [agreement.organisation, *agreement.member_organisations.all()]
        choices: dict[str, QuerySet[Any]] = {
            "facilities": facilities.order_by("name"),
            "permitted_areas": Area.objects.filter(facility__in=facilities)
            .select_related("facility")
            .order_by("facility__name", "name"),
            "forbidden_areas": Area.objects.filter(facility__in=facilities)
            .select_related("facility")
            .order_by("facility__name", "name"),
            "people": cleared_people(agreement.administration)
            .filter(organisation__in=organisations)
            .order_by("full_name"),
            "activity_types": activities,
        }
        for name, queryset in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = queryset

    @staticmethod
    def initial_from(agreement: Agreement) -> dict[str, Any]:
        if agreement.pk is None:
            return {}
        return {
            "valid_from": agreement.valid_from,
            "valid_until": agreement.valid_until,
            "facilities": list(agreement.facilities.all()),
            "permitted_areas": list(agreement.permitted_areas.all()),
            "forbidden_areas": list(agreement.forbidden_areas.all()),
            "people": list(agreement.people.all()),
            "activity_types": list(agreement.activity_types.all()),
            "weekdays": agreement.weekdays,
            "day_starts": agreement.day_starts,
            "day_ends": agreement.day_ends,
            "visits_per_week": agreement.visits_per_week,
            "visits_per_month": agreement.visits_per_month,
            "equipment": agreement.equipment,
            "escort": agreement.escort,
            "private_interviews": agreement.private_interviews,
            "photographs": agreement.photographs,
            "response_days": agreement.response_days,
        }

    def terms(self) -> Terms:
        data = self.cleaned_data
        return Terms(
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            facilities=list(data["facilities"]),
            permitted_areas=list(data["permitted_areas"]),
            forbidden_areas=list(data["forbidden_areas"]),
            people=list(data["people"]),
            activity_types=list(data["activity_types"]),
            weekdays=list(data["weekdays"]),
            day_starts=data["day_starts"],
            day_ends=data["day_ends"],
            visits_per_week=data["visits_per_week"],
            visits_per_month=data["visits_per_month"],
            equipment=list(data["equipment"]),
            escort=data["escort"],
            private_interviews=data["private_interviews"],
            photographs=data["photographs"],
            response_days=data["response_days"],
        )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=TextLimit.NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )
    suggested_wording = forms.CharField(
        label=_("Suggested wording (optional)"),
        required=False,
        max_length=TextLimit.TEXT,
        validators=[validate_wording],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Keep the variables in braces, such as {people}: they are filled from the terms."
        ),
    )
    internal = forms.BooleanField(label=_("Internal note, for my side only"), required=False)


class AnswerForm(forms.Form):
    DECISIONS = [("accept", _("Accept the suggested wording")), ("reject", _("Reject it"))]

    answer = forms.CharField(
        label=_("Answer"), max_length=TextLimit.NOTE, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision = forms.ChoiceField(
        choices=DECISIONS, label=_("Suggested wording"), required=False, widget=forms.RadioSelect
    )

    def accept(self) -> bool | None:
        decision = self.cleaned_data.get("decision")
        return None if not decision else decision == "accept"


class PositionForm(forms.Form):
    position = forms.ChoiceField(choices=AgreementClause.Status.choices)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ConsultationForm(forms.Form):
    facility = forms.ModelChoiceField(queryset=Facility.objects.none(), label=_("Facility"))
    staff = StaffChoiceField(queryset=get_user_model().objects.none(), label=_("Staff member"))
    question = forms.CharField(
        label=_("Question"), max_length=TextLimit.NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        facilities = agreement.facilities.order_by("name")
        facility = self.fields["facility"]
        assert isinstance(facility, forms.ModelChoiceField)
        facility.queryset = facilities
        staff = self.fields["staff"]
        assert isinstance(staff, forms.ModelChoiceField)
        staff.queryset = (
            get_user_model()
            .objects.filter(is_active=True, memberships__facility__in=facilities)
            .distinct()
            .order_by("last_name", "username")
        )


class RemarksForm(forms.Form):
    remarks = forms.CharField(
        label=_("Your remarks"), max_length=TextLimit.TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )


class RedlineForm(forms.Form):
    older = forms.TypedChoiceField(coerce=int, label=_("Compare version"))
    newer = forms.TypedChoiceField(coerce=int, label=_("with version"))

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(n, str(n)) for n in numbers]
        for name in ("older", "newer"):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = choices


class WordingRedlineForm(RedlineForm):
    """Two versions of a library clause to compare, in one language."""

    language = forms.ChoiceField(choices=settings.LANGUAGES, label=_("in"))


class MapFilter(django_filters.FilterSet):
    """Filters of the coordination map's rows (facilities) and columns (one activity)."""

    region = django_filters.CharFilter(lookup_expr="icontains", label=_("Region"))
    kind = django_filters.ChoiceFilter(
        choices=Facility.Kind.choices, label=_("Facility type"), empty_label=_("Any type")
    )
    activity = ActivityFilter(empty_label=_("Every activity"), method="keep_all_rows")

    class Meta:
        model = Facility
        fields: list[str] = []

    def keep_all_rows(self, queryset: QuerySet[Facility], name: str, value: Any) -> Any:
        # The activity chooses the map's column, not its rows.
        return queryset


# People annexes ---------------------------------------------------------------------------------


class AnnexForm(forms.Form):
    """A change of the people an MoU allows to enter: whom to add, among the people the
    administration cleared, and whom to remove, among those it names now."""

    added = PeopleChoiceField(
        queryset=Person.objects.none(),
        label=_("People to add"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only people the administration has cleared, and who may not enter yet, are listed."
        ),
    )
    removed = PeopleChoiceField(
        queryset=Person.objects.none(),
        label=_("People to remove"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The people the MoU allows to enter now."),
    )

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        named = people_in_force_ids(agreement)
        choices = {
            "added": people_who_may_be_named(agreement).exclude(pk__in=named),
            "removed": Person.objects.filter(pk__in=named),
        }
        for name, queryset in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = queryset.order_by("full_name")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Both sides read this reason."),
        max_length=TextLimit.TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# Signing ----------------------------------------------------------------------------------------


class SignForm(forms.Form):
    """The signer confirms who they are at the moment of signing: their password and a code
    from their authenticator app."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class SignatoryForm(forms.Form):
    user = StaffChoiceField(
        queryset=get_user_model().objects.none(),
        label=_("Person to authorise"),
        empty_label=_("Choose a person"),
    )

    def __init__(self, *args: Any, candidates: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates  # type: ignore[attr-defined]


class VerificationForm(forms.Form):
    document = forms.FileField(
        label=_("The MoU's PDF"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )
