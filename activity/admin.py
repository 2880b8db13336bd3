from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, DeniedAccess, Notification, NotificationPreference, Reminder
from .validators import NameField


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "seq",
        "created_at",
        "actor_label",
        "action",
        "object_label",
        "administration",
        "ip_address",
    ]
    list_filter = ["administration", "action"]
    list_select_related = ["administration"]
    search_fields = ["object_label", "actor_label", "action"]


@admin.register(DeniedAccess)
class DeniedAccessAdmin(ReadOnlyAdmin):
    """Refused access, counted per user, kind and minute (every administration's, and those
    about no administration)."""

    list_display = [
        "minute",
        "actor_label",
        "action",
        "object_label",
        "reason",
        "count",
        "administration",
        "ip_address",
    ]
    list_filter = ["administration", "action"]
    list_select_related = ["administration"]
    search_fields = ["actor_label", "action", "object_label"]
    date_hierarchy = "minute"


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = [
        "subject",
        "recipient",
        "kind",
        "due_at",
        "state",
        "attempts",
        "sent_at",
        "error",
    ]
    list_filter = ["state", "kind"]
    search_fields = ["subject", "error"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["subject", "recipient", "created_at", "read_at", "emailed_at"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "delivery", "language", "last_digest_at"]


class NamedUserChangeForm(UserChangeForm):  # type: ignore[type-arg]
    """A person's names end up in e-mail headers and letters: checked as every other name
    (Django's user model is kept, so the check is on the form)."""

    first_name = NameField(label=_("first name"), max_length=150, required=False)
    last_name = NameField(label=_("last name"), max_length=150, required=False)


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class NamedUserAdmin(UserAdmin):  # type: ignore[type-arg]
    form = NamedUserChangeForm
