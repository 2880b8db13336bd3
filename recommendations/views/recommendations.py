"""Recommendations across reports: the list, and a recommendation's page with its answer, the
actions answering it and what the organisation verified."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from activity.paging import keyset_page
from activity.suggest import filter_suggestions
from activity.typing import AuthenticatedRequest

from .. import permissions, selectors
from ..forms.reports import RecommendationFilter
from ..standards import standards_named


@login_required
def recommendation_list(request: AuthenticatedRequest) -> HttpResponse:
    filterset = RecommendationFilter(
        request.GET, permissions.recommendations_for_user(request.user)
    )
    page = keyset_page(
        selectors.recommendation_rows(filterset.qs), request, ordering=("priority", "-id")
    )
    return render(
        request, "recommendations/recommendation_list.html", {"filter": filterset, "page": page}
    )


@login_required
@require_GET
def recommendation_choices(request: AuthenticatedRequest, field: str) -> JsonResponse:
    """Suggestions for the list's filters, from the recommendations the user sees."""
    filterset = RecommendationFilter(None, permissions.recommendations_for_user(request.user))
    return filter_suggestions(filterset, field, request)


@login_required
def recommendation_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    recommendation = permissions.get_recommendation_for_user(request.user, pk)
    page = selectors.recommendation_page(request.user, recommendation)
    context = {
        "recommendation": recommendation,
        "report": recommendation.report,
        # A responsible official reads the recommendations their actions answer, not the rest
        # of the report.
        "report_visible": permissions.reports_for_user(request.user)
        .filter(pk=recommendation.report_id)
        .exists(),
        "page": page,
        "actions": permissions.recommendation_actions(request.user, recommendation),
        "standards": standards_named(recommendation.standards),
    }
    return render(request, "recommendations/recommendation_detail.html", context)
