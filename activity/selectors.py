"""Reads of the activity app for pages: the dashboard's notification and audit panels, and the
language and time zone each user reads in."""

import zoneinfo

from activity.audit_actions import readable
from directory.models import Role
from directory.permissions import roles
from directory.selectors import work_time_zone

from .models import NotificationPreference
from .panels import Panel
from .permissions import audit_entries_for_user, notifications_for_user
from .typing import AnyUser


def dashboard_panels(user: AnyUser) -> list[Panel]:
    panels = [
        Panel(
            "activity/panels/notifications.html",
            {"latest_notifications": notifications_for_user(user).filter(read_at__isnull=True)[:5]},
            order=0,
        )
    ]
    if Role.DIRECTOR in roles(user):
        panels.append(
            Panel(
                "activity/panels/audit.html",
                {"recent_audit": readable(audit_entries_for_user(user)[:8])},
                order=40,
            )
        )
    return panels


def reading_preferences(user: AnyUser) -> tuple[str, str]:
    """The language and the time zone the user chose, each "" where they chose none (one
    query)."""
    if not user.is_authenticated:
        return ("", "")
    chosen = (
        NotificationPreference.objects.filter(user=user)
        .values_list("language", "time_zone")
        .first()
    )
    return chosen or ("", "")


def reading_time_zone(user: AnyUser, chosen: str) -> zoneinfo.ZoneInfo | None:
    """The time zone the user reads dates and times in: the one they ``chosen``, else that of
    where they work; None: the deployment's, also for a zone the time zone database no longer
    knows (names are checked when saved, but the database changes with the system's)."""
    name = chosen or work_time_zone(user)
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
