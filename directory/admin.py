from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .models import Administration, Area, Facility, Membership, Organisation, Person


class AreaInline(admin.TabularInline):
    model = Area
    extra = 0


@admin.register(Administration)
class AdministrationAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "time_zone"]
    search_fields = ["name"]


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "administration", "kind", "security_level", "visitor_capacity"]
    list_filter = ["administration", "kind", "security_level"]
    search_fields = ["name"]
    inlines = [AreaInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "network", "country"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "organisation", "nationality"]
    # Found by their organisation's name: a sidebar of thousands of organisations is no filter.
    search_fields = ["full_name", "document_number", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Memberships are granted and revoked through the services, which check the role fits the
    place and record it in the audit trail; they are never edited in place."""

    list_display = ["user", "role", "administration", "facility", "organisation"]
    list_filter = ["role"]
    search_fields = ["user__username"]
    # Chosen by typing a name: a country has thousands of users, organisations and facilities.
    autocomplete_fields = ["user", "administration", "facility", "organisation"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        created = services.membership_grant(
            actor=request.user,
            user=obj.user,
            role=obj.role,
            scope=obj.administration or obj.facility or obj.organisation,  # type: ignore[arg-type]
        )
        obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.membership_revoke(actor=request.user, membership=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset:
            services.membership_revoke(actor=request.user, membership=membership)
