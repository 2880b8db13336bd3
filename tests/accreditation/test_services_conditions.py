"""Conditions are answered by the organisation and verified by the administration: the
history, the state each step leaves, the deadline, reminders and who reads the documents."""

import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format

from accreditation.models import Condition, ConditionResponse, Decision
from accreditation.services import decisions
from activity.audit_actions import readable
from activity.errors import DomainError
from activity.models import AuditEntry, Reminder
from activity.permissions import get_document_for_user
from tests.accreditation.factories import (
    ConditionFactory,
    DecisionFactory,
    framework_in_force,
    in_days,
    pdf,
)
from tests.support.audit import written

pytestmark = pytest.mark.django_db


@pytest.fixture
def condition(world, ngo_admin) -> Condition:
    """A condition set on the organisation's accreditation by the world's administration."""
    framework = framework_in_force(world.administration, criteria=1)
    decision = DecisionFactory(
        application__organisation=world.organisation,
        application__framework=framework,
        application__submitted_at=timezone.now(),
        outcome=Decision.Outcome.CONDITIONAL,
    )
    return ConditionFactory.create(decision=decision, owner=ngo_admin, due_date=in_days(30))


def answer(condition, user, note="The plan is attached.", uploads=()):
    return decisions.condition_answer(actor=user, condition=condition, note=note, uploads=uploads)


def test_the_organisation_answers_with_a_note_and_documents(
    condition, ngo_admin, director, coordinator
):
    response = answer(condition, ngo_admin, uploads=[pdf()])
    condition.refresh_from_db()
    assert condition.status == Condition.Status.ANSWERED and not condition.is_met
    assert (response.kind, response.note, response.by) == (
        "answer",
        "The plan is attached.",
        ngo_admin,
    )
    document = response.documents.get()
    assert (document.original_name, document.organisation) == (
        "plan.pdf",
        condition.decision.application.organisation,
    )
    answered = AuditEntry.objects.get(action="condition.answered", object_id=str(condition.pk))
    organisation = condition.decision.application.organisation.name
    assert f"answered a condition of {organisation}" in readable([answered])[0].sentence
    told = Reminder.objects.filter(kind="accreditation.condition_answered")
    assert set(told.values_list("recipient", flat=True)) == {director.pk, coordinator.pk}
    assert all(r.url == condition.get_absolute_url() for r in told)


def test_an_answer_needs_a_note(condition, ngo_admin):
    with pytest.raises(DomainError, match="Say how the condition is met"):
        answer(condition, ngo_admin, note="  ")
    condition.refresh_from_db()
    assert condition.status == Condition.Status.OPEN and not condition.responses.exists()


def test_an_answer_waits_for_the_administration_before_another(condition, ngo_admin):
    answer(condition, ngo_admin)
    with pytest.raises(DomainError, match="waiting for the administration's verification"):
        answer(condition, ngo_admin, note="More.")
    assert condition.responses.count() == 1


def test_a_condition_cannot_be_answered_after_its_deadline(condition, ngo_admin):
    Condition.objects.filter(pk=condition.pk).update(due_date=in_days(-1))
    with pytest.raises(
        DomainError,
        match=re.escape(f"deadline to answer this condition was {date_format(in_days(-1))}"),
    ):
        answer(condition, ngo_admin)
    # The deadline day itself is still in time.
    Condition.objects.filter(pk=condition.pk).update(due_date=in_days(0))
    answer(condition, ngo_admin)


def test_marking_met_closes_the_condition_and_tells_the_organisation(
    condition, ngo_admin, coordinator
):
    answer(condition, ngo_admin)
    decisions.condition_mark_met(actor=coordinator, condition=condition, note="Plan received.")
    condition.refresh_from_db()
    assert condition.is_met and condition.met_by == coordinator and condition.met_at
    assert [r.kind for r in condition.responses.all()] == ["answer", "met"]
    assert AuditEntry.objects.filter(action="condition.met", actor=coordinator).count() == 1
    told = Reminder.objects.filter(kind="accreditation.condition_verified")
    assert set(told.values_list("recipient", flat=True)) == {ngo_admin.pk}
    assert "is met" in told.first().subject
    # The staff's "verify it" reminder is moot now.
    assert not Reminder.objects.filter(
        kind="accreditation.condition_answered", state=Reminder.State.PENDING
    ).exists()
    with pytest.raises(DomainError, match="already met"):
        answer(condition, ngo_admin)
    with pytest.raises(DomainError, match="already met"):
        decisions.condition_mark_met(actor=coordinator, condition=condition, note="Again.")


def test_not_met_needs_a_reason_and_an_answer_to_judge(condition, ngo_admin, director):
    with pytest.raises(DomainError, match="Only a condition the organisation has answered"):
        decisions.condition_mark_not_met(actor=director, condition=condition, reason="Nothing.")
    answer(condition, ngo_admin)
    with pytest.raises(DomainError, match="Say why the condition is not met"):
        decisions.condition_mark_not_met(actor=director, condition=condition, reason="")
    condition.refresh_from_db()
    assert condition.status == Condition.Status.ANSWERED


