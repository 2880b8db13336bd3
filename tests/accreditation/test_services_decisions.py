"""Decisions: separation of duties, reasons and justification, moderation, conditions, the
accreditation granted, its suspension, reinstatement and revocation, and appeals."""

import contextlib
import threading
from datetime import time, timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accreditation.models import Accreditation, Appeal, Application, Condition, Decision
from accreditation.selectors import accreditation_in_force
from accreditation.services import decisions, review
from activity.dates import at_start_of
from activity.errors import DomainError
from activity.models import AuditEntry, Reminder
from directory.models import Role
from directory.selectors import earliest_local_date
from directory.services import membership_grant
from tests.accreditation.factories import (
    AccreditationFactory,
    complete_application,
    decide,
    framework_in_force,
    in_days,
    scored,
    submitted,
    under_review,
)
from tests.support.audit import written
from visits.models import local_datetime, local_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def passed(reviewing, reviewer, second_reviewer):
    """Both reviewers gave 3 of 4 everywhere: 75 %, above the 60 % threshold."""
    return scored(reviewing, {reviewer: 3, second_reviewer: 3})


@pytest.fixture
def failed(reviewing, reviewer, second_reviewer):
    """Both reviewers gave 1 of 4 everywhere: 25 %."""
    return scored(reviewing, {reviewer: 1, second_reviewer: 1})


# Who decides, and when --------------------------------------------------------------------------


def test_the_decider_cannot_have_reviewed_the_application(
    world, ngo_admin, director, reviewer, second_director
):
    membership_grant(
        actor=None, user=second_director, role=Role.REVIEWER, scope=world.administration
    )
    framework = framework_in_force(world.administration)
    draft = complete_application(framework, world.organisation, created_by=ngo_admin)
    application = under_review(
        submitted(draft, by=ngo_admin), director=director, reviewers=[reviewer, second_director]
    )
    scored(application, {reviewer: 3, second_director: 3})
    with pytest.raises(DomainError, match="You reviewed this application"):
        decide(application, second_director)
    application.refresh_from_db()
    assert application.status == Application.Status.UNDER_REVIEW
    decide(application, director)  # someone who did not review can


def test_every_assigned_review_must_be_in_before_the_decision(reviewing, director, reviewer):
    scored_one = reviewing.assignments.get(reviewer=reviewer)
    review.review_declare(actor=reviewer, assignment=scored_one, conflict=False, statement="")
    with pytest.raises(DomainError, match="every assigned reviewer has submitted"):
        decide(reviewing, director)
    assert not Decision.objects.exists()


def test_two_submitted_reviews_are_needed_even_if_others_recused(
    reviewing, director, reviewer, second_reviewer
):
    first = reviewing.assignments.get(reviewer=reviewer)
    review.review_declare(actor=reviewer, assignment=first, conflict=True, statement="Board.")
    scored(reviewing, {second_reviewer: 3})
    with pytest.raises(DomainError, match="At least two reviewers must have scored"):
        decide(reviewing, director)


def test_only_an_application_under_review_can_be_decided(world, ngo_admin, director):
    framework = framework_in_force(world.administration)
    draft = complete_application(framework, world.organisation, created_by=ngo_admin)
    with pytest.raises(DomainError, match="Only an application under review"):
        decide(draft, director)


def test_a_decided_application_cannot_be_decided_again(passed, director):
    decide(passed, director)
    with pytest.raises(DomainError, match="Only an application under review"):
        decide(passed, director, outcome=Decision.Outcome.REFUSED, justification="Changed.")


# Reasons, justification, moderation -------------------------------------------------------------


def test_reasons_are_required(passed, director):
    with pytest.raises(DomainError, match="Give the reasons") as error:
        decide(passed, director, reasons="   ")
    assert error.value.field == "reasons"


def test_following_the_reviewers_needs_no_justification(passed, director):
    decision = decide(passed, director)
    assert decision.reviewers_passed
    assert decision.weighted_score == 75
    assert not decision.departs_from_reviewers


