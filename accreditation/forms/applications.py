"""Forms of the application: starting one, its profile and scope, evidence, and the list's
filters. They validate what was typed; the services in ``accreditation.services`` act on it."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse, reverse_lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from activity.models import Document
from activity.suggest import SuggestChoiceFilter, SuggestMultipleChoiceField
from activity.typing import AnyUser
from activity.uploads import DocumentsField
from activity.validators import TextLimit
from directory.filters import ActivityFilter
from directory.models import ActivityType, Facility, Organisation, Person
from directory.permissions import facilities_for_user

from .. import permissions
from ..models import Appeal, Application, Framework


class FrameworkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.administration} – {obj}"


class StartForm(forms.Form):
    """Which rules to apply under, when more than one administration has rules in force."""

    framework = FrameworkChoiceField(
        queryset=Framework.objects.none(),
        label=_("Apply under the rules of"),
        empty_label=None,
    )

    def __init__(self, *args: Any, frameworks: QuerySet[Framework], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["framework"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = frameworks


def _text_field(name: str) -> forms.CharField:
    model_field = Application._meta.get_field(name)
    return forms.CharField(
        label=capfirst(model_field.verbose_name),  # type: ignore[union-attr]
        help_text=model_field.help_text,  # type: ignore[union-attr]
        max_length=model_field.max_length,  # type: ignore[union-attr]
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ApplicationForm(forms.Form):
    """The profile, scope and strategic-planning answers of an application.

    A plain form rather than a ModelForm: a ModelForm would write the typed values onto the
    application while validating, and ``application_update`` compares against what is stored.
    Drafts may be incomplete; completeness is checked at submission.
    """

    summary = _text_field("summary")
    activity_types = forms.ModelMultipleChoiceField(
        queryset=ActivityType.objects.all(),
        label=_("Activities"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    facilities = SuggestMultipleChoiceField(
        queryset=Facility.objects.none(),
        label=_("Target facilities"),
        help_text=_("Untick a facility to take it off."),
        add_label=_("Add a facility: type part of its name"),
        required=False,
        error_messages={
            "no_match": _("No facility of this administration matches “%(text)s”."),
            "several": _("Several facilities match “%(text)s”: tick the ones you mean below."),
            "too_many": _(
                "More than %(limit)s facilities match “%(text)s”: type more of the name."
            ),
        },
    )
    people = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        label=_("People who will enter"),
        help_text=_("Add people on your organisation's page first; each will be vetted."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    member_organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        label=_("On behalf of member organisations"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    swot_strengths = _text_field("swot_strengths")
    swot_weaknesses = _text_field("swot_weaknesses")
    swot_opportunities = _text_field("swot_opportunities")
    swot_threats = _text_field("swot_threats")
    sustainability_plan = _text_field("sustainability_plan")
    partner_mapping = _text_field("partner_mapping")

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        organisation = application.organisation
        kwargs.setdefault("initial", self.initial_for(application))
        super().__init__(*args, **kwargs)
        # An administration may have hundreds: the chosen ones are shown, others found by name.
        self._set_queryset("facilities", application.framework.administration.facilities.all())
        facilities = self.fields["facilities"]
        assert isinstance(facilities, SuggestMultipleChoiceField)
        facilities.url = reverse(
            "accreditation:application_facility_choices", args=[application.pk]
        )
        self._set_queryset("people", organisation.people.order_by("full_name"))
        if organisation.kind == Organisation.Kind.NETWORK:
            self._set_queryset("member_organisations", organisation.members.order_by("name"))
        else:
            del self.fields["member_organisations"]

    def _set_queryset(self, name: str, queryset: QuerySet[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = queryset

    @staticmethod
    def initial_for(application: Application) -> dict[str, Any]:
        initial: dict[str, Any] = {f: getattr(application, f) for f in Application.PROFILE_FIELDS}
        initial["activity_types"] = list(application.activity_types.values_list("pk", flat=True))
        initial["facilities"] = list(application.facilities.values_list("pk", flat=True))
        initial["people"] = list(application.people.values_list("pk", flat=True))
        initial["member_organisations"] = list(
            application.member_organisations.values_list("pk", flat=True)
        )
        return initial

    def profile(self) -> dict[str, str]:
        return {f: self.cleaned_data[f] for f in Application.PROFILE_FIELDS}

    # Sections, for the template.
    def profile_fields(self) -> list[forms.BoundField]:
        return [self["summary"]]

    def scope_fields(self) -> list[forms.BoundField]:
        names = ["activity_types", "facilities", "people", "member_organisations"]
        return [self[n] for n in names if n in self.fields]

    def swot_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in Application.PROFILE_FIELDS if n.startswith("swot_")]

    def plan_fields(self) -> list[forms.BoundField]:
        return [self["sustainability_plan"], self["partner_mapping"]]


class EvidenceForm(forms.Form):
    text = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=TextLimit.LONG,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What shows that your organisation meets this criterion."),
    )
    documents = DocumentsField(
        label=_("Add documents"),
        help_text=_("PDF, JPEG, PNG, Word or OpenDocument text; you may choose several files."),
    )
    remove = forms.ModelMultipleChoiceField(
        queryset=Document.objects.none(),
        label=_("Take these documents off"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, documents: QuerySet[Document], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["remove"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = documents
        if not documents:
            del self.fields["remove"]

    def removed_ids(self) -> list[int]:
        return [d.pk for d in self.cleaned_data.get("remove", [])]


class ApplicationFilter(django_filters.FilterSet):
    """Filters over the applications the user may see (the queryset passed in)."""

    status = django_filters.ChoiceFilter(
        choices=Application.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    activity_type = ActivityFilter("activity_types")
    facility = SuggestChoiceFilter(
        field_name="facilities",
        queryset=Facility.objects.none(),
        url=reverse_lazy("accreditation:application_choices", args=["facility"]),
        label=_("Facility"),
        placeholder=_("Any facility"),
    )
    organisation = SuggestChoiceFilter(
        field_name="organisation",
        queryset=Organisation.objects.none(),
        url=reverse_lazy("accreditation:application_choices", args=["organisation"]),
        label=_("Organisation"),
        placeholder=_("Any organisation"),
    )

    ready_for_decision = django_filters.BooleanFilter(
        label=_("Ready for a decision"), widget=forms.CheckboxInput, method="filter_ready"
    )
    appeal_to_decide = django_filters.BooleanFilter(
        label=_("With an appeal to decide"), widget=forms.CheckboxInput, method="filter_appeal"
    )

    class Meta:
        model = Application
        fields = ["status", "activity_type", "facility", "organisation"]

    def __init__(self, data: Any, queryset: QuerySet[Application], *, user: AnyUser) -> None:
        super().__init__(data, queryset=queryset)
        self.user = user
        # Only choices that can match a listed row: staff's own facilities and the facilities
        # named by the applications the user may see; the organisations with such applications.
        # A reviewer or an organisation is offered a handful, never another's.
        visible = queryset.order_by().values("pk")
        named = Application.facilities.through.objects.filter(application__in=visible)
        self.filters["facility"].queryset = Facility.objects.filter(
            Q(pk__in=facilities_for_user(user).values("pk")) | Q(pk__in=named.values("facility_id"))
        )
        self.filters["organisation"].queryset = Organisation.objects.filter(
            pk__in=queryset.order_by().values("organisation_id")
        )
        if not permissions.can_run_process(user):
            # What waits on a decision or an appeal is for those who decide: an organisation
            # or a reviewer is not offered these (nor were they ever of use to them).
            del self.filters["ready_for_decision"], self.filters["appeal_to_decide"]

    def filter_ready(
        self, queryset: QuerySet[Application], name: str, value: bool
    ) -> QuerySet[Application]:
        if not value:
            return queryset
        return queryset.filter(pk__in=Application.objects.ready_for_decision().values("pk"))

    def filter_appeal(
        self, queryset: QuerySet[Application], name: str, value: bool
    ) -> QuerySet[Application]:
        """Open appeals that this user may decide: not against their own decision."""
        if not value:
            return queryset
        appeals = Appeal.objects.filter(decided_at__isnull=True).exclude(
            original_decider_id=self.user.pk
        )
        return queryset.filter(pk__in=appeals.values("decision__application"))
