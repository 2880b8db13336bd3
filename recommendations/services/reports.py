"""Writing a report after a visit: good practices and concerns with their evidence, the
recommendations, and the submission that starts the MoU's response window."""

from collections.abc import Sequence
from datetime import date, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activity import notify
from activity.errors import DomainError
from activity.services import audit_record, document_add
from activity.transitions import transition
from activity.typing import User
from directory.models import Area, Role
from directory.selectors import administration_users
from visits.models import Visit

from .. import reminders
from ..models import Finding, Recommendation, Report
from ..standards import STANDARDS


def locked(report: Report) -> Report:
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("organisation", "administration", "facility", "agreement")
        .get(pk=report.pk)
    )


def _check_draft(report: Report) -> None:
    if report.status != Report.Status.DRAFT:
        raise DomainError(
            _("The report is %(status)s: it can no longer be changed.")
            % {"status": report.get_status_display().lower()}
        )


@transaction.atomic
def report_create(*, actor: User, visit: Visit, title: str, summary: str = "") -> Report:
    """Start the report of a visit that took place. A monitoring body's report is kept under
    its mandate; any other under the MoU the visit was made under."""
    visit = Visit.objects.select_related("facility", "administration").get(pk=visit.pk)
    if visit.status not in Visit.EXPECTED_STATUSES or visit.starts_at > timezone.now():
        raise DomainError(_("A report is written after a visit that took place."))
    title = title.strip()
    if not title:
        raise DomainError(_("Give the report a title."), field="title")
    report = Report.objects.create(
        administration=visit.administration,
        organisation_id=visit.organisation_id,
        facility=visit.facility,
        visit=visit,
        agreement_id=visit.agreement_id,
        title=title,
        summary=summary,
        created_by=actor,
    )
    audit_record(actor=actor, action="report.created", target=report, changes={"visit": visit.pk})
    return report


@transaction.atomic
def report_update(*, actor: User, report: Report, title: str, summary: str) -> Report:
    report = locked(report)
    _check_draft(report)
    title = title.strip()
    if not title:
        raise DomainError(_("Give the report a title."), field="title")
    changes = {
        field: [getattr(report, field), value]
        for field, value in (("title", title), ("summary", summary))
        if getattr(report, field) != value
    }
    report.title, report.summary = title, summary
    report.save(update_fields=["title", "summary"])
    audit_record(actor=actor, action="report.updated", target=report, changes=changes)
    return report


@transaction.atomic
def finding_add(
    *,
    actor: User,
    report: Report,
    kind: str,
    text: str,
    evidence: str = "",
    attachments: Sequence[UploadedFile] = (),
) -> Finding:
    """A good practice or a concern, with its evidence and attached files (kept in the
    organisation's private file, read only by whoever reads the report)."""
    report = locked(report)
    _check_draft(report)
    if not text.strip():
        raise DomainError(_("Describe the finding."), field="text")
    finding = Finding.objects.create(report=report, kind=kind, text=text, evidence=evidence)
    if attachments:
        finding.attachments.set(
            [
                document_add(actor=actor, organisation=report.organisation, uploaded=uploaded)
                for uploaded in attachments
            ]
        )
    audit_record(
        actor=actor,
        action="finding.added",
        target=finding,
        changes={"report": report.pk, "kind": kind, "attachments": len(attachments)},
    )
    return finding


@transaction.atomic
def finding_remove(*, actor: User, finding: Finding) -> None:
    report = locked(finding.report)
    _check_draft(report)
    audit_record(
        actor=actor,
        action="finding.removed",
        target=finding,
        changes={"report": report.pk, "text": finding.text},
    )
    finding.delete()


def _check_repeat(report: Report, repeats: Recommendation | None) -> None:
    if repeats is None:
        return
    if (
        repeats.facility_id != report.facility_id
        or repeats.report_id == report.pk
        or repeats.report.status not in Report.SUBMITTED_STATUSES
    ):
        raise DomainError(
            _("A recommendation repeats an earlier one made to the same facility."),
            field="repeats",
        )


def _check_fields(report: Report, area: Area | None, standards: Sequence[str], text: str) -> None:
    if not text.strip():
        raise DomainError(_("Write the recommendation."), field="text")
    if area is not None and area.facility_id != report.facility_id:
        raise DomainError(
            _("Choose an area of %(facility)s.") % {"facility": report.facility}, field="area"
        )
    if any(code not in STANDARDS for code in standards):
        raise DomainError(_("Choose standards from the list."), field="standards")


