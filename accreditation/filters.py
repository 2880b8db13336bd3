"""FilterSets for the accreditation lists. Each starts from a queryset the view has already
limited to what the user may see."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.suggest import SuggestChoiceFilter
from directory.filters import ActivityFilter
from directory.models import Facility, Organisation

from . import selectors
from .models import Accreditation, Clearance


def facilities_in_register() -> QuerySet[Facility]:
    """Only the facilities the register already names, so that the filter reveals nothing
    more."""
    named = selectors.accreditations_in_public_register().values(
        "decision__application__facilities"
    )
    return Facility.objects.filter(pk__in=named)


class RegisterFilter(django_filters.FilterSet):
    """The public register: by organisation name, activity and facility."""

    name = django_filters.CharFilter(
        field_name="organisation__name", lookup_expr="icontains", label=_("Organisation name")
    )
    activity = ActivityFilter("decision__application__activity_types")
    facility = SuggestChoiceFilter(
        field_name="decision__application__facilities",
        queryset=Facility.objects.none(),
        url=reverse_lazy("accreditation:public_register_choices", args=["facility"]),
        label=_("Facility"),
        placeholder=_("Any facility"),
    )

    class Meta:
        model = Accreditation
        fields = ["name", "activity", "facility"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["facility"].queryset = facilities_in_register()


class ClearanceFilter(django_filters.FilterSet):
    """The vetting queue: one status at a time, pending first (the list opens on it)."""

    PENDING = "pending"
    CLEARED = "cleared"
    EXPIRED = "expired"
    REFUSED = "refused"

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[
            (PENDING, _("Pending")),
            (CLEARED, _("Cleared")),
            (EXPIRED, _("Expired")),
            (REFUSED, _("Refused")),
        ],
        empty_label=None,
        method="filter_status",
    )
    organisation = SuggestChoiceFilter(
        field_name="person__organisation",
        queryset=Organisation.objects.none(),
        url=reverse_lazy("accreditation:clearance_choices", args=["organisation"]),
        label=_("Organisation"),
        placeholder=_("Any organisation"),
    )

    class Meta:
        model = Clearance
        fields = ["status", "organisation"]

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None and not data.get("status"):
            data = data.copy()
            data["status"] = self.PENDING
        super().__init__(data, *args, **kwargs)
        # Only organisations whose people's clearances the user may see.
        self.filters["organisation"].queryset = Organisation.objects.filter(
            pk__in=self.queryset.order_by().values("person__organisation_id")
        )

    def filter_status(self, queryset: QuerySet[Clearance], name: str, value: str) -> Any:
        today = timezone.localdate()
        if value == self.CLEARED:
            return queryset.filter(status=Clearance.Status.CLEARED, valid_until__gte=today)
        if value == self.EXPIRED:
            return queryset.filter(status=Clearance.Status.CLEARED, valid_until__lt=today)
        if value == self.REFUSED:
            return queryset.filter(status=Clearance.Status.REFUSED)
        return queryset.filter(status=Clearance.Status.PENDING)

    @property
    def chosen_status(self) -> str:
        if self.is_valid():
            return str(self.form.cleaned_data.get("status") or self.PENDING)
        return self.PENDING
