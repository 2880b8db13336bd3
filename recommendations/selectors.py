"""Reads of reports and recommendations for their pages: each page's rows in a number of
queries that does not grow with them, and never a row the user may not see."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet, prefetch_related_objects

from activity.typing import AnyUser
from agreements.models import Agreement, Clause
from agreements.selectors import RenderedClause, rendered_clauses
from visits.models import Purpose, Visit

from . import permissions
from .models import Action, Engagement, Finding, Recommendation, Report, Verification
from .standards import standards_named


def report_rows(reports: QuerySet[Report]) -> QuerySet[Report]:
    """A list's rows: what each shows beside the report, its recommendations counted in the
    same query."""
    return reports.select_related("facility", "organisation").annotate(
        recommendation_count=Count("recommendations")
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
