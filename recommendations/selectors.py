"""Reads of recommendations that pages, exports and later modules use."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from directory.models import Administration, Facility, Organisation

from .models import Finding, Priority, Recommendation, Report, Theme, Verification
from .standards import Standard, standards_named

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
        Implementation(row["facility__name"], row["total"], row["accepted"], row["implemented"])
        for row in counts
    ]


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
