"""The confidentiality window: the authorities answer each recommendation and may meet the
organisation; every such engagement is logged. Without any engagement by the end of the MoU's
window, the embargo lifts by itself (``embargo_sweep``, run by the beat); once the authorities
engaged, it lifts only as the MoU's confidentiality clause provides, when they agree to
publication. A monitoring body lifts its own, under its mandate."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activity import notify
from activity.errors import DomainError
from activity.services import audit_record
from activity.transitions import transition
from activity.typing import User
from directory.selectors import organisation_users
from visits.models import Purpose, Visit

from .. import reminders
from ..models import Engagement, Recommendation, Report
from ..permissions import WRITERS
from .reports import locked, staff


def _stop_window_reminders(report: Report) -> None:
    for days in reminders.WINDOW_NOTICES:
        notify.cancel(key=notify.reminder_key(report, f"window-closing-{days}d"))


def _engage(report: Report, *, actor: User, now: datetime) -> None:
    """The first engagement keeps the embargo from lifting by itself: the directors are no
    longer reminded of the window's end."""
    if report.engaged_at is not None:
        return
    report.engaged_at = now
    report.save(update_fields=["engaged_at"])
    _stop_window_reminders(report)


def _check_submitted(report: Report) -> None:
    if report.status not in Report.SUBMITTED_STATUSES:
        raise DomainError(_("The report has not been submitted yet."))


@transaction.atomic
def recommendation_answer(
    *, actor: User, recommendation: Recommendation, response: str, reason: str = ""
) -> Recommendation:
    """The administration accepts, partly accepts or rejects a recommendation; anything but
    acceptance gives its reasons. An answer may be revised; each is logged."""
    report = locked(recommendation.report)
    _check_submitted(report)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    reason = reason.strip()
    if response != Recommendation.Response.ACCEPTED and not reason:
        raise DomainError(
            _("Give the reasons for not accepting the recommendation in full."), field="reason"
        )
    now = timezone.now()
    before = recommendation.response
    recommendation.response = response
    recommendation.response_reason = reason
    recommendation.responded_by = actor
    recommendation.responded_at = now
    recommendation.save(
        update_fields=["response", "response_reason", "responded_by", "responded_at"]
    )
    Engagement.objects.create(
        report=report,
        kind=Engagement.Kind.ANSWER,
        recommendation=recommendation,
        note=reason,
        actor=actor,
        at=now,
    )
    _engage(report, actor=actor, now=now)
    audit_record(
        actor=actor,
        action="recommendation.answered",
        target=recommendation,
        changes={"response": [before, response], "reason": reason, "report": report.pk},
    )
    return recommendation


@transaction.atomic
def report_meeting_record(*, actor: User, report: Report, meeting: Visit, note: str = "") -> None:
    """A coordination meeting about the report, held with the organisation, is an
    engagement of the authorities."""
    report = locked(report)
    _check_submitted(report)
    if (
        meeting.purpose != Purpose.COORDINATION
        or meeting.organisation_id != report.organisation_id
        or meeting.administration_id != report.administration_id
        or meeting.status not in Visit.EXPECTED_STATUSES
    ):
        raise DomainError(
            _("Choose an approved coordination meeting with %(organisation)s.")
            % {"organisation": report.organisation},
            field="meeting",
        )
    if report.engagements.filter(meeting=meeting).exists():
        raise DomainError(_("This meeting is already recorded."), field="meeting")
    now = timezone.now()
    Engagement.objects.create(
        report=report,
        kind=Engagement.Kind.MEETING,
        meeting=meeting,
        note=note.strip(),
        actor=actor,
        at=now,
    )
    _engage(report, actor=actor, now=now)
    audit_record(
        actor=actor,
        action="report.meeting_recorded",
        target=report,
        changes={"meeting": meeting.pk, "note": note.strip()},
    )


def _tell_both_sides(report: Report) -> None:
    recipients = {user.pk: user for user in staff(report)}
    recipients.update({user.pk: user for user in organisation_users(report.organisation, WRITERS)})
    notify.remind(
        recipients=recipients.values(),
        kind=reminders.EMBARGO_LIFTED,
        key=notify.reminder_key(report, "embargo-lifted"),
        subject=gettext_lazy("The embargo on “%(title)s” is lifted"),
        body=gettext_lazy(
            "%(reason)s. %(organisation)s may now publish the report, with the personal data "
            "it names taken out."
        ),
        params={
            "title": report.title,
            "reason": Report.ReleaseReason(report.release_reason).label,
            "organisation": report.organisation,
        },
        url=report.get_absolute_url(),
    )


def _release(report: Report, *, actor: User | None, reason: str, now: datetime) -> None:
    report.released_at = now
    report.release_reason = reason
    transition(
        report,
        Report.Status.RELEASED,
        actor=actor,
        transitions=Report.TRANSITIONS,
        extra_fields=("released_at", "release_reason"),
        details={"reason": reason},
    )
    _stop_window_reminders(report)
    _tell_both_sides(report)


@transaction.atomic
def report_consent(*, actor: User, report: Report, note: str = "") -> Report:
    """The authorities agree that the organisation publishes, as the MoU's confidentiality
    clause provides once they have engaged."""
    report = locked(report)
    if report.monitoring:
        raise DomainError(_("A monitoring body's report is published under its mandate."))
    if report.status != Report.Status.SUBMITTED:
        raise DomainError(_("The report is no longer under embargo."))
    now = timezone.now()
    Engagement.objects.create(
        report=report, kind=Engagement.Kind.CONSENT, note=note.strip(), actor=actor, at=now
    )
    _engage(report, actor=actor, now=now)
    _release(report, actor=actor, reason=Report.ReleaseReason.CONSENT, now=now)
    return report


@transaction.atomic
def report_release_under_mandate(*, actor: User, report: Report) -> Report:
    """A monitoring body decides itself, under its mandate, that its report may be published."""
    report = locked(report)
    if not report.monitoring:
        raise DomainError(
            _("Under an MoU the embargo lifts when the window closes or the authorities agree.")
        )
    if report.status != Report.Status.SUBMITTED:
        raise DomainError(_("The report is no longer under embargo."))
    _release(report, actor=actor, reason=Report.ReleaseReason.MANDATE, now=timezone.now())
    return report


def embargo_due(now: datetime | None = None) -> list[int]:
    """The reports whose window closed without any engagement of the authorities."""
    return list(
        Report.objects.filter(
            status=Report.Status.SUBMITTED,
            engaged_at__isnull=True,
            respond_by__lte=now or timezone.now(),
        ).values_list("pk", flat=True)
    )


def embargo_sweep(*, now: datetime | None = None) -> int:
    """Lift the embargo on each report whose window closed without engagement, each in its
    own transaction, once: a report already lifted, or engaged with meanwhile, is left as it
    is. Return how many were lifted."""
    now = now or timezone.now()
    lifted = 0
    for pk in embargo_due(now):
        with transaction.atomic():
            report = (
                Report.objects.select_for_update(of=("self",))
                .select_related("organisation", "administration", "facility")
                .get(pk=pk)
            )
            if (
                report.status != Report.Status.SUBMITTED
                or report.engaged_at is not None
                or not report.window_closed(now)
            ):
                continue
            _release(report, actor=None, reason=Report.ReleaseReason.WINDOW_CLOSED, now=now)
            lifted += 1
    return lifted