@transaction.atomic
def recommendation_add(
    *,
    actor: User,
    report: Report,
    text: str,
    theme: str,
    priority: int,
    quick_win: bool = False,
    area: Area | None = None,
    standards: Sequence[str] = (),
    proposed_deadline: date | None = None,
    repeats: Recommendation | None = None,
) -> Recommendation:
    """A recommendation of the report, numbered in order. One that repeats an earlier
    recommendation to the same facility is linked to it."""
    report = locked(report)
    _check_draft(report)
    _check_fields(report, area, standards, text)
    _check_repeat(report, repeats)
    number = (report.recommendations.aggregate(last=Max("number"))["last"] or 0) + 1
    recommendation = Recommendation.objects.create(
        report=report,
        administration_id=report.administration_id,
        organisation_id=report.organisation_id,
        facility_id=report.facility_id,
        number=number,
        area=area,
        text=text,
        priority=priority,
        quick_win=quick_win,
        theme=theme,
        standards=list(standards),
        proposed_deadline=proposed_deadline,
        repeats=repeats,
    )
    audit_record(
        actor=actor,
        action="recommendation.added",
        target=recommendation,
        changes={"report": report.pk, "priority": priority, "repeats": repeats and repeats.pk},
    )
    return recommendation


@transaction.atomic
def recommendation_update(
    *,
    actor: User,
    recommendation: Recommendation,
    text: str,
    theme: str,
    priority: int,
    quick_win: bool = False,
    area: Area | None = None,
    standards: Sequence[str] = (),
    proposed_deadline: date | None = None,
    repeats: Recommendation | None = None,
) -> Recommendation:
    report = locked(recommendation.report)
    _check_draft(report)
    _check_fields(report, area, standards, text)
    _check_repeat(report, repeats)
    values = {
        "text": text,
        "theme": theme,
        "priority": priority,
        "quick_win": quick_win,
        "area": area,
        "standards": list(standards),
        "proposed_deadline": proposed_deadline,
        "repeats": repeats,
    }
    changes = {
        field: [str(getattr(recommendation, field)), str(value)]
        for field, value in values.items()
        if getattr(recommendation, field) != value
    }
    for field, value in values.items():
        setattr(recommendation, field, value)
    recommendation.save(update_fields=list(values))
    audit_record(
        actor=actor, action="recommendation.updated", target=recommendation, changes=changes
    )
    return recommendation


@transaction.atomic
def recommendation_remove(*, actor: User, recommendation: Recommendation) -> None:
    """Take a recommendation out of a draft; the ones after it keep their numbers."""
    report = locked(recommendation.report)
    _check_draft(report)
    audit_record(
        actor=actor,
        action="recommendation.removed",
        target=recommendation,
        changes={"report": report.pk, "text": recommendation.text},
    )
    recommendation.delete()


def staff(report: Report) -> list[User]:
    """Who answers the report for the administration: its directors and coordinators."""
    return list(administration_users(report.administration, (Role.DIRECTOR, Role.COORDINATOR)))


def directors(report: Report) -> list[User]:
    return list(administration_users(report.administration, (Role.DIRECTOR,)))


@transaction.atomic
def report_submit(*, actor: User, report: Report) -> Report:
    """Send the report to the administration, and to it alone. Under an MoU the response
    window opens: the authorities have the MoU's number of days to engage before the embargo
    lifts by itself. A monitoring body's report stays under its mandate."""
    report = locked(report)
    if not report.recommendations.exists():
        raise DomainError(_("Add at least one recommendation before submitting the report."))
    now = timezone.now()
    report.submitted_at = now
    extra: tuple[str, ...] = ("submitted_at",)
    if report.agreement is not None:
        report.respond_by = now + timedelta(days=report.agreement.response_days)
        extra += ("respond_by",)
    transition(
        report,
        Report.Status.SUBMITTED,
        actor=actor,
        transitions=Report.TRANSITIONS,
        extra_fields=extra,
        details={"respond_by": report.respond_by},
    )
    notify.remind(
        recipients=staff(report),
        kind=reminders.REPORT_SUBMITTED,
        key=notify.reminder_key(report, "submitted"),
        subject=gettext_lazy("Visit report from %(organisation)s: %(title)s"),
        body=gettext_lazy(
            "The report of the visit to %(facility)s is confidential to the administration. "
            "Answer its recommendations by %(respond_by)s; without an answer the "
            "organisation may publish it after that date."
        )
        if report.respond_by
        else gettext_lazy(
            "The report of the visit to %(facility)s is confidential, under the monitoring "
            "body's mandate."
        ),
        params={
            "organisation": report.organisation,
            "title": report.title,
            "facility": report.facility,
            "respond_by": report.respond_by,
        },
        url=report.get_absolute_url(),
    )
    if report.respond_by is not None:
        respond_by = timezone.localdate(report.respond_by)
        notify.remind_before(
            respond_by,
            reminders.WINDOW_NOTICES,
            key=lambda days: notify.reminder_key(report, f"window-closing-{days}d"),
            recipients=directors(report),
            kind=reminders.WINDOW_CLOSING,
            subject=gettext_lazy("The response window of a visit report closes on %(day)s"),
            body=gettext_lazy(
                "“%(title)s” from %(organisation)s has no answer yet. If nobody answers a "
                "recommendation or records a meeting by %(day)s, the embargo lifts and the "
                "organisation may publish the report."
            ),
            params={"title": report.title, "organisation": report.organisation, "day": respond_by},
            url=report.get_absolute_url(),
        )
    return report
