"""A Django admin for the benchmark only: the changelist of each model a list page shows, with the
same columns, ordering and page size, as the yardstick the list pages are compared with. It is
mounted only by ``bench.urls`` and never served to users."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accreditation.models import (
    Accreditation,
    Application,
    Clearance,
    Condition,
    ReviewAssignment,
)
from activity.models import AuditEntry, Notification
from agreements.models import Agreement, Signatory
from directory.models import Facility, Organisation

site = admin.AdminSite(name="bench_admin")


class BenchAdmin(admin.ModelAdmin):
    list_per_page = 50

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # The benchmark filters on the same fields as the page it compares with.
        return True

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


@admin.register(Application, site=site)
class ApplicationAdmin(BenchAdmin):
    list_display = ("organisation", "framework", "status", "created_at", "submitted_at")
    list_filter = ("status",)
    list_select_related = ("organisation", "framework__administration")
    ordering = ("-created_at", "-id")


@admin.register(Accreditation, site=site)
class AccreditationAdmin(BenchAdmin):
    list_display = ("organisation", "status", "valid_from", "valid_until")
    list_filter = ("status",)
    list_select_related = ("organisation", "decision__application__framework")
    ordering = ("valid_until", "id")


@admin.register(Condition, site=site)
class ConditionAdmin(BenchAdmin):
    list_display = ("description", "decision", "status", "due_date")
    list_filter = ("status",)
    list_select_related = ("decision__application__organisation",)
    ordering = ("due_date", "id")


@admin.register(Clearance, site=site)
class ClearanceAdmin(BenchAdmin):
    list_display = ("person", "status", "requested_at", "valid_until")
    list_filter = ("status",)
    list_select_related = ("person__organisation",)
    ordering = ("requested_at", "id")


@admin.register(ReviewAssignment, site=site)
class ReviewAssignmentAdmin(BenchAdmin):
    list_display = ("application", "status", "due_at")
    list_filter = ("status",)
    list_select_related = ("application__organisation", "application__framework")
    ordering = ("due_at", "id")


@admin.register(Notification, site=site)
class NotificationAdmin(BenchAdmin):
    list_display = ("subject", "created_at", "read_at")
    ordering = ("-created_at", "-id")


@admin.register(AuditEntry, site=site)
class AuditEntryAdmin(BenchAdmin):
    list_display = ("seq", "created_at", "actor", "action", "object_label")
    list_select_related = ("actor",)
    ordering = ("-seq",)


@admin.register(Organisation, site=site)
class OrganisationAdmin(BenchAdmin):
    list_display = ("name", "kind", "network", "country")
    list_filter = ("kind",)
    list_select_related = ("network",)
    ordering = ("name", "id")


@admin.register(Facility, site=site)
class FacilityAdmin(BenchAdmin):
    list_display = ("name", "administration", "kind", "security_level")
    list_filter = ("kind",)
    list_select_related = ("administration",)
    ordering = ("name", "id")


@admin.register(Agreement, site=site)
class AgreementAdmin(BenchAdmin):
    list_display = ("title", "organisation", "status", "valid_from", "valid_until")
    list_filter = ("status",)
    list_select_related = ("organisation",)
    search_fields = ("title", "organisation__name")
    ordering = ("-created_at", "-id")


@admin.register(Signatory, site=site)
class SignatoryAdmin(BenchAdmin):
    list_display = ("user", "authorised_at", "authorised_by")
    list_select_related = ("user", "authorised_by")
    ordering = ("user__username", "id")
