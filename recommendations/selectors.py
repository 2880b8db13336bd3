"""Reads of the recommendations app that pages and other apps share."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from visits.models import Visit

from .models import Action, ProgressUpdate, Recommendation, Verification

# The plan of action and follow-up ---------------------------------------------------------------


def action_rows(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Actions as a list shows them: the official, and the numbers of the recommendations each
    answers, read in one query for the whole page."""
    return actions.select_related("responsible", "organisation").prefetch_related(
        Prefetch(
            "recommendations",
            queryset=Recommendation.objects.select_related("report").order_by(
                "report_id", "number"
            ),
        )
    )


@dataclass(frozen=True)
class ActionPage:
    recommendations: list[Recommendation]
    updates: list[ProgressUpdate]


def action_page(action: Action) -> ActionPage:
    """What an action's page shows besides the action: the recommendations it answers, each
    with its two statuses, and the progress reported, newest first, with its evidence."""
    recommendations = action.recommendations.select_related("report", "facility").order_by(
        "report_id", "number"
    )
    updates = action.updates.select_related("author").prefetch_related("evidence")
    return ActionPage(list(recommendations), list(updates))


def checklist_rows(checklist: QuerySet[Verification]) -> QuerySet[Verification]:
    """A follow-up visit's checklist, most pressing first, each row with its recommendation
    and the report it comes from."""
    return checklist.select_related("recommendation__report", "verified_by").order_by(
        "recommendation__priority", "recommendation__report_id", "recommendation__number", "id"
    )


def followup_visits(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    """The visits among ``visits`` that have a checklist, with how many items it holds and how
    many have been verified."""
    return (
        visits.filter(pk__in=Verification.objects.filter(visit__isnull=False).values("visit_id"))
        .select_related("facility", "organisation")
        .annotate(
            item_count=Count("checklist"),
            verified_count=Count("checklist", filter=~Q(checklist__result="")),
        )
    )
