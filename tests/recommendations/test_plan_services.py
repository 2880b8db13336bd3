"""The plan of action: what the authorities claim of a recommendation follows the progress of
its actions; an action answers one organisation's recommendations that were not rejected, and
is carried out by an official of the administration, who is reminded before the due date and
after it; a completed action asks the organisation to verify."""

from datetime import time, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activity.dates import at_start_of
from activity.errors import DomainError
from activity.models import AuditEntry, Reminder
from directory.models import Role
from recommendations import reminders
from recommendations.models import Action, Recommendation
from recommendations.services import plan, window
from tests.accreditation.factories import PDF_BYTES
from tests.factories import staff
from visits.models import local_datetime, local_today

from .plan_support import plan_action, recommendation_of

pytestmark = pytest.mark.django_db

Claimed = Recommendation.Claimed


@pytest.fixture
def recs(submitted) -> list[Recommendation]:
    return list(submitted.recommendations.order_by("number"))


def claimed(rec: Recommendation) -> str:
    rec.refresh_from_db()
    return rec.claimed_status


def post(action: Action, actor, progress: int, *, completed: bool = False, **extra):
    return plan.progress_post(
        actor=actor,
        action=action,
        progress=progress,
        note=f"{progress} % done.",
        completed=completed,
        **extra,
    )


# What the authorities claim ----------------------------------------------------------------------


def test_the_claimed_status_follows_the_progress_of_the_action(
    recs, director, responsible_official
):
    action = plan_action(director, recs[:1], responsible_official)
    assert claimed(recs[0]) == Claimed.NOT_STARTED

    post(action, responsible_official, 40)
    assert claimed(recs[0]) == Claimed.IN_PROGRESS
    action.refresh_from_db()
    assert (action.status, action.progress) == (Action.Status.IN_PROGRESS, 40)

    post(action, responsible_official, 80, completed=True)
    assert claimed(recs[0]) == Claimed.IMPLEMENTED
    action.refresh_from_db()
    assert (action.status, action.progress) == (Action.Status.COMPLETED, 100)
    assert action.completed_at is not None
    assert claimed(recs[1]) == Claimed.NOT_STARTED


def test_implemented_only_when_every_action_is_completed_and_a_cancelled_one_does_not_count(
    recs, director, responsible_official
):
    teachers = plan_action(director, recs[:1], responsible_official)
    rota = plan_action(director, recs[:1], responsible_official, title="Change the staff rota")

    post(teachers, responsible_official, 100)
    assert claimed(recs[0]) == Claimed.IN_PROGRESS

    plan.action_cancel(actor=director, action=rota, reason="The rota is set by law.")
    assert claimed(recs[0]) == Claimed.IMPLEMENTED


def test_a_cancelled_action_alone_claims_nothing(recs, director, responsible_official):
    action = plan_action(director, recs[:1], responsible_official)
    post(action, responsible_official, 30)
    plan.action_cancel(actor=director, action=action, reason="Budget withdrawn.")

    assert claimed(recs[0]) == Claimed.NOT_STARTED
    with pytest.raises(DomainError, match="cancelled"):
        post(action, responsible_official, 50)


def test_a_progress_update_keeps_its_evidence(recs, director, responsible_official):
    action = plan_action(director, recs, responsible_official)
    update = post(
        action,
        responsible_official,
        50,
        evidence=[SimpleUploadedFile("timetable.pdf", PDF_BYTES)],
    )

    assert [d.original_name for d in update.evidence.all()] == ["timetable.pdf"]
    assert update.evidence.get().organisation == action.organisation
    entry = AuditEntry.objects.get(action="action.progress_reported")
    assert entry.changes["evidence"] == 1


# Who carries it out, and what it answers ----------------------------------------------------------


def test_the_responsible_must_be_an_official_of_the_administration(
    recs, director, coordinator, other_administration, world
):
    elsewhere = staff("olaf", Role.RESPONSIBLE_OFFICIAL, other_administration)
    for someone in (coordinator, elsewhere):
        with pytest.raises(DomainError) as refused:
            plan_action(director, recs, someone)
        assert refused.value.field == "responsible"
    assert not Action.objects.exists()

    of_the_facility = staff("fred", Role.RESPONSIBLE_OFFICIAL, world.facility)
    assert plan_action(director, recs, of_the_facility).responsible == of_the_facility


def test_an_action_answers_one_organisations_recommendations(
    recs, world, director, outsider, responsible_official
):
    theirs = recommendation_of(world, outsider, organisation=world.other_organisation)

    with pytest.raises(DomainError, match="one organisation"):
        plan_action(director, [recs[0], theirs], responsible_official)
    assert not Action.objects.exists()


def test_a_rejected_recommendation_is_not_answered(recs, director, responsible_official):
    window.recommendation_answer(
        actor=director,
        recommendation=recs[1],
        response=Recommendation.Response.REJECTED,
        reason="Classes are the education ministry's, not ours.",
    )

    with pytest.raises(DomainError, match="Recommendation 2 was rejected"):
        plan_action(director, recs, responsible_official)
    assert not Action.objects.exists()


def test_a_draft_recommendation_is_not_answered(draft, director, responsible_official):
    with pytest.raises(DomainError, match="submitted to the administration"):
        plan_action(director, list(draft.recommendations.all()), responsible_official)


# Reminders ---------------------------------------------------------------------------------------


def due_reminders(state: str = Reminder.State.PENDING) -> list[tuple[str, object]]:
    rows = Reminder.objects.filter(kind=reminders.ACTION_DUE, state=state)
    return sorted((r.recipient.username, timezone.localtime(r.due_at).date()) for r in rows)


