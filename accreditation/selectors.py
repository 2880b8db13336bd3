"""Reads of accreditation that pages and later modules use.

Agreements, visits and recommendations import only this module and the models of accreditation:
who is cleared to be named (`cleared_people`), the rules in force (`framework_in_force`) and
whether an organisation's accreditation is in force on a day (`accreditation_in_force`). The
public register, the dashboard queues and what the process's pages show (score sheets, what an
application lacks, what can be appealed, what bars an application) are read here too."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.panels import Panel
from activity.typing import AnyUser
from directory.models import Administration, Organisation, Person, Role
from directory.permissions import administration_ids, organisation_ids, roles
from directory.selectors import earliest_local_date

from .models import (
    Accreditation,
    Appeal,
    Application,
    Clearance,
    Condition,
    Decision,
    FormalMechanism,
    Framework,
    ReviewAssignment,
    Score,
)
from .scoring import ScoreSheet, score_sheet

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


# The process -----------------------------------------------------------------------------------


def missing_items(application: Application) -> list[str]:
    """What the application still lacks before it can be submitted, in the applicant's words."""
    labels = {
        field.name: field.verbose_name
        for field in Application._meta.concrete_fields
        if field.name in Application.PROFILE_FIELDS
    }
    missing = [
        _("%(field)s is empty.") % {"field": str(labels[f]).capitalize()}
        for f in Application.PROFILE_FIELDS
        if not getattr(application, f).strip()
    ]
    if not application.activity_types.exists():
        missing.append(_("Choose at least one activity."))
    if not application.facilities.exists():
        missing.append(_("Choose at least one target facility."))
    if not application.people.exists():
        missing.append(_("Name at least one person who will enter."))
    evidence = {e.criterion_id: e for e in application.evidence.prefetch_related("documents")}
    for criterion in application.framework.criteria.all():
        item = evidence.get(criterion.pk)
        if item is None or not item.text.strip():
            missing.append(_("Evidence for “%(name)s” is missing.") % {"name": criterion.name})
        if criterion.document_required and (item is None or not item.documents.all()):
            missing.append(_("“%(name)s” needs at least one document.") % {"name": criterion.name})
    return missing


def publication_problems(framework: Framework) -> list[str]:
    """What stops a draft from being published."""
    problems = []
    criteria = list(framework.criteria.prefetch_related("levels"))
    if not criteria:
        problems.append(_("Add at least one criterion."))
    for criterion in criteria:
        if len(criterion.levels.all()) < 2:
            problems.append(
                _("“%(name)s” needs a scale of at least two levels.") % {"name": criterion.name}
            )
    if not framework.introduction.strip():
        problems.append(_("Write an introduction that tells organisations how to apply."))
    return problems


def application_score_sheet(application: Application) -> ScoreSheet:
    """The combined result of the submitted reviews. Each criterion's scores are listed in the
    order the reviewers were assigned, so that a column of the sheet is one reviewer."""
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    for score in (
        Score.objects.filter(
            assignment__application=application,
            assignment__status=ReviewAssignment.Status.SUBMITTED,
        )
        .only("assignment_id", "criterion_id", "score")
        .order_by("assignment_id", "criterion_id")
    ):
        scores[score.assignment_id][score.criterion_id] = score.score
    criteria = list(application.framework.criteria.prefetch_related("levels"))
    return score_sheet(application.framework, criteria, scores)


@dataclass(frozen=True)
class ReviewerComment:
    criterion_name: str
    reviewer: str
    score: int
    comment: str
    internal: bool