def test_refusing_what_reviewers_passed_needs_a_justification(passed, director):
    with pytest.raises(DomainError, match="goes against the reviewers' result") as error:
        decide(passed, director, outcome=Decision.Outcome.REFUSED)
    assert error.value.field == "justification"
    decision = decide(
        passed,
        director,
        outcome=Decision.Outcome.REFUSED,
        justification="A court found the organisation's director guilty of fraud last week.",
    )
    assert decision.departs_from_reviewers


def test_accrediting_what_reviewers_failed_needs_a_justification(failed, director):
    with pytest.raises(DomainError, match="justify it in writing"):
        decide(failed, director)
    decision = decide(failed, director, justification="The only legal-aid provider in the region.")
    assert decision.outcome == Decision.Outcome.ACCREDITED
    assert not decision.reviewers_passed


def test_refusing_what_reviewers_failed_needs_no_justification(failed, director):
    decision = decide(failed, director, outcome=Decision.Outcome.REFUSED)
    assert decision.justification == ""
    assert not Accreditation.objects.filter(decision=decision).exists()


def test_wide_disagreement_needs_a_moderation_note(reviewing, director, reviewer, second_reviewer):
    scored(reviewing, {reviewer: 4, second_reviewer: 1})  # a gap of 3, above the gap of 2
    with pytest.raises(DomainError, match="disagree widely") as error:
        decide(reviewing, director)
    assert error.value.field == "moderation_note"
    decide(
        reviewing,
        director,
        moderation_note="Discussed with both reviewers; the higher score is better evidenced.",
    )
    reviewing.refresh_from_db()
    assert reviewing.moderation_note.startswith("Discussed with both reviewers")


# Conditions -------------------------------------------------------------------------------------


def test_an_accreditation_with_conditions_needs_at_least_one(passed, director):
    with pytest.raises(DomainError, match="Set at least one condition"):
        decide(passed, director, outcome=Decision.Outcome.CONDITIONAL)


def test_conditions_go_only_with_an_accreditation_with_conditions(passed, director, ngo_admin):
    condition = {"description": "Train the staff.", "owner": ngo_admin, "due_date": in_days(30)}
    with pytest.raises(DomainError, match="Conditions go with an accreditation with conditions"):
        decide(passed, director, conditions=[condition])


def test_each_condition_needs_a_deadline_in_the_future(passed, director, ngo_admin):
    today = earliest_local_date(passed.administration)  # at the facility where it is earliest
    condition = {"description": "Train the staff.", "owner": ngo_admin, "due_date": today}
    with pytest.raises(DomainError, match="deadline in the future"):
        decide(passed, director, outcome=Decision.Outcome.CONDITIONAL, conditions=[condition])
    assert not Condition.objects.exists()


def test_in_the_facilitys_evening_a_condition_may_be_due_on_its_tomorrow(
    world, passed, director, ngo_admin
):
    """At 7.30 pm in Guatemala the server's (UTC) date is already the facility's tomorrow: a
    condition due then is in the future there."""
    evening = local_datetime(world.facility, local_today(world.facility), time(19, 30))
    with time_machine.travel(evening, tick=False):
        tomorrow_there = local_today(world.facility) + timedelta(days=1)
        assert tomorrow_there == timezone.localdate()
        condition = {"description": "Train the staff.", "owner": ngo_admin, "due_date": None}
        with pytest.raises(DomainError, match="deadline in the future"):
            decide(
                passed,
                director,
                outcome=Decision.Outcome.CONDITIONAL,
                conditions=[{**condition, "due_date": local_today(world.facility)}],
            )
        decide(
            passed,
            director,
            outcome=Decision.Outcome.CONDITIONAL,
            conditions=[{**condition, "due_date": tomorrow_there}],
        )
    assert Condition.objects.get().due_date == tomorrow_there


def test_conditions_are_tracked_with_their_owner_deadline_and_reminders(
    passed, director, ngo_admin
):
    due = in_days(60)
    decision = decide(
        passed,
        director,
        outcome=Decision.Outcome.CONDITIONAL,
        conditions=[
            {"description": "Send the continuity plan.", "owner": ngo_admin, "due_date": due}
        ],
    )
    condition = decision.conditions.get()
    assert (condition.owner, condition.due_date, condition.is_met) == (ngo_admin, due, False)
    reminders = Reminder.objects.filter(recipient=ngo_admin, kind="accreditation.condition_due")
    assert sorted(r.due_at for r in reminders) == [
        at_start_of(due - timedelta(days=7)),
        at_start_of(due),
    ]
    assert Accreditation.objects.filter(decision=decision).exists()


