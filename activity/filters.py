import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from . import audit_actions
from .models import AuditEntry, DeniedAccess, Notification


class NotificationFilter(django_filters.FilterSet):
    # A checkbox: ticked shows the unread ones, unticked shows everything (never "read only").
    unread = django_filters.BooleanFilter(
        label=_("Unread only"), widget=forms.CheckboxInput, method="filter_unread"
    )

    class Meta:
        model = Notification
        fields = ["unread"]

    def filter_unread(
        self, queryset: QuerySet[Notification], name: str, value: bool
    ) -> QuerySet[Notification]:
        return queryset.filter(read_at__isnull=True) if value else queryset


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilter(django_filters.FilterSet):
    """Filters of the audit trail; they narrow the entries the user may read, never widen."""

    person = django_filters.CharFilter(
        method="filter_person",
        label=_("Person"),
        max_length=150,
        help_text=_("Part of the name or user name of who acted."),
    )
    organisation = django_filters.CharFilter(
        field_name="organisation__name",
        lookup_expr="icontains",
        label=_("Organisation"),
        max_length=200,
    )
    action = django_filters.ChoiceFilter(
        choices=audit_actions.choices,
        empty_label=_("Any kind"),
        label=_("Kind of action"),
        method="filter_action",
    )
    since = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("From"), widget=_date_input()
    )
    until = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("Until"), widget=_date_input()
    )

    class Meta:
        model = AuditEntry
        fields = ["person", "organisation", "action", "since", "until"]

    def filter_action(
        self, queryset: QuerySet[AuditEntry], name: str, value: str
    ) -> QuerySet[AuditEntry]:
        # Entries recorded before the action was renamed are of the same kind.
        return queryset.filter(action__in=audit_actions.codes(value))

    def filter_person(
        self, queryset: QuerySet[AuditEntry], name: str, value: str
    ) -> QuerySet[AuditEntry]:
        for word in value.split():
            queryset = queryset.filter(
                Q(actor__first_name__icontains=word)
                | Q(actor__last_name__icontains=word)
                | Q(actor_label__icontains=word)
            )
        return queryset


class DeniedAccessFilter(django_filters.FilterSet):
    person = django_filters.CharFilter(
        field_name="actor_label", lookup_expr="icontains", label=_("User name"), max_length=150
    )
    since = django_filters.DateFilter(
        field_name="minute", lookup_expr="date__gte", label=_("From"), widget=_date_input()
    )
    until = django_filters.DateFilter(
        field_name="minute", lookup_expr="date__lte", label=_("Until"), widget=_date_input()
    )

    class Meta:
        model = DeniedAccess
        fields = ["person", "since", "until"]
