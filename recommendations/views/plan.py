"""The plan of action: the actions, their progress and their verification."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from activity.typing import AuthenticatedRequest

from .. import permissions


@login_required
def action_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action = permissions.get_action_for_user(request.user, pk)
    return render(request, "recommendations/action_detail.html", {"action": action})