def test_a_condition_is_marked_met_with_a_note_once(passed, director, coordinator, ngo_admin):
    decision = decide(
        passed,
        director,
        outcome=Decision.Outcome.CONDITIONAL,
        conditions=[{"description": "Plan.", "owner": ngo_admin, "due_date": in_days(30)}],
    )
    condition = decision.conditions.get()
    with pytest.raises(DomainError, match="Say how the condition was met"):
        decisions.condition_mark_met(actor=coordinator, condition=condition, note="")
    decisions.condition_mark_met(actor=coordinator, condition=condition, note="Plan received.")
    condition.refresh_from_db()
    assert condition.is_met and condition.met_by == coordinator
    assert AuditEntry.objects.filter(action="condition.met", object_id=str(condition.pk))
    assert not Reminder.objects.filter(
        kind="accreditation.condition_due", state=Reminder.State.PENDING
    ).exists()
    with pytest.raises(DomainError, match="already met"):
        decisions.condition_mark_met(actor=coordinator, condition=condition, note="Again.")


# The accreditation granted ----------------------------------------------------------------------


def test_a_grant_creates_an_accreditation_valid_for_the_frameworks_period(world, passed, director):
    decision = decide(passed, director)
    accreditation = Accreditation.objects.get(decision=decision)
    # From today at the administration's facilities (in Guatemala, behind UTC).
    today = local_today(world.facility)
    assert accreditation.organisation == passed.organisation
    assert accreditation.status == Accreditation.Status.ACTIVE
    assert accreditation.valid_from == today
    assert accreditation.valid_until == today + relativedelta(months=24) - timedelta(days=1)
    assert accreditation.is_in_force()
    assert len(accreditation.verification_code) == 14
    # The grant is part of the decision: its one audit entry records the accreditation.
    entry = AuditEntry.objects.get(action="application.decided", object_id=str(passed.pk))
    assert entry.changes["code"] == accreditation.verification_code
    assert entry.changes["valid_until"] == accreditation.valid_until.isoformat()
    passed.refresh_from_db()
    assert passed.status == Application.Status.DECIDED


def test_an_accreditation_granted_in_the_facilitys_evening_is_in_force_there_that_day(
    world, passed, director
):
    """7.30 pm in Guatemala is already the next day in UTC: the organisation accredited then
    may work at the facility that evening."""
    evening = local_datetime(world.facility, local_today(world.facility), time(19, 30))
    with time_machine.travel(evening, tick=False):
        decide(passed, director)
        there = local_today(world.facility)
        assert there != timezone.localdate()
        assert accreditation_in_force(passed.organisation, world.administration, there)


def test_a_refusal_grants_nothing_and_sets_the_appeal_deadline(failed, director, ngo_admin):
    decision = decide(failed, director, outcome=Decision.Outcome.REFUSED)
    assert not Accreditation.objects.exists()
    assert decision.appeal_deadline == in_days(30)
    assert Reminder.objects.filter(recipient=ngo_admin, kind="accreditation.appeal_deadline")
    assert Reminder.objects.filter(recipient=ngo_admin, kind="accreditation.decided")


def test_a_new_accreditation_supersedes_the_previous_one(passed, director, world):
    # The previous accreditation was granted by the same administration.
    previous = AccreditationFactory(
        decision__application__organisation=world.organisation,
        decision__application__framework=passed.framework,
    )
    decision = decide(passed, director)
    previous.refresh_from_db()
    assert previous.status == Accreditation.Status.SUPERSEDED
    assert (
        Accreditation.objects.filter(
            organisation=world.organisation, status=Accreditation.Status.ACTIVE
        ).count()
        == 1
    )
    entry = AuditEntry.objects.get(action="application.decided", object_id=str(passed.pk))
    assert entry.changes["superseded"] == [previous.pk]
    assert AuditEntry.objects.filter(action__startswith="accreditation.").count() == 0
    assert decision.accreditation.is_in_force()