def application_score_comments(application: Application, *, named: bool) -> list[ReviewerComment]:
    """What each reviewer wrote on each criterion, criterion by criterion. With ``named``
    (for the people running the process) every comment, under the reviewer's name and marked
    when internal; otherwise (for the applicant) "Reviewer 1, 2…" in the columns of the score
    sheet, and no internal comment."""
    scores = list(
        Score.objects.filter(
            assignment__application=application,
            assignment__status=ReviewAssignment.Status.SUBMITTED,
        )
        .select_related("assignment__reviewer", "criterion")
        .order_by("criterion__order", "criterion_id", "assignment_id")
    )
    # Numbered as the score sheet numbers its columns: in the order the reviews were assigned.
    numbers = {pk: n for n, pk in enumerate(sorted({s.assignment_id for s in scores}), start=1)}
    comments = []
    for score in scores:
        if score.internal and not named:
            continue
        reviewer = score.assignment.reviewer
        comments.append(
            ReviewerComment(
                criterion_name=score.criterion.name,
                reviewer=(reviewer.get_full_name() or reviewer.get_username())
                if named
                else _("Reviewer %(number)s") % {"number": numbers[score.assignment_id]},
                score=score.score,
                comment=score.comment,
                internal=score.internal,
            )
        )
    return comments


def appeal_deadline(decision: Decision, subject: str) -> date | None:
    """The last day an appeal against this may be lodged, or None if it cannot be appealed."""
    if subject == Appeal.Subject.DECISION:
        if decision.outcome == Decision.Outcome.ACCREDITED:
            return None
        return decision.appeal_deadline
    accreditation = getattr(decision, "accreditation", None)
    if (
        accreditation is None
        or accreditation.status != Appeal.APPEALED_STATUS[Appeal.Subject(subject)]
        or not accreditation.status_changed_at
    ):
        return None
    days = decision.application.framework.appeal_days
    return timezone.localdate(accreditation.status_changed_at) + timedelta(days=days)


@dataclass(frozen=True)
class ApplicationBar:
    """Why an organisation cannot apply under a framework now, and what it can do about it."""

    framework: Framework
    accreditation: Accreditation
    reapply_from: date | None  # after a revocation; None while suspended
    appeal_pending: bool
    appeal_until: date | None  # the last day to appeal, when an appeal can still be lodged


def application_bars(
    organisation: Organisation, frameworks: Iterable[Framework]
) -> list[ApplicationBar]:
    """What stops the organisation from starting an application or a renewal under each of
    ``frameworks``: its accreditation suspended by that administration (until reinstated, or
    an appeal is upheld), or revoked less than the framework's waiting period ago."""
    frameworks = list(frameworks)
    barring = Accreditation.objects.barring_application(organisation, frameworks)
    bars = []
    for framework in frameworks:
        accreditation = barring.get(framework.pk)
        if accreditation is None:
            continue
        suspended = accreditation.status == Accreditation.Status.SUSPENDED
        subject = Appeal.Subject.SUSPENSION if suspended else Appeal.Subject.REVOCATION
        decision = accreditation.decision
        pending = any(a.subject == subject and a.is_open for a in decision.appeals.all())
        deadline = appeal_deadline(decision, subject)
        reapply_from = None
        if not suspended and accreditation.status_changed_at is not None:
            reapply_from = framework.reapply_from(accreditation.status_changed_at)
        bars.append(
            ApplicationBar(
                framework=framework,
                accreditation=accreditation,
                reapply_from=reapply_from,
                appeal_pending=pending,
                appeal_until=deadline
                if deadline is not None
                and not pending
                # On time while the last day lasts at one of the administration's facilities.
                and deadline >= earliest_local_date(framework.administration_id)
                else None,
            )
        )
    return bars


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


#: Reviews a reviewer's dashboard names, soonest due first.
REVIEWS_ON_DASHBOARD = 10


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
        # The soonest due; a busy reviewer finds the others in their list of reviews.
        reviews = list(reviewer_queue(user)[: REVIEWS_ON_DASHBOARD + 1])
        more = len(reviews) > REVIEWS_ON_DASHBOARD
        context = {"reviews": reviews[:REVIEWS_ON_DASHBOARD], "more": more}
        panels.append(Panel("accreditation/panels/reviewer.html", context, order=12))
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
