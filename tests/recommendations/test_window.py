"""The confidentiality window: the embargo lifts by itself, once, when the window closes
without engagement, and never when the authorities engaged."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from activity.errors import DomainError
from activity.models import AuditEntry, Reminder
from recommendations import reminders
from recommendations.models import Engagement, Recommendation, Report
from recommendations.services import window
from tests.recommendations.conftest import past_visit
from visits.models import Purpose, Visit


def test_submission_opens_the_mou_window(submitted, scene):
    assert submitted.status == Report.Status.SUBMITTED
    assert submitted.respond_by == submitted.submitted_at + timedelta(days=30)
    assert scene.agreement.response_days == 30


def test_the_embargo_lifts_once_when_the_window_closes_without_engagement(submitted):
    just_before = submitted.respond_by - timedelta(minutes=1)
    with time_machine.travel(just_before, tick=False):
        assert window.embargo_sweep() == 0
    submitted.refresh_from_db()
    assert submitted.status == Report.Status.SUBMITTED

    with time_machine.travel(submitted.respond_by + timedelta(minutes=5), tick=False):
        assert window.embargo_sweep() == 1
        assert window.embargo_sweep() == 0
    submitted.refresh_from_db()
    assert submitted.status == Report.Status.RELEASED
    assert submitted.release_reason == Report.ReleaseReason.WINDOW_CLOSED
    entries = AuditEntry.objects.filter(action="report.released", object_id=str(submitted.pk))
    assert entries.count() == 1
    assert entries.get().actor is None
    assert entries.get().changes["reason"] == "window_closed"


def test_the_embargo_lifted_is_told_to_both_sides_once(submitted, director, coordinator, ngo_admin):
    with time_machine.travel(submitted.respond_by + timedelta(hours=1), tick=False):
        window.embargo_sweep()
        window.embargo_sweep()
    told = Reminder.objects.filter(kind=reminders.EMBARGO_LIFTED)
    assert sorted(told.values_list("recipient__username", flat=True)) == [
        "carla",
        "john",
        "martha",
    ]


def test_an_answer_keeps_the_embargo_from_lifting_by_itself(submitted, recommendation, director):
    window.recommendation_answer(
        actor=director,
        recommendation=recommendation,
        response=Recommendation.Response.PARTLY,
        reason="Classes resume when two new teachers arrive in March.",
    )
    with time_machine.travel(submitted.respond_by + timedelta(days=10), tick=False):
        assert window.embargo_sweep() == 0
    submitted.refresh_from_db()
    assert submitted.status == Report.Status.SUBMITTED
    assert submitted.engaged_at is not None
    engagement = submitted.engagements.get()
    assert engagement.kind == Engagement.Kind.ANSWER
    assert engagement.actor == director


def test_a_coordination_meeting_is_an_engagement(world, submitted, scene, director, ngo_admin):
    meeting = past_visit(
        world, scene.agreement, ngo_admin, days_ago=1, purpose=Purpose.COORDINATION
    )
    window.report_meeting_record(actor=director, report=submitted, meeting=meeting, note="Met.")
    with time_machine.travel(submitted.respond_by + timedelta(days=1), tick=False):
        assert window.embargo_sweep() == 0
    submitted.refresh_from_db()
    assert submitted.engaged_at is not None


def test_a_meeting_of_another_kind_is_not_accepted(world, submitted, scene, director, ngo_admin):
    service = past_visit(world, scene.agreement, ngo_admin, days_ago=1)
    with pytest.raises(DomainError):
        window.report_meeting_record(actor=director, report=submitted, meeting=service)


def test_rejection_needs_reasons(recommendation, director):
    with pytest.raises(DomainError) as error:
        window.recommendation_answer(
            actor=director,
            recommendation=recommendation,
            response=Recommendation.Response.REJECTED,
        )
    assert error.value.field == "reason"


def test_after_engagement_the_authorities_agree_to_publication(submitted, recommendation, director):
    window.recommendation_answer(
        actor=director, recommendation=recommendation, response=Recommendation.Response.ACCEPTED
    )
    window.report_consent(actor=director, report=submitted, note="As clause 6 provides.")
    submitted.refresh_from_db()
    assert submitted.status == Report.Status.RELEASED
    assert submitted.release_reason == Report.ReleaseReason.CONSENT


def test_the_window_closing_reminders_fall_7_and_1_days_before(submitted, director, coordinator):
    due = Reminder.objects.filter(kind=reminders.WINDOW_CLOSING).order_by("due_at")
    respond_by = timezone.localdate(submitted.respond_by)
    assert [timezone.localdate(r.due_at) for r in due] == [
        respond_by - timedelta(days=7),
        respond_by - timedelta(days=1),
    ]
    assert {r.recipient.username for r in due} == {"martha"}


def test_an_answer_withdraws_the_window_closing_reminders(submitted, recommendation, director):
    window.recommendation_answer(
        actor=director, recommendation=recommendation, response=Recommendation.Response.ACCEPTED
    )
    pending = Reminder.objects.filter(kind=reminders.WINDOW_CLOSING, state=Reminder.State.PENDING)
    assert not pending.exists()


def test_a_monitoring_report_never_lifts_by_itself(world, scene, monitor, director):
    from recommendations.services import reports

    npm = monitor.memberships.get().organisation
    visit = Visit.objects.create(
        administration=world.administration,
        facility=world.facility,
        organisation=npm,
        agreement=None,
        monitoring=True,
        purpose=Purpose.MONITORING,
        status=Visit.Status.NOTIFIED,
        day=scene.visit.day,
        starts_at=scene.visit.starts_at,
        ends_at=scene.visit.ends_at,
        requested_by=monitor,
    )
    report = reports.report_create(actor=monitor, visit=visit, title="Monitoring visit")
    reports.recommendation_add(
        actor=monitor, report=report, text="Open the yard daily.", theme="safety", priority=1
    )
    report = reports.report_submit(actor=monitor, report=report)
    assert report.respond_by is None
    with time_machine.travel(timezone.now() + timedelta(days=400), tick=False):
        assert window.embargo_sweep() == 0
    window.report_release_under_mandate(actor=monitor, report=report)
    report.refresh_from_db()
    assert report.release_reason == Report.ReleaseReason.MANDATE


def test_a_lifted_embargo_leaves_no_window_reminder_pending(submitted, director):
    with time_machine.travel(submitted.respond_by + timedelta(days=20), tick=False):
        window.embargo_sweep()
    pending = Reminder.objects.filter(kind=reminders.WINDOW_CLOSING, state=Reminder.State.PENDING)
    assert not pending.exists()