def test_an_accreditation_from_another_administration_stays_in_force(passed, director, world):
    elsewhere = AccreditationFactory(decision__application__organisation=world.organisation)
    assert elsewhere.decision.application.administration != passed.administration
    decide(passed, director)
    elsewhere.refresh_from_db()
    assert elsewhere.status == Accreditation.Status.ACTIVE


def test_expiry_is_announced_90_30_and_7_days_ahead(passed, director, ngo_admin):
    decision = decide(passed, director)
    accreditation = decision.accreditation
    reminders = Reminder.objects.filter(recipient=ngo_admin, kind="accreditation.expiring")
    assert sorted(r.due_at for r in reminders) == [
        at_start_of(accreditation.valid_until - timedelta(days=days)) for days in (90, 30, 7)
    ]


# Suspension, reinstatement, revocation ----------------------------------------------------------


def test_a_suspension_needs_a_reason_and_tells_the_organisation(accreditation, director, ngo_admin):
    with pytest.raises(DomainError, match="Give the reason"):
        decisions.accreditation_suspend(actor=director, accreditation=accreditation, reason=" ")
    decisions.accreditation_suspend(
        actor=director, accreditation=accreditation, reason="Incident at the gate."
    )
    accreditation.refresh_from_db()
    assert accreditation.status == Accreditation.Status.SUSPENDED
    assert accreditation.status_reason == "Incident at the gate."
    assert accreditation.status_changed_by == director
    assert not accreditation.is_in_force()
    assert Reminder.objects.filter(recipient=ngo_admin, kind="accreditation.status_changed")
    assert AuditEntry.objects.filter(action="accreditation.suspended")


def test_a_suspended_accreditation_is_reinstated_with_a_reason(accreditation, director):
    decisions.accreditation_suspend(actor=director, accreditation=accreditation, reason="Check.")
    decisions.accreditation_reinstate(
        actor=director, accreditation=accreditation, reason="Checked: no fault."
    )
    accreditation.refresh_from_db()
    assert accreditation.status == Accreditation.Status.ACTIVE
    assert accreditation.status_reason == "Checked: no fault."


def test_an_active_accreditation_cannot_be_reinstated(accreditation, director):
    with pytest.raises(DomainError, match="Only a suspended accreditation can be reinstated"):
        decisions.accreditation_reinstate(actor=director, accreditation=accreditation, reason="x")


def test_a_revoked_accreditation_cannot_be_suspended_or_reinstated(accreditation, director):
    decisions.accreditation_revoke(actor=director, accreditation=accreditation, reason="Fraud.")
    accreditation.refresh_from_db()
    assert accreditation.status == Accreditation.Status.REVOKED
    with pytest.raises(
        DomainError, match="This accreditation was revoked, so it cannot be suspended"
    ):
        decisions.accreditation_suspend(actor=director, accreditation=accreditation, reason="x")
    with pytest.raises(DomainError, match="Only a suspended accreditation"):
        decisions.accreditation_reinstate(actor=director, accreditation=accreditation, reason="x")


def test_a_renewed_accreditation_cannot_be_revoked(director, world):
    superseded = AccreditationFactory(
        decision__application__organisation=world.organisation,
        status=Accreditation.Status.SUPERSEDED,
    )
    with pytest.raises(DomainError, match="replaced by its renewal; act on the renewal"):
        decisions.accreditation_revoke(actor=director, accreditation=superseded, reason="x")
    superseded.refresh_from_db()
    assert superseded.status == Accreditation.Status.SUPERSEDED


# Appeals ----------------------------------------------------------------------------------------


def test_a_refusal_can_be_appealed_within_the_deadline(refusal, ngo_admin, director):
    appeal = decisions.appeal_lodge(
        actor=ngo_admin, decision=refusal, subject=Appeal.Subject.DECISION, grounds="Overlooked."
    )
    assert appeal.is_open
    assert appeal.original_decider == director
    assert AuditEntry.objects.filter(action="appeal.lodged", object_id=str(appeal.pk))
    deadline = Reminder.objects.get(recipient=ngo_admin, kind="accreditation.appeal_deadline")
    assert deadline.state == Reminder.State.CANCELLED


