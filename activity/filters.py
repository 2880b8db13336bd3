import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, Notification


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


class AuditFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(lookup_expr="startswith", label=_("Action starts with"))
    object_type = django_filters.CharFilter(label=_("Object type"))
    actor_label = django_filters.CharFilter(label=_("User name"))

    class Meta:
        model = AuditEntry
        fields = ["action", "object_type", "actor_label"]
