"""The dashboard: for each of the user's roles, what needs their attention.

Each app offers its panels in ``selectors.dashboard_panels(user)``; the dashboard only collects
them, in their order, so that a new module adds its panels without touching this view."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accreditation import selectors as accreditation
from activity import selectors as activity
from activity.typing import AuthenticatedRequest
from agreements import selectors as agreements
from directory import permissions
from directory import selectors as directory
from recommendations import selectors as recommendations
from visits import selectors as visits

PANEL_SOURCES = (activity, directory, accreditation, agreements, visits, recommendations)


@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    panels = [panel for source in PANEL_SOURCES for panel in source.dashboard_panels(user)]
    context = {
        "memberships": permissions.memberships(user),
        "panels": sorted(panels, key=lambda panel: panel.order),
    }
    return render(request, "dashboard.html", context)