def test_the_directors_except_the_original_decider_are_asked_to_decide_the_appeal(
    refusal, ngo_admin, director, second_director
):
    decisions.appeal_lodge(
        actor=ngo_admin, decision=refusal, subject=Appeal.Subject.DECISION, grounds="Overlooked."
    )
    asked = Reminder.objects.filter(kind="accreditation.appeal_lodged")
    assert [r.recipient for r in asked] == [second_director]


def test_an_appeal_after_the_deadline_is_refused(refusal, ngo_admin):
    # The day before today at every one of the administration's facilities.
    yesterday = earliest_local_date(refusal.application.administration) - timedelta(days=1)
    Decision.objects.filter(pk=refusal.pk).update(appeal_deadline=yesterday)
    refusal.refresh_from_db()
    with pytest.raises(DomainError, match="The deadline to appeal was"):
        decisions.appeal_lodge(
            actor=ngo_admin, decision=refusal, subject=Appeal.Subject.DECISION, grounds="Late."
        )
    assert not Appeal.objects.exists()


def test_an_appeal_on_the_last_day_at_the_facility_is_accepted_in_its_evening(
    world, refusal, ngo_admin
):
    """At 7.30 pm in Guatemala on the last day, the server's (UTC) date is already past it."""
    evening = local_datetime(world.facility, local_today(world.facility), time(19, 30))
    with time_machine.travel(evening, tick=False):
        last_day = local_today(world.facility)
        assert timezone.localdate() > last_day
        Decision.objects.filter(pk=refusal.pk).update(appeal_deadline=last_day)
        refusal.refresh_from_db()
        decisions.appeal_lodge(
            actor=ngo_admin, decision=refusal, subject=Appeal.Subject.DECISION, grounds="On time."
        )
    assert Appeal.objects.filter(decision=refusal).exists()


def test_an_appeal_on_the_last_day_is_accepted(refusal, ngo_admin):
    Decision.objects.filter(pk=refusal.pk).update(appeal_deadline=in_days(0))
    refusal.refresh_from_db()
    decisions.appeal_lodge(
        actor=ngo_admin, decision=refusal, subject=Appeal.Subject.DECISION, grounds="Just in time."
    )
    assert Appeal.objects.count() == 1


def test_a_plain_accreditation_has_nothing_to_appeal(accreditation, ngo_admin):
    with pytest.raises(DomainError, match="nothing to appeal"):
        decisions.appeal_lodge(
            actor=ngo_admin,
            decision=accreditation.decision,
            subject=Appeal.Subject.DECISION,
            grounds="We want more.",
        )
    with pytest.raises(DomainError, match="nothing to appeal"):
        decisions.appeal_lodge(
            actor=ngo_admin,
            decision=accreditation.decision,
            subject=Appeal.Subject.SUSPENSION,
            grounds="Not suspended.",
        )


def test_an_appeal_needs_grounds_and_only_one_waits_at_a_time(refusal, ngo_admin):
    with pytest.raises(DomainError, match="State the grounds"):
        decisions.appeal_lodge(
            actor=ngo_admin, decision=refusal, subject=Appeal.Subject.DECISION, grounds=""
        )
    decisions.appeal_lodge(
        actor=ngo_admin, decision=refusal, subject=Appeal.Subject.DECISION, grounds="One."
    )
    with pytest.raises(DomainError, match="already waiting for a decision"):
        decisions.appeal_lodge(
            actor=ngo_admin, decision=refusal, subject=Appeal.Subject.DECISION, grounds="Two."
        )


