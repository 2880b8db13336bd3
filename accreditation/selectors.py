"""Reads of accreditation that pages and later modules use.

Agreements, visits and recommendations import only this module and the models of accreditation:
who is cleared to be named (`cleared_people`), the rules in force (`framework_in_force`) and
whether an organisation's accreditation is in force on a day (`accreditation_in_force`). The
public register and the dashboard queues are read here too."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from activity.panels import Panel
from activity.typing import AnyUser
from directory.models import Administration, Organisation, Person, Role
from directory.permissions import administration_ids, organisation_ids, roles

from .models import (
    Accreditation,
    Appeal,
    Application,
    Clearance,
    Condition,
    FormalMechanism,
    Framework,
    ReviewAssignment,
)

# Public pages ------------------------------------------------------------------------------------


def frameworks_in_force() -> QuerySet[Framework]:
    """The rules anyone may read: each administration's version in force, never a draft or a
    superseded version."""
    return Framework.objects.filter(status=Framework.Status.PUBLISHED).select_related(
        "administration"
    )


def accreditations_in_public_register(on: date | None = None) -> QuerySet[Accreditation]:
    """The public register lists accreditations in force: active and within their validity.
    Suspended, revoked, expired and renewed ones are only found by their verification code."""
    on = on or timezone.localdate()
    return Accreditation.objects.filter(
        status=Accreditation.Status.ACTIVE, valid_from__lte=on, valid_until__gte=on
    ).select_related("organisation")


def mechanisms_in_public_register(on: date | None = None) -> QuerySet[FormalMechanism]:
    """Formal mechanisms whose mandate is in force."""
    on = on or timezone.localdate()
    return (
        FormalMechanism.objects.filter(valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .select_related("organisation", "administration")
    )


def find_accreditation_by_code(code: str) -> Accreditation | None:
    """Anyone holding a verification code may check the accreditation it belongs to, whatever
    its status."""
    return (
        Accreditation.objects.filter(verification_code=code)
        .select_related("organisation", "decision__application__framework__administration")
        .first()
    )


# What later modules ask ---------------------------------------------------------------------


def framework_in_force(administration: Administration) -> Framework | None:
    """The version of the administration's rules that applications are made under now."""
    return Framework.objects.filter(
        administration=administration, status=Framework.Status.PUBLISHED
    ).first()


def accreditation_in_force(
    organisation: Organisation, administration: Administration, on: date | None = None
) -> Accreditation | None:
    """The organisation's accreditation with the administration that is in force on the day
    (active and within its validity), if any. An agreement is in force only while this is."""
    on = on or timezone.localdate()
    return (
        Accreditation.objects.filter(
            organisation=organisation,
            decision__application__framework__administration=administration,
            status=Accreditation.Status.ACTIVE,
            valid_from__lte=on,
            valid_until__gte=on,
        )
        .order_by("-valid_until")
        .first()
    )


def cleared_people(
    administration: Administration,
    organisation: Organisation | None = None,
    on: date | None = None,
) -> QuerySet[Person]:
    """People whose clearance with the administration covers the day: the ones who may be
    named in one of its agreements or visits."""
    on = on or timezone.localdate()
    valid = Clearance.objects.filter(
        person=OuterRef("pk"),
        administration=administration,
        status=Clearance.Status.CLEARED,
        valid_from__lte=on,
        valid_until__gte=on,
    )
    people = Person.objects.filter(Exists(valid))
    if organisation is not None:
        people = people.filter(organisation=organisation)
    return people


def current_clearance(person: Person, administration: Administration) -> Clearance | None:
    """The person's latest request or clearance with the administration."""
    return (
        person.clearances.filter(administration=administration)
        .order_by("-requested_at", "-id")
        .first()
    )


# Dashboard queues ------------------------------------------------------------------------------


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
    """Counts of what waits on the administration, in a fixed number of queries. Each reads
    only the open rows of the user's administrations, from the partial indexes on them."""
    ids = administration_ids(user, {Role.DIRECTOR, Role.COORDINATOR})
    applications = Application.objects.filter(administration__in=ids)
    counts = applications.filter(
        status__in=[Application.Status.SUBMITTED, Application.Status.RETURNED]
    ).aggregate(
        to_assign=Count("pk", filter=Q(status=Application.Status.SUBMITTED)),
        returned=Count("pk", filter=Q(status=Application.Status.RETURNED)),
    )
    to_decide = applications.ready_for_decision().count()
    today = timezone.localdate()
    return DirectorQueue(
        to_assign=counts["to_assign"],
        to_decide=to_decide,
        returned=counts["returned"],
        # Appeals against the user's own decisions go to another director.
        open_appeals=Appeal.objects.filter(
            decided_at__isnull=True, decision__application__administration__in=ids
        )
        .exclude(original_decider_id=user.pk)
        .count(),
        pending_clearances=Clearance.objects.filter(
            status=Clearance.Status.PENDING, administration__in=ids
        ).count(),
        overdue_conditions=Condition.objects.overdue(today)
        .filter(decision__application__administration__in=ids)
        .count(),
        expiring=list(
            Accreditation.objects.filter(
                status=Accreditation.Status.ACTIVE,
                valid_until__gte=today,
                valid_until__lte=today + timedelta(days=90),
                decision__application__administration__in=ids,
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
            Application.objects.open().filter(organisation__in=ids).select_related("organisation")
        ),
        open_conditions=list(
            Condition.objects.filter(
                decision__application__organisation__in=ids, met_at__isnull=True
            )
            .select_related("decision__application")
            .order_by("due_date")
        ),
    )


# The dashboard -----------------------------------------------------------------------------------


def dashboard_panels(user: AnyUser) -> list[Panel]:
    """Accreditation's panels: the queue of the people running the process, a reviewer's
    reviews, and each of the user's organisations with its accreditation and applications."""
    panels: list[Panel] = []
    held = roles(user)
    queue = director_queue(user) if held & {Role.DIRECTOR, Role.COORDINATOR} else None
    if Role.DIRECTOR in held:
        panels.append(Panel("accreditation/panels/director.html", {"queue": queue}, order=10))
    if Role.COORDINATOR in held:
        shown = queue if Role.DIRECTOR not in held else None
        panels.append(Panel("accreditation/panels/coordinator.html", {"queue": shown}, order=11))
    if Role.REVIEWER in held:
        panels.append(
            Panel("accreditation/panels/reviewer.html", {"reviews": reviewer_queue(user)}, order=12)
        )
    if held & {Role.NGO_ADMIN, Role.NGO_MEMBER, Role.MONITOR}:
        status = organisation_status(user) if held & {Role.NGO_ADMIN, Role.NGO_MEMBER} else None
        own = Organisation.objects.filter(pk__in=organisation_ids(user)).prefetch_related("people")
        panels.extend(
            Panel(
                "accreditation/panels/organisation.html",
                {"organisation": org, "status": status},
                order=15,
            )
            for org in own.order_by("name")
        )
    return panels
