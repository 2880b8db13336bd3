"""The dashboard: for each of the user's roles, what needs their attention."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accreditation import selectors as accreditation
from activity.audit_actions import readable
from activity.permissions import audit_entries_for_user, notifications_for_user
from activity.typing import AuthenticatedRequest
from directory import permissions as directory
from directory.models import Role


@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    memberships = directory.memberships(user)
    roles = {m.role for m in memberships}
    context: dict[str, Any] = {
        "memberships": memberships,
        "roles": roles,
        "latest_notifications": notifications_for_user(user).filter(read_at__isnull=True)[:5],
    }
    if directory.is_administration_staff(user):
        context["facilities"] = directory.facilities_for_user(user)
        context["organisation_count"] = directory.organisations_for_user(user).count()
    if roles & {Role.FACILITY_OFFICER, Role.GATE_OFFICER}:
        context["own_facilities"] = (
            directory.facilities_for_user(user)
            .filter(pk__in=directory.facility_ids(user))
            .prefetch_related("areas")
        )
    if roles & {Role.NGO_ADMIN, Role.NGO_MEMBER, Role.MONITOR}:
        context["own_organisations"] = (
            directory.organisations_for_user(user)
            .filter(pk__in=directory.organisation_ids(user))
            .prefetch_related("people")
        )
    if Role.DIRECTOR in roles:
        context["recent_audit"] = readable(audit_entries_for_user(user)[:8])
    if roles & {Role.DIRECTOR, Role.COORDINATOR}:
        context["accreditation_queue"] = accreditation.director_queue(user)
    if Role.REVIEWER in roles:
        context["reviews"] = accreditation.reviewer_queue(user)
    if roles & {Role.NGO_ADMIN, Role.NGO_MEMBER}:
        context["accreditation_status"] = accreditation.organisation_status(user)
    return render(request, "dashboard.html", context)