def test_the_database_keeps_one_waiting_appeal_per_subject(refusal, ngo_admin, director):
    waiting = {
        "decision": refusal,
        "subject": Appeal.Subject.DECISION,
        "appealed_by_user": ngo_admin,
        "original_decider": director,
        "grounds": "Overlooked.",
    }
    first = Appeal.objects.create(**waiting)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.create(**waiting)
    Appeal.objects.filter(pk=first.pk).update(outcome="dismissed", decided_at=timezone.now())
    Appeal.objects.create(**waiting)  # once the first is decided, another may wait
    assert Appeal.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_appeals_lodged_at_the_same_moment_make_one_appeal_and_one_clear_refusal(
    refusal, ngo_admin, monkeypatch
):
    # Both requests have found no waiting appeal before either writes its own: only the
    # database's rule can keep the second out.
    both_checked = threading.Barrier(2, timeout=5)
    create = Appeal.objects.create

    def create_once_both_checked(**fields):
        # Broken when the other request was kept waiting before its check: nothing to race.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait()
        return create(**fields)

    monkeypatch.setattr(Appeal.objects, "create", create_once_both_checked)
    outcomes: list[str] = []

    def lodge(grounds: str) -> None:
        try:
            decisions.appeal_lodge(
                actor=ngo_admin, decision=refusal, subject=Appeal.Subject.DECISION, grounds=grounds
            )
            outcomes.append("lodged")
        except DomainError as refused:
            outcomes.append(str(refused))
        finally:
            connection.close()

    threads = [threading.Thread(target=lodge, args=(g,)) for g in ("One.", "Two.")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["An appeal on this is already waiting for a decision.", "lodged"]
    assert Appeal.objects.filter(decision=refusal).count() == 1
    assert AuditEntry.objects.filter(action="appeal.lodged").count() == 1


def test_the_original_decider_cannot_decide_the_appeal(refusal, ngo_admin, director):
    appeal = decisions.appeal_lodge(
        actor=ngo_admin, decision=refusal, subject=Appeal.Subject.DECISION, grounds="Overlooked."
    )
    with pytest.raises(DomainError, match="someone else must decide the appeal"):
        decisions.appeal_decide(actor=director, appeal=appeal, upheld=True, reasons="Fine.")
    appeal.refresh_from_db()
    assert appeal.is_open


def test_an_appeal_decision_needs_reasons_and_is_final(refusal, ngo_admin, second_director):
    appeal = decisions.appeal_lodge(
        actor=ngo_admin, decision=refusal, subject=Appeal.Subject.DECISION, grounds="Overlooked."
    )
    with pytest.raises(DomainError, match="Give the reasons"):
        decisions.appeal_decide(actor=second_director, appeal=appeal, upheld=False, reasons="")
    decisions.appeal_decide(actor=second_director, appeal=appeal, upheld=False, reasons="Stands.")
    with pytest.raises(DomainError, match="already decided"):
        decisions.appeal_decide(actor=second_director, appeal=appeal, upheld=True, reasons="Oops.")


def test_a_dismissed_appeal_changes_nothing(refusal, ngo_admin, second_director):
    appeal = decisions.appeal_lodge(
        actor=ngo_admin, decision=refusal, subject=Appeal.Subject.DECISION, grounds="Overlooked."
    )
    decisions.appeal_decide(actor=second_director, appeal=appeal, upheld=False, reasons="Stands.")
    appeal.refresh_from_db()
    assert appeal.outcome == Appeal.Outcome.DISMISSED
    assert not Accreditation.objects.exists()
    assert Reminder.objects.filter(recipient=ngo_admin, kind="accreditation.appeal_decided")


def test_an_upheld_appeal_against_a_refusal_grants_the_accreditation(
    refusal, ngo_admin, second_director
):
    with written() as lodged:
        appeal = decisions.appeal_lodge(
            actor=ngo_admin,
            decision=refusal,
            subject=Appeal.Subject.DECISION,
            grounds="Overlooked.",
        )
    with written() as decided:
        decisions.appeal_decide(
            actor=second_director, appeal=appeal, upheld=True, reasons="The report was overlooked."
        )
    accreditation = Accreditation.objects.get(decision=refusal)
    assert accreditation.is_in_force()
    assert AuditEntry.objects.filter(action="appeal.upheld", object_id=str(appeal.pk))
    # One entry each; the accreditation granted on appeal is in the appeal's.
    assert (lodged, decided) == (["appeal.lodged"], ["appeal.upheld"])
    entry = AuditEntry.objects.get(action="appeal.upheld")
    assert entry.changes["code"] == accreditation.verification_code


def test_an_upheld_appeal_against_conditions_lifts_them(
    passed, director, ngo_admin, second_director
):
    decision = decide(
        passed,
        director,
        outcome=Decision.Outcome.CONDITIONAL,
        conditions=[{"description": "Plan.", "owner": ngo_admin, "due_date": in_days(30)}],
    )
    appeal = decisions.appeal_lodge(
        actor=ngo_admin, decision=decision, subject=Appeal.Subject.DECISION, grounds="Unfair."
    )
    with written() as entries:
        decisions.appeal_decide(
            actor=second_director, appeal=appeal, upheld=True, reasons="Agreed."
        )
    condition = decision.conditions.get()
    assert condition.is_met
    assert condition.responses.get().note == "Lifted on appeal: Agreed."
    assert Accreditation.objects.filter(decision=decision).count() == 1
    # The conditions lifted are in the appeal's one entry; the organisation hears of each.
    assert entries == ["appeal.upheld"]
    assert AuditEntry.objects.get(action="appeal.upheld").changes["lifted"] == [condition.pk]
    assert Reminder.objects.filter(kind="accreditation.condition_verified", recipient=ngo_admin)


def test_an_upheld_appeal_against_a_suspension_reinstates_the_accreditation(
    accreditation, director, ngo_admin, second_director
):
    decisions.accreditation_suspend(actor=director, accreditation=accreditation, reason="Doubt.")
    accreditation.refresh_from_db()
    decision = accreditation.decision
    appeal = decisions.appeal_lodge(
        actor=ngo_admin, decision=decision, subject=Appeal.Subject.SUSPENSION, grounds="No fault."
    )
    assert appeal.original_decider == director
    with written() as entries:
        decisions.appeal_decide(
            actor=second_director, appeal=appeal, upheld=True, reasons="No fault."
        )
    accreditation.refresh_from_db()
    assert accreditation.status == Accreditation.Status.ACTIVE
    assert accreditation.status_reason == "Appeal upheld: No fault."
    # The reinstatement is in the appeal's one entry; the organisation is told.
    assert entries == ["appeal.upheld"]
    assert AuditEntry.objects.get(action="appeal.upheld").changes["reinstated"] is True
    assert Reminder.objects.filter(recipient=ngo_admin, kind="accreditation.status_changed")


def test_an_upheld_appeal_against_a_revocation_restores_the_accreditation(
    accreditation, second_director, ngo_admin, director
):
    decisions.accreditation_revoke(actor=second_director, accreditation=accreditation, reason="X.")
    accreditation.refresh_from_db()
    appeal = decisions.appeal_lodge(
        actor=ngo_admin,
        decision=accreditation.decision,
        subject=Appeal.Subject.REVOCATION,
        grounds="Wrong.",
    )
    # The director who granted the accreditation did not revoke it, so may decide the appeal.
    decisions.appeal_decide(actor=director, appeal=appeal, upheld=True, reasons="Wrong indeed.")
    accreditation.refresh_from_db()
    assert accreditation.status == Accreditation.Status.ACTIVE


def test_a_suspension_can_be_appealed_only_within_the_deadline_counted_from_the_suspension(
    accreditation, director, ngo_admin
):
    decisions.accreditation_suspend(actor=director, accreditation=accreditation, reason="Doubt.")
    # 30 days to appeal, the last of them two days ago by the server's date: over at every
    # facility (in the evening in Guatemala, the server's yesterday is still today there).
    Accreditation.objects.filter(pk=accreditation.pk).update(
        status_changed_at=timezone.now() - timedelta(days=32)
    )
    accreditation.refresh_from_db()
    decision = Decision.objects.get(pk=accreditation.decision_id)
    with pytest.raises(DomainError, match="The deadline to appeal was"):
        decisions.appeal_lodge(
            actor=ngo_admin, decision=decision, subject=Appeal.Subject.SUSPENSION, grounds="Late."
        )


# One audit entry per act, and a state that changed meanwhile --------------------------------------


def test_a_decision_writes_one_entry_with_the_conditions_it_set(passed, director, ngo_admin):
    with written() as entries:
        decision = decide(
            passed,
            director,
            outcome=Decision.Outcome.CONDITIONAL,
            conditions=[{"description": "Plan.", "owner": ngo_admin, "due_date": in_days(30)}],
        )
    assert entries == ["application.decided"]
    entry = AuditEntry.objects.get(action="application.decided")
    assert entry.changes["conditions"] == [decision.conditions.get().pk]
    assert entry.changes["code"] == decision.accreditation.verification_code


def test_suspending_reinstating_and_revoking_write_one_entry_each(accreditation, director):
    with written() as suspension:
        decisions.accreditation_suspend(actor=director, accreditation=accreditation, reason="A.")
    with written() as reinstatement:
        decisions.accreditation_reinstate(actor=director, accreditation=accreditation, reason="B.")
    with written() as revocation:
        decisions.accreditation_revoke(actor=director, accreditation=accreditation, reason="C.")
    assert suspension == ["accreditation.suspended"]
    assert reinstatement == ["accreditation.reinstated"]
    assert revocation == ["accreditation.revoked"]
    entry = AuditEntry.objects.get(action="accreditation.reinstated")
    assert entry.changes == {"status": ["suspended", "active"], "reason": "B."}


def test_suspending_an_accreditation_revoked_meanwhile_says_why_and_changes_nothing(
    accreditation, director, second_director
):
    # Both directors opened the accreditation while it was active; Diego revoked it first.
    on_marthas_page = Accreditation.objects.get(pk=accreditation.pk)
    decisions.accreditation_revoke(
        actor=second_director, accreditation=accreditation, reason="Fraud."
    )
    with written() as entries, pytest.raises(DomainError) as refusal:
        decisions.accreditation_suspend(
            actor=director, accreditation=on_marthas_page, reason="Incident at the gate."
        )
    assert refusal.value.message == "This accreditation was revoked, so it cannot be suspended."
    assert entries == []
    accreditation.refresh_from_db()
    assert (accreditation.status, accreditation.status_reason) == ("revoked", "Fraud.")
    assert accreditation.status_changed_by == second_director


def test_suspending_or_revoking_twice_says_it_is_already_done(accreditation, director):
    decisions.accreditation_suspend(actor=director, accreditation=accreditation, reason="A.")
    with pytest.raises(DomainError, match="already suspended"):
        decisions.accreditation_suspend(actor=director, accreditation=accreditation, reason="B.")
    decisions.accreditation_revoke(actor=director, accreditation=accreditation, reason="C.")
    with pytest.raises(DomainError, match="already revoked"):
        decisions.accreditation_revoke(actor=director, accreditation=accreditation, reason="D.")


def test_an_appeal_against_a_suspension_lifted_meanwhile_cannot_be_upheld(
    accreditation, director, ngo_admin, second_director
):
    decisions.accreditation_suspend(actor=director, accreditation=accreditation, reason="Doubt.")
    appeal = decisions.appeal_lodge(
        actor=ngo_admin,
        decision=accreditation.decision,
        subject=Appeal.Subject.SUSPENSION,
        grounds="No fault.",
    )
    decisions.accreditation_reinstate(actor=director, accreditation=accreditation, reason="Ok.")
    with written() as entries, pytest.raises(DomainError, match="nothing left to overturn"):
        decisions.appeal_decide(actor=second_director, appeal=appeal, upheld=True, reasons="Yes.")
    assert entries == []
    appeal.refresh_from_db()
    assert appeal.is_open
    decisions.appeal_decide(
        actor=second_director, appeal=appeal, upheld=False, reasons="Lifted already."
    )
    appeal.refresh_from_db()
    assert appeal.outcome == Appeal.Outcome.DISMISSED


def test_an_accreditation_granted_on_appeal_is_not_granted_again_by_a_second_appeal(
    refusal, ngo_admin, second_director
):
    for grounds in ("Overlooked.", "Overlooked, again."):
        appeal = decisions.appeal_lodge(
            actor=ngo_admin, decision=refusal, subject=Appeal.Subject.DECISION, grounds=grounds
        )
        decisions.appeal_decide(actor=second_director, appeal=appeal, upheld=True, reasons="Yes.")
    assert Accreditation.objects.filter(decision=refusal).count() == 1
    last = AuditEntry.objects.filter(action="appeal.upheld").order_by("seq").last()
    assert "code" not in last.changes
