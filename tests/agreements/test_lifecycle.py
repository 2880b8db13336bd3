"""An MoU after negotiation: withdrawn, terminated, amended; its obligations and end."""

from datetime import timedelta

import pytest

from activity.errors import DomainError
from activity.models import AuditEntry, Reminder
from agreements.models import Agreement, Obligation, Side
from agreements.services import mous as mou_services
from tests.accreditation.factories import today

pytestmark = pytest.mark.django_db


def signed(agreement: Agreement) -> Agreement:
    Agreement.objects.filter(pk=agreement.pk).update(
        status=Agreement.Status.SIGNED,
        valid_from=today(),
        valid_until=today() + timedelta(days=365),
    )
    agreement.refresh_from_db()
    return agreement


def test_a_draft_can_be_withdrawn_and_then_changes_no_more(draft, director):
    mou_services.agreement_withdraw(actor=director, agreement=draft, reason="Plans changed.")
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.WITHDRAWN
    assert draft.status_reason == "Plans changed."
    with pytest.raises(DomainError, match="can no longer change"):
        mou_services.agreement_share(actor=director, agreement=draft)


def test_a_signed_mou_cannot_be_withdrawn(draft, director):
    mou = signed(draft)
    with pytest.raises(DomainError, match="cannot change from “Signed” to “Withdrawn”"):
        mou_services.agreement_withdraw(actor=director, agreement=mou, reason="No.")


def test_a_signed_mou_is_terminated_with_its_reason_and_its_reminders_stop(
    draft, director, ngo_admin
):
    mou = signed(draft)
    mou_services.remind_expiry(mou)
    assert Reminder.objects.filter(kind="agreements.expiring", state="pending").count() == 6
    mou_services.agreement_terminate(actor=ngo_admin, agreement=mou, reason="Funding ended.")
    mou.refresh_from_db()
    assert mou.status == Agreement.Status.TERMINATED
    assert not Reminder.objects.filter(kind="agreements.expiring", state="pending").exists()
    assert AuditEntry.objects.filter(action="agreement.terminated").count() == 1


def test_an_amendment_copies_the_signed_text_and_terms_and_only_one_at_a_time(
    draft, world, director, john
):
    draft.people.set([john])
    mou = signed(draft)
    clause = mou.clauses.get(clause_version__clause__kind="fundraising")
    clause.wording = "Negotiated wording."
    clause.save()
    amendment = mou_services.agreement_amend(
        actor=director, agreement=mou, side=Side.ADMINISTRATION
    )
    assert amendment.status == Agreement.Status.DRAFT
    assert amendment.supersedes == mou
    assert list(amendment.people.all()) == [john]
    assert amendment.clauses.get(clause_version__clause__kind="fundraising").wording == (
        "Negotiated wording."
    )
    with pytest.raises(DomainError, match="already being negotiated"):
        mou_services.agreement_amend(actor=director, agreement=mou, side=Side.ADMINISTRATION)


def test_an_obligation_is_reminded_before_it_is_due_and_overdue_and_stops_when_met(
    draft, director, ngo_admin
):
    mou = signed(draft)
    obligation = mou_services.obligation_add(
        actor=director,
        agreement=mou,
        kind=Obligation.Kind.CONTINUITY_PLAN,
        side=Side.ORGANISATION,
        title="Continuity plan",
        due_date=today() + timedelta(days=20),
    )
    pending = Reminder.objects.filter(state="pending", recipient=ngo_admin)
    assert sorted(r.kind for r in pending) == [
        "agreements.obligation_due",
        "agreements.obligation_due",
        "agreements.obligation_overdue",
    ]
    mou_services.obligation_fulfil(actor=ngo_admin, obligation=obligation, note="Plan sent.")
    assert not Reminder.objects.filter(state="pending", recipient=ngo_admin).exists()
    with pytest.raises(DomainError, match="already met"):
        mou_services.obligation_fulfil(actor=ngo_admin, obligation=obligation, note="Again.")
