"""Accreditation's reminders are keyed by the object they are about (``reminder_key``), of the
kinds accreditation declares in ``accreditation.reminders``: scheduling twice sends one, and a
deadline met cancels exactly the reminders about that object and event."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accreditation import reminders
from accreditation.models import Appeal, Decision
from accreditation.services import applications, clearances, decisions, review
from activity import notify
from activity import reminders as registry
from activity.models import Reminder
from directory.models import Role
from tests.accreditation.factories import (
    ClearanceFactory,
    complete_application,
    framework_in_force,
    scored,
    staff,
    submitted,
    under_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_reviewer(world):
    return staff("raul", Role.REVIEWER, world.administration)


@pytest.fixture
def application(world, ngo_admin, director):
    # The director exists before the submission, so that they are told of it.
    framework = framework_in_force(world.administration, criteria=1)
    draft = complete_application(framework, world.organisation, created_by=ngo_admin)
    return submitted(draft, by=ngo_admin)


@pytest.fixture
def reviewing(application, director, reviewer, second_reviewer):
    return under_review(application, director=director, reviewers=[reviewer, second_reviewer])


def keys(kind: str, user) -> set[str]:
    return set(Reminder.objects.filter(kind=kind, recipient=user).values_list("key", flat=True))


def key(obj, event: str, user) -> str:
    return f"{notify.reminder_key(obj, event)}:user:{user.pk}"


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)


def test_every_kind_accreditation_declares_is_registered_and_none_other():
    declared = {value for name, value in vars(reminders).items() if name.isupper()}
    registered = {k.code for k in registry.all_kinds() if k.code.startswith("accreditation.")}
    assert declared == registered
    assert len(declared) == 17


def test_submission_and_review_reminders_are_keyed_by_the_application_and_the_assignment(
    reviewing, director, reviewer
):
    (submitted_key,) = keys(reminders.SUBMITTED, director)
    # Each submission tells the directors again: the moment it was submitted is in the key.
    assert submitted_key.startswith(notify.reminder_key(reviewing, "submitted:"))
    assert submitted_key.endswith(f":user:{director.pk}")
    assignment = reviewing.assignments.get(reviewer=reviewer)
    assert keys(reminders.REVIEW_ASSIGNED, reviewer) == {key(assignment, "assigned", reviewer)}
    assert keys(reminders.REVIEW_OVERDUE, reviewer) == {key(assignment, "overdue", reviewer)}


def test_a_recusal_cancels_only_that_reviewers_overdue_reminder(
    reviewing, director, reviewer, second_reviewer
):
    assignment = reviewing.assignments.get(reviewer=reviewer)
    review.review_declare(
        actor=reviewer, assignment=assignment, conflict=True, statement="My cousin runs it."
    )
    overdue = Reminder.objects.filter(kind=reminders.REVIEW_OVERDUE)
    assert {(r.recipient, r.state) for r in overdue} == {
        (reviewer, Reminder.State.CANCELLED),
        (second_reviewer, Reminder.State.PENDING),
    }
    assert keys(reminders.REVIEWER_RECUSED, director) == {key(assignment, "recused", director)}


def test_a_return_reminds_now_and_later_and_the_next_submission_cancels_both(
    application, director, ngo_admin
):
    applications.application_return(actor=director, application=application, message="Budget?")
    first = keys(reminders.APPLICATION_RETURNED, ngo_admin)
    returned = notify.reminder_key(application, "returned:")
    assert len(first) == 2 and all(k.startswith(returned) for k in first)
    assert {k.split(":")[-3] for k in first} == {"now", "followup"}
    applications.application_submit(actor=ngo_admin, application=application)
    assert not Reminder.objects.filter(
        kind=reminders.APPLICATION_RETURNED, state=Reminder.State.PENDING
    )
    # The submitted reminder about the same application is not touched by that cancellation.
    assert Reminder.objects.filter(
        kind=reminders.SUBMITTED, recipient=director, state=Reminder.State.PENDING
    ).exists()


def test_a_decision_with_conditions_keys_its_reminders_by_condition_accreditation_and_decision(
    reviewing, reviewer, second_reviewer, director, ngo_admin
):
    scored(reviewing, {reviewer: 3, second_reviewer: 3})
    decision = decisions.decision_make(
        actor=director,
        application=reviewing,
        outcome=Decision.Outcome.CONDITIONAL,
        reasons="Convincing, with one gap.",
        conditions=[{"description": "Plan.", "owner": ngo_admin, "due_date": in_days(60)}],
    )
    condition = decision.conditions.get()
    accreditation = decision.accreditation
    assert keys(reminders.CONDITION_DUE, ngo_admin) == {
        key(condition, "due-soon", ngo_admin),
        key(condition, "due", ngo_admin),
    }
    assert keys(reminders.EXPIRING, ngo_admin) == {
        key(accreditation, f"expiring:{days}d", ngo_admin) for days in (90, 30, 7)
    }
    assert keys(reminders.DECIDED, ngo_admin) == {key(reviewing, "decided", ngo_admin)}
    assert keys(reminders.APPEAL_DEADLINE, ngo_admin) == {
        key(decision, "appeal-deadline", ngo_admin)
    }
    decisions.accreditation_suspend(actor=director, accreditation=accreditation, reason="Incident.")
    accreditation.refresh_from_db()
    (changed,) = keys(reminders.STATUS_CHANGED, ngo_admin)
    stamp = f"{accreditation.status_changed_at:%Y%m%d%H%M%S}"
    assert changed == key(accreditation, f"suspended:{stamp}", ngo_admin)

    other_director = staff("diego", Role.DIRECTOR, reviewing.framework.administration)
    appeal = decisions.appeal_lodge(
        actor=ngo_admin, decision=decision, subject=Appeal.Subject.DECISION, grounds="Unfair."
    )
    assert Reminder.objects.get(kind=reminders.APPEAL_DEADLINE).state == Reminder.State.CANCELLED
    assert keys(reminders.APPEAL_LODGED, other_director) == {key(appeal, "lodged", other_director)}
    decisions.appeal_decide(actor=other_director, appeal=appeal, upheld=False, reasons="Fair.")
    assert keys(reminders.APPEAL_DECIDED, ngo_admin) == {key(appeal, "decided", ngo_admin)}


def test_answering_a_condition_again_leaves_the_verdict_on_the_first_answer_pending(
    reviewing, reviewer, second_reviewer, director, ngo_admin
):
    scored(reviewing, {reviewer: 3, second_reviewer: 3})
    decision = decisions.decision_make(
        actor=director,
        application=reviewing,
        outcome=Decision.Outcome.CONDITIONAL,
        reasons="Convincing, with one gap.",
        conditions=[{"description": "Plan.", "owner": ngo_admin, "due_date": in_days(60)}],
    )
    condition = decision.conditions.get()
    first = decisions.condition_answer(actor=ngo_admin, condition=condition, note="A plan.")
    assert keys(reminders.CONDITION_ANSWERED, director) == {
        key(condition, f"answered:{first.pk}", director)
    }
    verdict = decisions.condition_mark_not_met(actor=director, condition=condition, reason="No.")
    assert keys(reminders.CONDITION_VERIFIED, ngo_admin) == {key(verdict, "verified", ngo_admin)}
    second = decisions.condition_answer(actor=ngo_admin, condition=condition, note="Better.")
    # The new answer cancels what was pending about the condition (its deadline, the staff's
    # "verify it"), not the organisation's message that the first answer was not enough.
    pending = Reminder.objects.filter(state=Reminder.State.PENDING)
    assert set(pending.filter(recipient=ngo_admin).values_list("kind", flat=True)) >= {
        reminders.CONDITION_VERIFIED
    }
    assert not pending.filter(kind=reminders.CONDITION_DUE).exists()
    assert set(pending.filter(kind=reminders.CONDITION_ANSWERED).values_list("key", flat=True)) == {
        key(condition, f"answered:{second.pk}", director)
    }


def test_clearance_reminders_are_keyed_by_the_clearance(world, director, ngo_admin):
    clearance = ClearanceFactory(person=world.organisation.people.get())
    clearances.clearance_decide(
        actor=director,
        clearance=clearance,
        cleared=True,
        valid_until=in_days(200),
    )
    assert keys(reminders.CLEARANCE_EXPIRING, ngo_admin) == {
        key(clearance, f"expiring:{days}d", ngo_admin) for days in (90, 30, 7)
    }
    assert keys(reminders.CLEARANCE_DECIDED, ngo_admin) == {key(clearance, "decided", ngo_admin)}
