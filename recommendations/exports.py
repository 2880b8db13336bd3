"""What the exports of the plan of action and of the follow-up hold, as CSV rows and as PDFs.

Each comes in two variants. The confidential one holds the full texts, the answers, the
officials' names and the progress notes, and only what its requester sees
(``permissions.recommendations_for_user``, ``actions_for_user``). The public one is made of
published reports alone, read from the public version the organisation reviewed, and of the
implementation statuses: no name of an official, no note, and nothing of a report that is not
published.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from activity.choices import choice_label
from activity.errors import DomainError
from activity.pdf import render_pdf
from activity.typing import AnyUser

from . import permissions, selectors
from .models import Action, Export, ProgressUpdate, Recommendation, Report, Verification
from .standards import standards_named

TEMPLATES = {
    Export.Kind.PLAN: "recommendations/pdf/plan.html",
    Export.Kind.FOLLOW_UP: "recommendations/pdf/follow_up.html",
}


@dataclass(frozen=True)
class Scope:
    """What an export covers: everything the user sees, or one facility's, one organisation's
    or one report's."""

    facility: int | None = None
    organisation: int | None = None
    report: int | None = None

    @classmethod
    def from_parameters(cls, parameters: dict[str, Any]) -> "Scope":
        def number(name: str) -> int | None:
            value = parameters.get(name)
            return value if isinstance(value, int) else None

        return cls(number("facility"), number("organisation"), number("report"))

    def as_parameters(self) -> dict[str, int]:
        return {
            name: value
            for name, value in (
                ("facility", self.facility),
                ("organisation", self.organisation),
                ("report", self.report),
            )
            if value is not None
        }

    def recommendations(self, queryset: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
        if self.facility is not None:
            queryset = queryset.filter(facility=self.facility)
        if self.organisation is not None:
            queryset = queryset.filter(organisation=self.organisation)
        if self.report is not None:
            queryset = queryset.filter(report=self.report)
        return queryset


@dataclass(frozen=True)
class Check:
    """A verification's result; its note and who made it only in the confidential variant."""

    on: datetime | None
    result: str
    visit_day: date | None = None
    note: str = ""
    by: str = ""


@dataclass(frozen=True)
class Line:
    """One recommendation in an export."""

    report: str
    facility: str
    number: int
    text: str
    priority: str
    theme: str
    standards: list[str]
    response: str
    response_reason: str
    claimed: str
    verified: str
    answered_by: str = ""
    checks: list[Check] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    """One report and its recommendations."""

    title: str
    facility: str
    organisation: str
    status: str
    lines: list[Line]


@dataclass(frozen=True)
class Update:
    at: datetime
    progress: int
    status: str
    note: str
    author: str


@dataclass(frozen=True)
class Item:
    """One action of the plan; its title, description, official and notes only in the
    confidential variant."""

    due_on: date
    effort: str
    progress: int
    status: str
    overdue: bool
    lines: list[Line]
    title: str = ""
    description: str = ""
    responsible: str = ""
    updates: list[Update] = field(default_factory=list)


def _name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return value.isoformat()


# Confidential -----------------------------------------------------------------------------------


def _check_confidential(user: AnyUser) -> None:
    if not permissions.can_export_confidential(user):
        raise DomainError(str(permissions.CONFIDENTIAL_EXPORT_REFUSED))


def _line(rec: Recommendation) -> Line:
    return Line(
        report=rec.report.title,
        facility=rec.facility.name,
        number=rec.number,
        text=rec.text,
        priority=choice_label(rec, "priority"),
        theme=choice_label(rec, "theme"),
        standards=[str(standard.label) for standard in standards_named(rec.standards)],
        response=choice_label(rec, "response"),
        response_reason=rec.response_reason,
        claimed=choice_label(rec, "claimed_status"),
        verified=choice_label(rec, "verified_status"),
        answered_by=_name(rec.responded_by),
        checks=[
            Check(
                on=check.verified_at,
                result=choice_label(check, "result"),
                visit_day=check.visit.day if check.visit else None,
                note=check.note,
                by=_name(check.verified_by),
            )
            for check in rec.verifications.all()
        ],
    )


def _confidential_recommendations(user: AnyUser, scope: Scope) -> QuerySet[Recommendation]:
    return scope.recommendations(permissions.recommendations_for_user(user)).select_related(
        "report", "facility", "responded_by"
    )


_CHECKS = Prefetch(
    "verifications",
    queryset=Verification.objects.exclude(result="")
    .select_related("visit", "verified_by")
    .order_by("verified_at", "id"),
)


def confidential_follow_up(user: AnyUser, scope: Scope) -> list[Section]:
    """The recommendations the user sees, by report, with the answers, both statuses and the
    verifications with their notes."""
    _check_confidential(user)
    recs = (
        _confidential_recommendations(user, scope)
        .select_related("report__organisation")
        .prefetch_related(_CHECKS)
        .order_by("report__created_at", "report_id", "number")
    )
    sections: dict[int, Section] = {}
    for rec in recs:
        report = rec.report
        if report.pk not in sections:
            sections[report.pk] = Section(
                report.title,
                rec.facility.name,
                report.organisation.name,
                choice_label(report, "status"),
                [],
            )
        sections[report.pk].lines.append(_line(rec))
    return list(sections.values())


def _actions_in_scope(
    actions: QuerySet[Action], recs: QuerySet[Recommendation]
) -> QuerySet[Action]:
    return actions.filter(
        pk__in=Action.recommendations.through.objects.filter(recommendation__in=recs).values(
            "action"
        )
    )


def confidential_plan(user: AnyUser, scope: Scope) -> list[Item]:
    """The actions the user sees, with the recommendations they answer, their officials and
    their progress notes."""
    _check_confidential(user)
    recs = _confidential_recommendations(user, scope)
    actions = (
        _actions_in_scope(permissions.actions_for_user(user), recs)
        .select_related("responsible")
        .prefetch_related(
            Prefetch(
                "recommendations",
                queryset=recs.prefetch_related(_CHECKS).order_by("report_id", "number"),
            ),
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.select_related("author").order_by("-at", "-id"),
            ),
        )
        .order_by("due_on", "id")
    )
    today = timezone.localdate()
    return [
        Item(
            due_on=action.due_on,
            effort=choice_label(action, "effort"),
            progress=action.progress,
            status=choice_label(action, "status"),
            overdue=action.is_overdue(today),
            lines=[_line(rec) for rec in action.recommendations.all()],
            title=action.title,
            description=action.description,
            responsible=_name(action.responsible),
            updates=[
                Update(
                    update.at,
                    update.progress,
                    choice_label(update, "status"),
                    update.note,
                    _name(update.author),
                )
                for update in action.updates.all()
            ],
        )
        for action in actions
    ]


