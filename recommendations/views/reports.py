"""Reports: the list, a report's page, writing it, submitting it, the authorities' answers and
publication."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from activity.typing import AuthenticatedRequest

from .. import permissions


@login_required
def report_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = permissions.get_report_for_user(request.user, pk)
    return render(request, "recommendations/report_detail.html", {"report": report})


@login_required
def recommendation_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    recommendation = permissions.get_recommendation_for_user(request.user, pk)
    return render(
        request, "recommendations/recommendation_detail.html", {"recommendation": recommendation}
    )
