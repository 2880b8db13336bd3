"""Who holds a role where: used to address notifications and to offer choices in forms."""

import zoneinfo
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from activity.panels import Panel
from activity.typing import AnyUser, User

from . import permissions
from .models import Administration, Facility, Organisation, Role


def organisation_users(
    organisation: Organisation, roles: tuple[str, ...] = (Role.NGO_ADMIN,)
) -> QuerySet[User]:
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__role__in=roles,
        )
        .distinct()
        .order_by("username")
    )


def administration_users(administration: Administration, roles: tuple[str, ...]) -> QuerySet[User]:
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__administration=administration,
            memberships__role__in=roles,
        )
        .distinct()
        .order_by("username")
    )


def holds_role(user: User, administration: Administration, role: str) -> bool:
    return user.memberships.filter(administration=administration, role=role).exists()


# The dashboard -----------------------------------------------------------------------------------

#: Staff dashboards name their facilities where they are this few; more (a country has hundreds)
#: are a count and a search of the facilities list.
FACILITIES_ON_DASHBOARD = 10


def dashboard_panels(user: AnyUser) -> list[Panel]:
    """The directory's panels: for staff, their facilities and the size of the directory; for
    facility staff, the facility they work in. (A responsible official's actions are the
    recommendations app's panel.)"""
    panels: list[Panel] = []
    held = permissions.roles(user)
    if permissions.is_administration_staff(user):
        facilities = permissions.facilities_for_user(user).order_by("name")
        first = list(facilities[: FACILITIES_ON_DASHBOARD + 1])
        panels.append(
            Panel(
                "directory/panels/facilities.html",
                {
                    "facilities": first if len(first) <= FACILITIES_ON_DASHBOARD else [],
                    "facility_count": facilities.count(),
                    "organisation_count": permissions.organisations_for_user(user).count(),
                },
                order=60,
            )
        )
    if held & {Role.FACILITY_OFFICER, Role.GATE_OFFICER}:
        own = (
            permissions.facilities_for_user(user)
            .filter(pk__in=permissions.facility_ids(user))
            .prefetch_related("areas")
        )
        panels.extend(
            Panel("directory/panels/own_facility.html", {"facility": f, "roles": held}, order=20)
            for f in own
        )
    return panels


def facility_users(facility: Facility, roles: tuple[str, ...]) -> QuerySet[User]:
    """The active users who hold one of the roles at the facility."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__facility=facility,
            memberships__role__in=roles,
        )
        .distinct()
        .order_by("username")
    )


def earliest_local_date(administration: Administration | int) -> date:
    """The date it is now where it is earliest among the administration's facilities (given as
    the administration or its id; the server's date if it has none). A decision taken now that
    is in force "from today" is in force from that date, so that it covers today at every
    facility: in the evening in Guatemala it is already the next day in UTC."""
    zones = set(
        Facility.objects.filter(administration=administration).values_list("time_zone", flat=True)
    )
    now = timezone.now()
    return min(
        (now.astimezone(zoneinfo.ZoneInfo(zone)).date() for zone in zones),
        default=timezone.localdate(),
    )


def work_time_zone(user: AnyUser) -> str | None:
    """The time zone of where the user works, from their memberships (read once per request
    already): their facility's, else their administration's; None where that is not one zone
    (an organisation's people, who choose theirs in their preferences, or someone who works in
    two)."""
    memberships = permissions.memberships(user)
    for zones in (
        {m.facility.time_zone for m in memberships if m.facility},
        {m.administration.time_zone for m in memberships if m.administration},
    ):
        if zones:
            return zones.pop() if len(zones) == 1 else None
    return None
