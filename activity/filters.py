import django_filters
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, Notification


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label=_("Unread only")
    )

    class Meta:
        model = Notification
        fields = ["unread"]


class AuditFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(lookup_expr="startswith", label=_("Action starts with"))
    object_type = django_filters.CharFilter(label=_("Object type"))
    actor_label = django_filters.CharFilter(label=_("User name"))

    class Meta:
        model = AuditEntry
        fields = ["action", "object_type", "actor_label"]