def test_not_met_lets_the_organisation_answer_again_and_keeps_the_history(
    condition, ngo_admin, director
):
    answer(condition, ngo_admin, note="First plan.")
    decisions.condition_mark_not_met(
        actor=director, condition=condition, reason="The plan has no budget."
    )
    condition.refresh_from_db()
    assert condition.status == Condition.Status.NOT_MET and not condition.is_met
    told = Reminder.objects.get(kind="accreditation.condition_verified", recipient=ngo_admin)
    assert "not met" in told.subject
    assert "The plan has no budget." in told.body and "You may answer again until" in told.body
    assert AuditEntry.objects.filter(action="condition.marked_not_met", actor=director).count() == 1
    answer(condition, ngo_admin, note="Second plan, with a budget.")
    decisions.condition_mark_met(actor=director, condition=condition, note="Budget seen.")
    history = [(r.kind, r.note) for r in ConditionResponse.objects.filter(condition=condition)]
    assert history == [
        ("answer", "First plan."),
        ("not_met", "The plan has no budget."),
        ("answer", "Second plan, with a budget."),
        ("met", "Budget seen."),
    ]


def test_a_condition_found_not_met_after_its_deadline_cannot_be_answered_again(
    condition, ngo_admin, director
):
    answer(condition, ngo_admin)
    Condition.objects.filter(pk=condition.pk).update(due_date=in_days(-2))
    decisions.condition_mark_not_met(actor=director, condition=condition, reason="No budget.")
    assert (
        "has passed"
        in Reminder.objects.get(kind="accreditation.condition_verified", recipient=ngo_admin).body
    )
    with pytest.raises(DomainError, match="deadline to answer"):
        answer(condition, ngo_admin)


def test_overdue_means_past_the_deadline_and_waiting_on_the_organisation(
    condition, ngo_admin, director
):
    Condition.objects.filter(pk=condition.pk).update(due_date=in_days(-1))
    condition.refresh_from_db()
    assert condition.is_overdue()
    assert list(Condition.objects.overdue()) == [condition]
    # An answer sent in time is not overdue while the administration verifies it.
    Condition.objects.filter(pk=condition.pk).update(status=Condition.Status.ANSWERED)
    condition.refresh_from_db()
    assert not condition.is_overdue() and not Condition.objects.overdue().exists()
    Condition.objects.filter(pk=condition.pk).update(status=Condition.Status.NOT_MET)
    condition.refresh_from_db()
    assert condition.is_overdue() and Condition.objects.overdue().exists()


def test_the_deadline_reminders_stop_once_the_condition_is_answered(condition, ngo_admin):
    from activity import notify

    notify.remind(
        recipients=[ngo_admin],
        kind="accreditation.condition_due",
        key=notify.reminder_key(condition, "due"),
        subject="Due",
        due_at=timezone.now() + timedelta(days=30),
    )
    answer(condition, ngo_admin)
    assert (
        Reminder.objects.get(kind="accreditation.condition_due").state == Reminder.State.CANCELLED
    )


def test_each_step_of_a_condition_writes_one_entry(condition, ngo_admin, director):
    with written() as answered:
        answer(condition, ngo_admin, uploads=[pdf()])
    with written() as not_met:
        decisions.condition_mark_not_met(actor=director, condition=condition, reason="No budget.")
    with written() as answered_again:
        answer(condition, ngo_admin, note="With a budget.")
    with written() as met:
        decisions.condition_mark_met(actor=director, condition=condition, note="Budget seen.")
    # Each document stored is recorded on its own, as each read of it is.
    assert answered == ["document.uploaded", "condition.answered"]
    assert not_met == ["condition.marked_not_met"]
    assert answered_again == ["condition.answered"]
    assert met == ["condition.met"]


def test_a_condition_met_meanwhile_cannot_be_found_not_met(
    condition, ngo_admin, director, coordinator
):
    answer(condition, ngo_admin)
    on_directors_page = Condition.objects.get(pk=condition.pk)  # still "answered" there
    decisions.condition_mark_met(actor=coordinator, condition=condition, note="Plan received.")
    with (
        written() as entries,
        pytest.raises(DomainError, match="Only a condition the organisation"),
    ):
        decisions.condition_mark_not_met(
            actor=director, condition=on_directors_page, reason="No budget."
        )
    assert entries == []
    condition.refresh_from_db()
    assert condition.is_met and condition.met_by == coordinator
    assert [r.kind for r in condition.responses.all()] == ["answer", "met"]


def test_a_met_condition_has_a_date(condition):
    with pytest.raises(IntegrityError), transaction.atomic():
        Condition.objects.filter(pk=condition.pk).update(status=Condition.Status.MET)


def test_a_response_has_a_note(condition, ngo_admin):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConditionResponse.objects.create(condition=condition, kind="answer", note="", by=ngo_admin)


# Who reads the documents of an answer -----------------------------------------------------------


def test_the_administrations_staff_read_the_documents_of_an_answer(
    condition, ngo_admin, ngo_member, director, coordinator, reviewer, outsider, other_director
):
    document = answer(condition, ngo_admin, uploads=[pdf()]).documents.get()
    for user in (ngo_admin, ngo_member, director, coordinator):
        assert get_document_for_user(user, document.pk) == document
    for user in (reviewer, outsider, other_director):
        with pytest.raises(Http404):
            get_document_for_user(user, document.pk)