def test_the_official_is_told_and_reminded_7_and_1_days_before_the_due_date(
    recs, director, responsible_official
):
    action = plan_action(director, recs, responsible_official, due_in=30)

    assert due_reminders() == [
        ("oscar", action.due_on - timedelta(days=7)),
        ("oscar", action.due_on - timedelta(days=1)),
    ]
    assert Reminder.objects.get(
        kind=reminders.ACTION_DUE, due_at=at_start_of(action.due_on - timedelta(days=1))
    )
    assert (
        Reminder.objects.filter(
            kind=reminders.ACTION_ASSIGNED, recipient=responsible_official
        ).count()
        == 1
    )


def test_a_due_date_already_past_everywhere_is_refused_and_the_facilitys_today_is_not(
    recs, director, responsible_official, world
):
    """At 7.30 pm in Guatemala the server's (UTC) date is already the facility's tomorrow: an
    action due that day there is not yet overdue."""
    evening = local_datetime(world.facility, local_today(world.facility), time(19, 30))
    with time_machine.travel(evening, tick=False):
        today_there = local_today(world.facility)
        assert today_there < timezone.localdate()
        action = plan_action(director, recs, responsible_official, due_in=-1)
        assert action.due_on == today_there
        with pytest.raises(DomainError, match="The due date has passed"):
            plan_action(director, recs, responsible_official, due_in=-2)
        with pytest.raises(DomainError, match="The due date has passed"):
            plan.action_reschedule(
                actor=director,
                action=action,
                due_on=today_there - timedelta(days=1),
                responsible=responsible_official,
                reason="Earlier.",
            )
    action.refresh_from_db()
    assert action.due_on == today_there


def test_rescheduling_replaces_the_due_reminders(recs, director, responsible_official, world):
    action = plan_action(director, recs, responsible_official, due_in=30)
    first_due = action.due_on
    olga = staff("olga", Role.RESPONSIBLE_OFFICIAL, world.administration)

    plan.action_reschedule(
        actor=director,
        action=action,
        due_on=first_due + timedelta(days=14),
        responsible=olga,
        reason="The teachers arrive in March.",
    )

    new_due = first_due + timedelta(days=14)
    assert due_reminders() == [
        ("olga", new_due - timedelta(days=7)),
        ("olga", new_due - timedelta(days=1)),
    ]
    assert len(due_reminders(Reminder.State.CANCELLED)) == 2
    entry = AuditEntry.objects.get(action="action.rescheduled")
    assert entry.changes["reason"] == "The teachers arrive in March."
    assert entry.changes["responsible"] == ["oscar", "olga"]


def test_moving_an_action_back_to_its_first_date_reminds_again(
    recs, director, responsible_official
):
    action = plan_action(director, recs, responsible_official, due_in=30)
    first_due = action.due_on
    for due_on in (first_due + timedelta(days=10), first_due):
        plan.action_reschedule(
            actor=director,
            action=action,
            due_on=due_on,
            responsible=responsible_official,
            reason="The plan changed.",
        )

    assert due_reminders() == [
        ("oscar", first_due - timedelta(days=7)),
        ("oscar", first_due - timedelta(days=1)),
    ]


def test_a_short_deadline_leaves_out_the_notices_already_past(recs, director, responsible_official):
    action = plan_action(director, recs, responsible_official, due_in=3)

    assert due_reminders() == [("oscar", action.due_on - timedelta(days=1))]


def test_an_overdue_action_is_brought_up_the_day_after_and_then_each_week(
    recs, director, coordinator, responsible_official
):
    action = plan_action(director, recs, responsible_official, due_in=10)

    def run(days_after: int) -> int:
        noon = at_start_of(action.due_on + timedelta(days=days_after)) + timedelta(hours=4)
        with time_machine.travel(noon, tick=False):
            return plan.actions_overdue_remind()

    assert run(0) == 0
    assert run(1) == 2
    assert run(1) == 0
    assert run(6) == 0
    assert run(7) == 0
    assert run(8) == 2
    assert run(8) == 0
    told = Reminder.objects.filter(kind=reminders.ACTION_OVERDUE)
    assert sorted(told.values_list("recipient__username", flat=True)) == [
        "carla",
        "carla",
        "oscar",
        "oscar",
    ]


def test_a_sweep_with_nothing_new_to_say_asks_once_for_all_the_actions(
    recs, director, coordinator, responsible_official
):
    def second_run_queries(count: int) -> int:
        actions = [
            plan_action(director, recs, responsible_official, due_in=10, title=f"Step {n}")
            for n in range(count)
        ]
        day_after = at_start_of(actions[0].due_on + timedelta(days=1)) + timedelta(hours=4)
        with time_machine.travel(day_after, tick=False):
            assert plan.actions_overdue_remind() == 2 * count
            with CaptureQueriesContext(connection) as queries:
                assert plan.actions_overdue_remind() == 0
        Action.objects.all().delete()
        return len(queries)

    assert second_run_queries(1) == second_run_queries(20)


def test_a_completed_action_is_not_overdue(recs, director, coordinator, responsible_official):
    action = plan_action(director, recs, responsible_official, due_in=10)
    post(action, responsible_official, 100)

    with time_machine.travel(at_start_of(action.due_on + timedelta(days=2)), tick=False):
        assert plan.actions_overdue_remind() == 0


def test_a_completed_action_asks_the_organisation_to_verify(
    recs, director, responsible_official, ngo_admin, ngo_member, outsider
):
    action = plan_action(director, recs, responsible_official)
    post(action, responsible_official, 60)
    assert not Reminder.objects.filter(kind=reminders.VERIFICATION_PENDING).exists()

    post(action, responsible_official, 60, completed=True)

    asked = Reminder.objects.filter(kind=reminders.VERIFICATION_PENDING)
    assert sorted(asked.values_list("recipient__username", flat=True)) == ["john", "maria"]
    assert due_reminders() == []
