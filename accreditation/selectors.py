"""What needs each person's attention in accreditation, for the dashboard."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from activity.typing import AnyUser
from directory.models import Role
from directory.permissions import administration_ids, organisation_ids

from .models import Accreditation, Appeal, Application, Clearance, Condition, ReviewAssignment


@dataclass(frozen=True)
class DirectorQueue:
    to_assign: int
    to_decide: int
    returned: int
    open_appeals: int
    pending_clearances: int
    overdue_conditions: int
    expiring: list[Accreditation]


def director_queue(user: AnyUser) -> DirectorQueue:
    """Counts of what waits on the administration, in a fixed number of queries."""
    ids = administration_ids(user, {Role.DIRECTOR, Role.COORDINATOR})
    applications = Application.objects.filter(framework__administration__in=ids)
    pending_reviews = Count(
        "assignments",
        filter=Q(
            assignments__status__in=[
                ReviewAssignment.Status.AWAITING_DECLARATION,
                ReviewAssignment.Status.SCORING,
            ]
        ),
    )
    submitted_reviews = Count(
        "assignments", filter=Q(assignments__status=ReviewAssignment.Status.SUBMITTED)
    )
    counts = applications.aggregate(
        to_assign=Count("pk", filter=Q(status=Application.Status.SUBMITTED)),
        returned=Count("pk", filter=Q(status=Application.Status.RETURNED)),
    )
    to_decide = (
        applications.filter(status=Application.Status.UNDER_REVIEW)
        .annotate(pending=pending_reviews, done=submitted_reviews)
        .filter(pending=0, done__gte=2)
        .count()
    )
    today = timezone.localdate()
    return DirectorQueue(
        to_assign=counts["to_assign"],
        to_decide=to_decide,
        returned=counts["returned"],
        open_appeals=Appeal.objects.filter(
            decided_at__isnull=True, decision__application__framework__administration__in=ids
        ).count(),
        pending_clearances=Clearance.objects.filter(status=Clearance.Status.PENDING).count()
        if ids
        else 0,
        overdue_conditions=Condition.objects.overdue(today)
        .filter(decision__application__framework__administration__in=ids)
        .count(),
        expiring=list(
            Accreditation.objects.filter(
                status=Accreditation.Status.ACTIVE,
                valid_until__gte=today,
                valid_until__lte=today + timedelta(days=90),
                decision__application__framework__administration__in=ids,
            )
            .select_related("organisation")
            .order_by("valid_until")[:10]
        ),
    )


def reviewer_queue(user: AnyUser) -> QuerySet[ReviewAssignment]:
    """The reviews still waiting on this reviewer, soonest due first."""
    return (
        ReviewAssignment.objects.filter(
            reviewer_id=user.pk,
            status__in=[
                ReviewAssignment.Status.AWAITING_DECLARATION,
                ReviewAssignment.Status.SCORING,
            ],
        )
        .select_related("application__organisation")
        .order_by("due_at")
    )


@dataclass(frozen=True)
class OrganisationStatus:
    accreditations: list[Accreditation]
    open_applications: list[Application]
    open_conditions: list[Condition]


def organisation_status(user: AnyUser) -> OrganisationStatus:
    """The user's organisations' accreditations, applications in progress and conditions."""
    ids = organisation_ids(user, {Role.NGO_ADMIN, Role.NGO_MEMBER})
    return OrganisationStatus(
        accreditations=list(
            Accreditation.objects.filter(organisation__in=ids)
            .exclude(status=Accreditation.Status.SUPERSEDED)
            .select_related("organisation")
            .order_by("organisation__name", "-valid_until")
        ),
        open_applications=list(
            Application.objects.filter(
                organisation__in=ids,
                status__in=[
                    Application.Status.DRAFT,
                    Application.Status.SUBMITTED,
                    Application.Status.RETURNED,
                    Application.Status.UNDER_REVIEW,
                ],
            ).select_related("organisation")
        ),
        open_conditions=list(
            Condition.objects.filter(
                decision__application__organisation__in=ids, met_at__isnull=True
            )
            .select_related("decision__application")
            .order_by("due_date")
        ),
    )
