"""Reads of reports and recommendations for their pages, the dashboard, the exports and the
public pages: each page's rows in a number of queries that does not grow with them, and never a
row the user may not see.

Every dashboard figure starts from what the user may see (``permissions.recommendations_for_user``,
``actions_for_user``, ``reports_for_user``) and counts submitted reports only: a draft is the
organisation's working copy and is counted nowhere. Each figure is one grouped query, so a
dashboard costs the same few queries for one recommendation or three hundred thousand.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.panels import Panel
from activity.typing import AnyUser
from agreements.models import Agreement, Clause
from agreements.selectors import RenderedClause, rendered_clauses
from directory.models import Administration, Facility, Organisation, Role
from directory.permissions import organisation_ids, roles
from visits.models import Purpose, Visit

from . import permissions
from .models import (
    Action,
    Engagement,
    Finding,
    Priority,
    ProgressUpdate,
    Recommendation,
    Report,
    Theme,
    Verification,
)
from .standards import Standard, standards_named


def report_rows(reports: QuerySet[Report]) -> QuerySet[Report]:
    """A list's rows: what each shows beside the report, its recommendations counted in the
    same query, by a subquery for each row of the page (a join and a GROUP BY would count
    every report of the administration before taking the page's)."""
    counted = (
        Recommendation.objects.filter(report=OuterRef("pk"))
        .order_by()
        .values("report")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return reports.select_related("facility", "organisation").annotate(
        recommendation_count=Coalesce(Subquery(counted), 0)
    )


def recommendation_rows(recommendations: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    return recommendations.select_related("report", "facility", "organisation", "area")


def confidentiality_clause(agreement: Agreement | None) -> RenderedClause | None:
    """The MoU's clause on confidentiality, as the parties read it: what publication follows."""
    if agreement is None:
        return None
    for clause in rendered_clauses(agreement):
        if clause.clause.clause_version.clause.kind == Clause.Kind.CONFIDENTIALITY:
            return clause
    return None


# Reports and recommendations pages ---------------------------------------------------------------


def _repeated_by(user: AnyUser) -> Prefetch:
    """The later recommendations repeating each one, of those the user sees (as
    ``visible_repeats``): another organisation's repeat is nobody else's business."""
    later = (
        permissions.recommendations_for_user(user)
        .select_related("report")
        .order_by("report__submitted_at", "number", "pk")
    )
    return Prefetch("repeated_by", queryset=later, to_attr="visible_repeats")


def _name_standards_and_repeats(user: AnyUser, recommendations: list[Recommendation]) -> None:
    """Set on each recommendation its standards' labels (``named_standards``) and the earlier
    recommendation it repeats if the user sees it (``visible_repeat``), in one query."""
    earlier = {rec.repeats_id for rec in recommendations if rec.repeats_id}
    seen = (
        set(
            permissions.recommendations_for_user(user)
            .filter(pk__in=earlier)
            .values_list("pk", flat=True)
        )
        if earlier
        else set()
    )
    for rec in recommendations:
        rec.named_standards = standards_named(rec.standards)  # type: ignore[attr-defined]
        rec.visible_repeat = rec.repeats if rec.repeats_id in seen else None  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ReportPage:
    findings: list[Finding]
    recommendations: list[Recommendation]
    engagements: list[Engagement]
    clause: RenderedClause | None


def report_page(user: AnyUser, report: Report) -> ReportPage:
    """What a report's page shows: good practices first, then concerns, each with its files;
    the recommendations in their order; the authorities' engagements in time order."""
    findings = sorted(
        report.findings.prefetch_related("attachments"),
        key=lambda f: (Finding.KIND_ORDER[f.kind], f.created_at, f.pk),
    )
    recommendations = list(
        report.recommendations.select_related("area", "repeats__report")
        .prefetch_related(_repeated_by(user))
        .order_by("number")
    )
    _name_standards_and_repeats(user, recommendations)
    engagements = list(
        report.engagements.select_related("actor", "recommendation", "meeting").order_by("at", "pk")
    )
    clause = confidentiality_clause(report.agreement)
    return ReportPage(findings, recommendations, engagements, clause)


@dataclass(frozen=True)
class RecommendationPage:
    recommendation: Recommendation
    verifications: list[Verification]
    actions: list[Action]


def recommendation_page(user: AnyUser, recommendation: Recommendation) -> RecommendationPage:
    """The recommendation with its repeats both ways, the organisation's verifications and the
    actions of the plan answering it that the user sees."""
    rec = recommendation
    prefetch_related_objects([rec], _repeated_by(user))
    _name_standards_and_repeats(user, [rec])
    verifications = list(
        rec.verifications.select_related("visit", "verified_by").order_by("-verified_at", "-pk")
    )
    actions = list(
        permissions.actions_for_user(user)
        .filter(recommendations=rec)
        .select_related("responsible")
        .order_by("due_on", "pk")
    )
    return RecommendationPage(rec, verifications, actions)


def repeat_choices(user: AnyUser, report: Report) -> QuerySet[Recommendation]:
    """What a recommendation may repeat: the earlier submitted recommendations to the same
    facility that the user sees."""
    return (
        permissions.recommendations_for_user(user)
        .filter(facility=report.facility_id, report__status__in=Report.SUBMITTED_STATUSES)
        .exclude(report=report)
        .select_related("report")
        .order_by("-report__submitted_at", "number", "pk")
    )


def meeting_choices(report: Report) -> QuerySet[Visit]:
    """The approved coordination meetings of the report's organisation with its
    administration."""
    return (
        Visit.objects.expected()
        .filter(
            purpose=Purpose.COORDINATION,
            organisation=report.organisation_id,
            administration=report.administration_id,
        )
        .select_related("facility")
        .order_by("-starts_at", "-pk")
    )


# Recommendations the figures count -----------------------------------------------------------


def counted_recommendations(user: AnyUser) -> QuerySet[Recommendation]:
    """The recommendations of submitted reports the user may see."""
    # Filtered rather than combined with ``&``, which would join the reports a second time.
    return permissions.recommendations_for_user(user).filter(
        report__status__in=Report.SUBMITTED_STATUSES
    )


def answered_for(user: AnyUser) -> QuerySet[Recommendation]:
    """What an implementation rate counts: submitted and not rejected."""
    return counted_recommendations(user).exclude(response=Recommendation.Response.REJECTED)


# Implementation rates -------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """A group's recommendations (submitted, not rejected): how many the authorities claim
    implemented, how many the organisation verified implemented, and the rate, verified of
    all."""

    label: str
    total: int
    claimed: int
    verified: int
    #: Claimed implemented but not (yet) verified so: the gap between the two statuses.
    claimed_only: int

    @property
    def rate(self) -> float | None:
        return self.verified / self.total if self.total else None

    @property
    def rest(self) -> int:
        return self.total - self.verified - self.claimed_only


_IMPLEMENTED_COUNTS = {
    "total": Count("pk"),
    "claimed": Count("pk", filter=Q(claimed_status=Recommendation.Claimed.IMPLEMENTED)),
    "verified": Count("pk", filter=Q(verified_status=Recommendation.Verified.IMPLEMENTED)),
    "claimed_only": Count(
        "pk",
        filter=Q(claimed_status=Recommendation.Claimed.IMPLEMENTED)
        & ~Q(verified_status=Recommendation.Verified.IMPLEMENTED),
    ),
}


def _rate(label: str, row: dict[str, int]) -> Rate:
    return Rate(
        label=label,
        total=row["total"],
        claimed=row["claimed"],
        verified=row["verified"],
        claimed_only=row["claimed_only"],
    )


#: A chart names this many facilities, those with the most recommendations; the others are
#: one row.
FACILITIES_ON_CHART = 12


def rates_by_facility(user: AnyUser) -> list[Rate]:
    """One query, one row per facility: the facilities with the most recommendations, and
    the others added up in a last row."""
    rows = sorted(
        answered_for(user)
        .values("facility", "facility__name")
        .annotate(**_IMPLEMENTED_COUNTS)
        .order_by(),
        key=lambda row: (-row["total"], row["facility__name"], row["facility"]),
    )
    rates = [_rate(row["facility__name"], row) for row in rows[:FACILITIES_ON_CHART]]
    others = rows[FACILITIES_ON_CHART:]
    if others:
        summed = {key: sum(row[key] for row in others) for key in _IMPLEMENTED_COUNTS}
        label = _("%(count)s other facilities") % {"count": len(others)}
        rates.append(_rate(label, summed))
    return rates


def rates_by_theme(user: AnyUser) -> list[Rate]:
    """One query; the themes in their usual order, those without recommendations left out."""
    found = {
        row["theme"]: row
        for row in answered_for(user).values("theme").annotate(**_IMPLEMENTED_COUNTS).order_by()
    }
    return [_rate(str(theme.label), found[theme]) for theme in Theme if theme in found]


def rates_by_priority(user: AnyUser) -> list[Rate]:
    """One query; the most pressing first."""
    found = {
        row["priority"]: row
        for row in answered_for(user).values("priority").annotate(**_IMPLEMENTED_COUNTS).order_by()
    }
    return [_rate(str(p.label), found[p]) for p in Priority if p in found]


# Overdue actions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ageing:
    label: str
    count: int


#: How long overdue actions have been overdue: (first day, last day or None for "and more").
AGE_BUCKETS: tuple[tuple[int, int | None], ...] = ((1, 30), (31, 90), (91, 180), (181, None))


def overdue_ageing(user: AnyUser, today: date | None = None) -> list[Ageing]:
    """The overdue actions the user may see, by how many days they are overdue: one query."""
    today = today or timezone.localdate()
    counts = {}
    for first, last in AGE_BUCKETS:
        # Overdue by ``first`` days or more means due on ``today - first`` or before.
        when = Q(due_on__lte=today - timedelta(days=first))
        if last is not None:
            when &= Q(due_on__gte=today - timedelta(days=last))
        counts[f"from_{first}"] = Count("pk", filter=when)
    found = (Action.objects.overdue(today) & permissions.actions_for_user(user)).aggregate(**counts)
    return [
        Ageing(
            label=_("%(first)s–%(last)s days") % {"first": first, "last": last}
            if last is not None
            else _("Over %(days)s days") % {"days": first - 1},
            count=found[f"from_{first}"],
        )
        for first, last in AGE_BUCKETS
    ]


# Time to implement -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeToImplement:
    """From the report's submission to the organisation's first verification of the
    recommendation as implemented, in days."""

    label: str
    count: int
    median: float
    mean: float


def _days(value: timedelta) -> float:
    return value.total_seconds() / 86400


def time_to_implement(user: AnyUser) -> list[TimeToImplement]:
    """By priority, the median and the mean time to implement: two queries, whatever the
    number of recommendations. The mean is an average in the database; the median is read as
    the one or two middle rows of each priority, numbered in the database by a window
    function (portable to PostgreSQL and SQLite alike, unlike a percentile)."""
    took = ExpressionWrapper(
        F("implemented_at") - F("report__submitted_at"), output_field=DurationField()
    )
    done = counted_recommendations(user).filter(implemented_at__isnull=False).annotate(took=took)
    means = {
        row["priority"]: row
        for row in done.values("priority").annotate(n=Count("pk"), mean=Avg("took")).order_by()
    }
    middle = (
        done.annotate(
            place=Window(RowNumber(), partition_by=F("priority"), order_by=[F("took"), F("pk")]),
            of=Window(Count("pk"), partition_by=F("priority")),
        )
        # The middle row of an odd count, the two middle rows of an even one.
        .filter(place__gte=(F("of") + 1) / 2, place__lte=(F("of") + 2) / 2)
        .values_list("priority", "took")
    )
    halves: dict[int, list[timedelta]] = {}
    for priority, value in middle:
        halves.setdefault(priority, []).append(value)
    return [
        TimeToImplement(
            label=str(p.label),
            count=means[p]["n"],
            median=sum(_days(v) for v in halves[p]) / len(halves[p]),
            mean=_days(means[p]["mean"]),
        )
        for p in Priority
        if p in means and p in halves
    ]


# The follow-up tracker -------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """A coming visit with recommendations on its checklist."""

    visit_id: int
    day: date
    starts_at: datetime
    facility: str
    #: The facility's time zone: the visit's time is read there.
    time_zone: str
    organisation: str
    status: str
    purpose: str
    items: int

    @property
    def status_label(self) -> str:
        return str(Visit.Status(self.status).label)

    @property
    def purpose_label(self) -> str:
        return str(Purpose(self.purpose).label)


#: The tracker names the nearest visits; the others are counted.
FOLLOW_UPS_ON_DASHBOARD = 20
#: A visit refused, cancelled or withdrawn checks nothing.
_VISIT_OFF = (Visit.Status.REFUSED, Visit.Status.CANCELLED, Visit.Status.WITHDRAWN)


@dataclass(frozen=True)
class Tracker:
    visits: list[FollowUp]
    total: int


def follow_up_tracker(user: AnyUser, now: datetime | None = None) -> Tracker:
    """The coming visits whose checklists hold recommendations the user may see, the nearest
    first, with the number of recommendations each will check: two queries."""
    items = Verification.objects.filter(
        visit__starts_at__gt=now or timezone.now(),
        recommendation__in=counted_recommendations(user),
    ).exclude(visit__status__in=_VISIT_OFF)
    rows = (
        items.values(
            "visit",
            "visit__day",
            "visit__starts_at",
            "visit__facility__name",
            "visit__facility__time_zone",
            "visit__organisation__name",
            "visit__status",
            "visit__purpose",
        )
        .annotate(items=Count("pk"))
        .order_by("visit__starts_at", "visit")[:FOLLOW_UPS_ON_DASHBOARD]
    )
    return Tracker(
        visits=[
            FollowUp(
                visit_id=row["visit"],
                day=row["visit__day"],
                starts_at=row["visit__starts_at"],
                facility=row["visit__facility__name"],
                time_zone=row["visit__facility__time_zone"],
                organisation=row["visit__organisation__name"],
                status=row["visit__status"],
                purpose=row["visit__purpose"],
                items=row["items"],
            )
            for row in rows
        ],
        total=items.aggregate(n=Count("visit", distinct=True))["n"],
    )


# The dashboard panels --------------------------------------------------------------------------

#: How many reports, actions a panel names; the others are counted.
REPORTS_ON_DASHBOARD = 5
ACTIONS_ON_DASHBOARD = 8


def _staff_panel(user: AnyUser, administrations: set[int]) -> Panel:
    """The director's and coordinator's: open recommendations, overdue actions, and the
    reports nobody has answered yet, the window closing soonest first, with its days left."""
    now = timezone.now()
    awaiting = (
        permissions.reports_for_user(user)
        .filter(
            Q(respond_by__isnull=True) | Q(respond_by__gt=now),
            administration__in=administrations,
            status=Report.Status.SUBMITTED,
            engaged_at__isnull=True,
        )
        .select_related("organisation", "facility")
    )
    first = list(
        awaiting.order_by(F("respond_by").asc(nulls_last=True), "id")[:REPORTS_ON_DASHBOARD]
    )
    return Panel(
        "recommendations/panels/administration.html",
        {
            **_staff_counts(user, administrations),
            "awaiting": [(report, report.days_left(now)) for report in first],
            "awaiting_count": awaiting.count(),
        },
        order=26,
    )


def _staff_counts(user: AnyUser, administrations: set[int]) -> dict[str, int]:
    """The open recommendations and the overdue actions of the user's administrations. Each
    count runs over all of an administration's recommendations or actions (a hundred thousand
    at a country's scale, 100 ms a load), so they are kept as long as the recommendations
    dashboard's figures, for each user."""

    def count() -> dict[str, int]:
        return {
            "open": (Recommendation.objects.open() & permissions.recommendations_for_user(user))
            .filter(administration__in=administrations)
            .count(),
            "overdue": (Action.objects.overdue() & permissions.actions_for_user(user))
            .filter(administration__in=administrations)
            .count(),
        }

    key = f"recommendations:panel:{user.pk}:{'-'.join(map(str, sorted(administrations)))}"
    counts: dict[str, int] = cache.get_or_set(  # type: ignore[assignment]
        key, count, settings.RECOMMENDATIONS_DASHBOARD_SECONDS
    )
    return counts


def _official_panel(user: AnyUser) -> Panel:
    """The responsible official's: their unfinished actions, the soonest due first, and how
    many are overdue."""
    today = timezone.localdate()
    mine = (Action.objects.unfinished() & permissions.actions_for_user(user)).filter(
        responsible_id=user.pk
    )
    counts = mine.aggregate(unfinished=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    return Panel(
        "recommendations/panels/official.html",
        {
            "actions": [
                (action, action.days_overdue(today))
                for action in mine.select_related("organisation").order_by("due_on", "id")[
                    :ACTIONS_ON_DASHBOARD
                ]
            ],
            "counts": counts,
        },
        order=16,
    )


def _organisation_panel(user: AnyUser, organisations: set[int]) -> Panel:
    """The organisation's: its submitted recommendations by what it verified, how many were
    rejected, and its reports still under embargo and those it may publish."""
    by_status = {
        row["verified_status"]: row["n"]
        for row in counted_recommendations(user)
        .filter(organisation__in=organisations)
        .values("verified_status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    reports = (
        permissions.reports_for_user(user)
        .filter(organisation__in=organisations)
        .aggregate(
            embargo=Count("pk", filter=Q(status=Report.Status.SUBMITTED)),
            publishable=Count("pk", filter=Q(status=Report.Status.RELEASED)),
            published=Count("pk", filter=Q(status=Report.Status.PUBLISHED)),
        )
    )
    return Panel(
        "recommendations/panels/organisation.html",
        {
            "verified": [
                (str(status.label), by_status.get(status, 0)) for status in Recommendation.Verified
            ],
            "total": sum(by_status.values()),
            "reports": reports,
        },
        order=27,
    )


def dashboard_panels(user: AnyUser) -> list[Panel]:
    """Recommendations' panels, one for each side the user works on: the administration that
    answers and plans, the official who carries out actions, the organisation that recommends
    and verifies. Each makes the same few queries however many rows there are."""
    if not user.is_authenticated:
        return []
    panels: list[Panel] = []
    administrations = permissions.planning_administrations(user)
    if administrations:
        panels.append(_staff_panel(user, administrations))
    if Role.RESPONSIBLE_OFFICIAL in roles(user):
        panels.append(_official_panel(user))
    organisations = organisation_ids(user, permissions.WRITERS)
    if organisations:
        panels.append(_organisation_panel(user, organisations))
    return panels


# Public pages -----------------------------------------------------------------------------------
# What anyone may read without logging in: published reports, each only through the public
# version the organisation reviewed, and the implementation statuses of their recommendations.
# Nothing here reads a report's own texts, and nothing reaches an unpublished report.


def published_reports() -> QuerySet[Report]:
    """The published reports, with only what the public pages read: never the report's own
    texts, only its public version."""
    return Report.objects.filter(status=Report.Status.PUBLISHED).only(
        "id", "status", "published_at", "public_version", "facility", "administration"
    )


def published_facilities() -> QuerySet[Facility]:
    """The facilities named by a published report: a public filter offers nothing more."""
    return Facility.objects.filter(
        pk__in=Report.objects.filter(status=Report.Status.PUBLISHED).values("facility")
    ).order_by("name")


def published_administrations() -> QuerySet[Administration]:
    return Administration.objects.filter(
        pk__in=Report.objects.filter(status=Report.Status.PUBLISHED).values("administration")
    ).order_by("name")


def published_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        pk__in=Report.objects.filter(status=Report.Status.PUBLISHED).values("organisation")
    ).order_by("name")


@dataclass(frozen=True)
class Implementation:
    """How far one facility's published recommendations are implemented."""

    facility: str
    total: int
    accepted: int
    implemented: int
    facility_id: int = 0

    @property
    def rate(self) -> int | None:
        """Verified as implemented, in per cent of the recommendations made."""
        return round(100 * self.implemented / self.total) if self.total else None


def implementation_by_facility(reports: QuerySet[Report]) -> list[Implementation]:
    """Per facility, over the recommendations of ``reports`` that are published (and of no
    other): how many were made, accepted (fully or in part) and verified as implemented. One
    query, however many facilities."""
    counts = (
        Recommendation.objects.filter(
            report__in=reports.filter(status=Report.Status.PUBLISHED).values("pk")
        )
        .values("facility", "facility__name")
        .annotate(
            total=Count("pk"),
            accepted=Count(
                "pk",
                filter=Q(
                    response__in=[
                        Recommendation.Response.ACCEPTED,
                        Recommendation.Response.PARTLY,
                    ]
                ),
            ),
            implemented=Count("pk", filter=Q(verified_status=Recommendation.Verified.IMPLEMENTED)),
        )
        .order_by("facility__name", "facility")
    )
    return [
        Implementation(
            row["facility__name"],
            row["total"],
            row["accepted"],
            row["implemented"],
            row["facility"],
        )
        for row in counts
    ]


def kept_implementation(
    reports: QuerySet[Report], facilities: set[int], *, key: str
) -> list[Implementation]:
    """``implementation_by_facility`` of ``facilities`` over ``reports``, each facility's
    figures kept ``PUBLIC_STATISTICS_SECONDS`` under ``key`` (which names what ``reports`` are):
    the count runs over every published recommendation of the facilities (11,000 for a page of
    the public list, 25 ms of SQL), and anyone may ask for the page. Only the facilities not
    kept are counted, in one query."""
    keys = {f"recommendations:implementation:{key}:{pk}": pk for pk in facilities}
    kept: dict[str, list[Implementation]] = cache.get_many(list(keys))
    missing = {pk for cache_key, pk in keys.items() if cache_key not in kept}
    if missing:
        counted = implementation_by_facility(reports.filter(facility__in=missing))
        found = {row.facility_id: [row] for row in counted}
        fresh = {cache_key: found.get(pk, []) for cache_key, pk in keys.items() if pk in missing}
        cache.set_many(fresh, settings.PUBLIC_STATISTICS_SECONDS)
        kept.update(fresh)
    rows = [row for found_rows in kept.values() for row in found_rows]
    return sorted(rows, key=lambda row: (row.facility, row.facility_id))


@dataclass(frozen=True)
class PublicCheck:
    """A verification's result and date, without its note or who made it."""

    on: datetime | None
    result: str


@dataclass(frozen=True)
class PublicRecommendation:
    """One recommendation as the public reads it: its words from the public version, its
    implementation statuses from the recommendation."""

    number: int
    text: str
    area: str
    priority: str
    quick_win: bool
    theme: str
    standards: list[Standard]
    response: str
    response_reason: str
    claimed: str
    verified: str
    checks: list[PublicCheck] = field(default_factory=list)


@dataclass(frozen=True)
class PublicReport:
    """A published report as the public reads it: its public version only."""

    pk: int
    published_at: datetime | None
    version: dict[str, Any]
    findings: list[dict[str, Any]]
    recommendations: list[PublicRecommendation]

    @property
    def title(self) -> str:
        return str(self.version.get("title", ""))

    @property
    def facility(self) -> str:
        return str(self.version.get("facility", ""))

    @property
    def organisation(self) -> str:
        return str(self.version.get("organisation", ""))


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return ""


@dataclass(frozen=True)
class PublicReportRow:
    """A published report as the public list shows it: from its public version, its title,
    facility and organisation, the day of the visit and how many recommendations it makes."""

    pk: int
    published_at: datetime | None
    title: str
    facility: str
    organisation: str
    visited_on: str
    recommendations: int


def public_report_rows(reports: list[Report]) -> list[PublicReportRow]:
    """The list's rows, read from the reports' public versions alone: no query, and none of
    the statuses and checks of each recommendation that a report's page shows."""
    rows = []
    for report in reports:
        if report.status != Report.Status.PUBLISHED:
            continue
        version = report.public_version or {}
        rows.append(
            PublicReportRow(
                pk=report.pk,
                published_at=report.published_at,
                title=str(version.get("title", "")),
                facility=str(version.get("facility", "")),
                organisation=str(version.get("organisation", "")),
                visited_on=str(version.get("visited_on") or ""),
                recommendations=len(version.get("recommendations", [])),
            )
        )
    return rows


def public_reports(reports: list[Report]) -> list[PublicReport]:
    """The reports, each read from its public version, with its recommendations' statuses and
    verification results: two queries, however many reports. Only published reports."""
    published = [report for report in reports if report.status == Report.Status.PUBLISHED]
    statuses: dict[tuple[int, int], Recommendation] = {}
    checks: dict[int, list[PublicCheck]] = defaultdict(list)
    if published:
        recommendations = Recommendation.objects.filter(
            report__in=[report.pk for report in published]
        ).only("id", "report_id", "number", "claimed_status", "verified_status")
        statuses = {(rec.report_id, rec.number): rec for rec in recommendations}
        verifications = (
            Verification.objects.filter(recommendation__in=[rec.pk for rec in statuses.values()])
            .exclude(result="")
            .only("recommendation_id", "result", "verified_at")
            .order_by("recommendation", "verified_at", "id")
        )
        for check in verifications:
            checks[check.recommendation_id].append(
                PublicCheck(check.verified_at, _label(Recommendation.Verified, check.result))
            )
    made = []
    for report in published:
        version = report.public_version or {}
        findings = sorted(
            version.get("findings", []),
            key=lambda finding: Finding.KIND_ORDER.get(finding.get("kind", ""), 9),
        )
        recs = []
        for item in version.get("recommendations", []):
            live = statuses.get((report.pk, item.get("number")))
            recs.append(
                PublicRecommendation(
                    number=item.get("number", 0),
                    text=item.get("text", ""),
                    area=item.get("area", ""),
                    priority=_label(Priority, item.get("priority")),
                    quick_win=bool(item.get("quick_win")),
                    theme=_label(Theme, item.get("theme")),
                    standards=standards_named(item.get("standards", [])),
                    response=_label(Recommendation.Response, item.get("response")),
                    response_reason=item.get("response_reason", ""),
                    claimed=_label(Recommendation.Claimed, live.claimed_status) if live else "",
                    verified=_label(Recommendation.Verified, live.verified_status) if live else "",
                    checks=checks.get(live.pk, []) if live else [],
                )
            )
        made.append(PublicReport(report.pk, report.published_at, version, findings, recs))
    return made


# End of the public pages' reads ----------------------------------------------------------------


# The plan of action and follow-up ---------------------------------------------------------------


def action_rows(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Actions as a list shows them: the official, and the numbers of the recommendations each
    answers, read in one query for the whole page: only what the list shows of them (their
    number and their report's title, as ``answers``), not their texts and their reports'
    public versions, which were half of the list's time."""
    return actions.select_related("responsible", "organisation").prefetch_related(
        Prefetch(
            "recommendations",
            queryset=Recommendation.objects.select_related("report")
            .only("id", "number", "report_id", "report__title")
            .order_by("report_id", "number"),
            # A list per action, not a manager and a queryset per row.
            to_attr="answers",
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
    items = Verification.objects.filter(visit=OuterRef("pk")).order_by().values("visit")

    def counted(rows: QuerySet[Verification, Any]) -> Coalesce:
        # By a subquery for each row of the page, rather than a GROUP BY over every visit.
        return Coalesce(Subquery(rows.annotate(count=Count("pk")).values("count")), 0)

    return (
        visits.filter(pk__in=Verification.objects.filter(visit__isnull=False).values("visit_id"))
        .select_related("facility", "organisation")
        .annotate(
            item_count=counted(items),
            verified_count=counted(items.exclude(result="")),
        )
    )