# Public -----------------------------------------------------------------------------------------


def _public_line(report: selectors.PublicReport, rec: selectors.PublicRecommendation) -> Line:
    return Line(
        report=report.title,
        facility=report.facility,
        number=rec.number,
        text=rec.text,
        priority=rec.priority,
        theme=rec.theme,
        standards=[str(standard.label) for standard in rec.standards],
        response=rec.response,
        response_reason=rec.response_reason,
        claimed=rec.claimed,
        verified=rec.verified,
        checks=[Check(on=check.on, result=check.result) for check in rec.checks],
    )


def _published(scope: Scope) -> QuerySet[Report]:
    reports = selectors.published_reports()
    if scope.facility is not None:
        reports = reports.filter(facility=scope.facility)
    if scope.organisation is not None:
        reports = reports.filter(organisation=scope.organisation)
    if scope.report is not None:
        reports = reports.filter(pk=scope.report)
    return reports


def public_follow_up(scope: Scope) -> list[Section]:
    """The published reports in scope, newest first, each from its public version."""
    reports = selectors.public_reports(list(_published(scope).order_by("-published_at", "-id")))
    return [
        Section(
            report.title,
            report.facility,
            report.organisation,
            _("Published on %(day)s") % {"day": date_format(report.published_at, "DATE_FORMAT")}
            if report.published_at
            else "",
            [_public_line(report, rec) for rec in report.recommendations],
        )
        for report in reports
    ]


def public_plan(scope: Scope) -> list[Item]:
    """The actions answering published recommendations, with their statuses and due dates
    only, each recommendation read from its report's public version."""
    recs = Recommendation.objects.filter(report__in=_published(scope).values("pk")).only(
        "id", "report_id", "number"
    )
    actions = (
        _actions_in_scope(Action.objects.all(), recs)
        .only("id", "due_on", "effort", "progress", "status")
        .prefetch_related(
            Prefetch("recommendations", queryset=recs.order_by("report_id", "number"))
        )
        .order_by("due_on", "id")
    )
    actions_list = list(actions)
    report_ids = {rec.report_id for action in actions_list for rec in action.recommendations.all()}
    public = {
        report.pk: report
        for report in selectors.public_reports(
            list(selectors.published_reports().filter(pk__in=report_ids))
        )
    }
    by_number = {
        (report.pk, rec.number): _public_line(report, rec)
        for report in public.values()
        for rec in report.recommendations
    }
    today = timezone.localdate()
    return [
        Item(
            due_on=action.due_on,
            effort=choice_label(action, "effort"),
            progress=action.progress,
            status=choice_label(action, "status"),
            overdue=action.is_overdue(today),
            lines=[
                by_number[(rec.report_id, rec.number)]
                for rec in action.recommendations.all()
                if (rec.report_id, rec.number) in by_number
            ],
        )
        for action in actions_list
    ]


# As CSV and as PDF ------------------------------------------------------------------------------


def follow_up(user: AnyUser, variant: str, scope: Scope) -> list[Section]:
    if variant == Export.Variant.CONFIDENTIAL:
        return confidential_follow_up(user, scope)
    return public_follow_up(scope)


def plan(user: AnyUser, variant: str, scope: Scope) -> list[Item]:
    if variant == Export.Variant.CONFIDENTIAL:
        return confidential_plan(user, scope)
    return public_plan(scope)


def _checks_cell(checks: list[Check], confidential: bool) -> str:
    parts = []
    for check in checks:
        part = f"{_day(check.on)} {check.result}"
        if confidential:
            if check.visit_day:
                part += " " + _("(visit of %(day)s)") % {"day": check.visit_day.isoformat()}
            if check.note:
                part += f": {check.note}"
            if check.by:
                part += f" — {check.by}"
        parts.append(part)
    return "; ".join(parts)


def follow_up_rows(sections: list[Section], *, confidential: bool) -> Iterator[list[str]]:
    header = [
        _("Report"),
        _("Facility"),
        _("Number"),
        _("Recommendation"),
        _("Priority"),
        _("Theme"),
        _("Standards"),
        _("Answer"),
        _("Reasons for the answer"),
    ]
    if confidential:
        header.append(_("Answered by"))
    header += [_("Claimed"), _("Verified"), _("Verification results")]
    yield header
    for section in sections:
        for line in section.lines:
            row = [
                line.report,
                line.facility,
                str(line.number),
                line.text,
                line.priority,
                line.theme,
                "; ".join(line.standards),
                line.response,
                line.response_reason,
            ]
            if confidential:
                row.append(line.answered_by)
            row += [line.claimed, line.verified, _checks_cell(line.checks, confidential)]
            yield row


def plan_rows(items: list[Item], *, confidential: bool) -> Iterator[list[str]]:
    """One row for each action and recommendation it answers."""
    header = []
    if confidential:
        header += [_("Action"), _("What will be done"), _("Responsible official")]
    header += [
        _("Due"),
        _("Cost and effort"),
        _("Progress (%)"),
        _("Status"),
        _("Overdue"),
        _("Report"),
        _("Number"),
        _("Recommendation"),
        _("Claimed"),
        _("Verified"),
    ]
    if confidential:
        header.append(_("Latest progress note"))
    yield header
    for item in items:
        for line in item.lines:
            row = [item.title, item.description, item.responsible] if confidential else []
            row += [
                item.due_on.isoformat(),
                item.effort,
                str(item.progress),
                item.status,
                _("Yes") if item.overdue else _("No"),
                line.report,
                str(line.number),
                line.text,
                line.claimed,
                line.verified,
            ]
            if confidential:
                latest = item.updates[0] if item.updates else None
                row.append(f"{_day(latest.at)} {latest.author}: {latest.note}" if latest else "")
            yield row


def rows(user: AnyUser, kind: str, variant: str, scope: Scope) -> Iterator[list[str]]:
    """The export as CSV rows, in the active language."""
    confidential = variant == Export.Variant.CONFIDENTIAL
    if kind == Export.Kind.PLAN:
        return plan_rows(plan(user, variant, scope), confidential=confidential)
    return follow_up_rows(follow_up(user, variant, scope), confidential=confidential)


def render(export: Export) -> bytes:
    """The export's PDF, in the active language, with what its requester sees now."""
    user = export.requested_by
    scope = Scope.from_parameters(export.parameters)
    context: dict[str, Any] = {
        "export": export,
        "confidential": export.is_confidential,
        "administration": export.administration.name if export.administration else "",
        "generated_at": timezone.now(),
    }
    if export.kind == Export.Kind.PLAN:
        context["items"] = plan(user, export.variant, scope)
    else:
        context["sections"] = follow_up(user, export.variant, scope)
    return render_pdf(TEMPLATES[Export.Kind(export.kind)], context)
