"""Signing in order: the administration certifies first, an authorised signatory of the
organisation countersigns; nobody signs twice or out of turn."""

import threading

import pytest
from django.db import connection

from activity.errors import DomainError
from activity.models import Reminder
from agreements.models import Agreement, Side, Signature
from agreements.services import mous as mou_services
from agreements.services import signing as signing_services
from directory.models import Role
from directory.services import membership_grant
from tests.factories import UserFactory

from .conftest import ready_to_sign

pytestmark = pytest.mark.django_db


def test_the_administration_certifies_first_then_the_signatory_countersigns(
    agreed, director, signatory, signing
):
    with pytest.raises(DomainError, match="administration signs first"):
        signing_services.agreement_sign(actor=signatory, agreement=agreed, side=Side.ORGANISATION)
    signing(director, agreed, Side.ADMINISTRATION)
    agreed.refresh_from_db()
    assert agreed.status == Agreement.Status.CERTIFIED
    awaited = Reminder.objects.filter(kind="agreements.signature_awaited", recipient=signatory)
    assert awaited.count() == 1
    signing_services.agreement_sign(actor=signatory, agreement=agreed, side=Side.ORGANISATION)
    agreed.refresh_from_db()
    assert agreed.status == Agreement.Status.SIGNED
    assert agreed.reference.startswith(f"MOU/{agreed.administration_id}/")
    assert not Reminder.objects.filter(
        kind__startswith="agreements.signature", state="pending"
    ).exists()
    assert Reminder.objects.filter(kind="agreements.expiring").exists()


def test_nobody_signs_twice(agreed, director, signatory, signing):
    signing(director, agreed, Side.ADMINISTRATION)
    with pytest.raises(DomainError):
        signing_services.agreement_sign(actor=director, agreement=agreed, side=Side.ADMINISTRATION)
    signing_services.agreement_sign(actor=signatory, agreement=agreed, side=Side.ORGANISATION)
    with pytest.raises(DomainError, match="nothing to sign"):
        signing_services.agreement_sign(actor=signatory, agreement=agreed, side=Side.ORGANISATION)
    assert Signature.objects.count() == 2


def test_only_an_authorised_signatory_of_the_organisation_countersigns(
    agreed, world, director, ngo_admin, outsider
):
    signing_services.agreement_sign(actor=director, agreement=agreed, side=Side.ADMINISTRATION)
    with pytest.raises(DomainError, match="authorised signatory"):
        signing_services.agreement_sign(actor=ngo_admin, agreement=agreed, side=Side.ORGANISATION)
    # A signatory of another organisation is not one of this organisation's.
    signing_services.signatory_authorise(
        actor=outsider, organisation=world.other_organisation, user=outsider
    )
    with pytest.raises(DomainError, match="authorised signatory"):
        signing_services.agreement_sign(actor=outsider, agreement=agreed, side=Side.ORGANISATION)


def test_signing_waits_for_both_approvals(draft, world, director, ngo_admin, john):
    agreed = ready_to_sign(draft, world, director, ngo_admin, john)
    agreed.approvals.filter(side=Side.ORGANISATION).delete()
    with pytest.raises(DomainError, match="Both sides must approve"):
        signing_services.agreement_sign(actor=director, agreement=agreed, side=Side.ADMINISTRATION)


def test_a_signed_amendment_supersedes_the_mou(
    agreed, world, director, ngo_admin, signatory, john, signing
):
    signing(director, agreed, Side.ADMINISTRATION)
    signing_services.agreement_sign(actor=signatory, agreement=agreed, side=Side.ORGANISATION)
    amendment = mou_services.agreement_amend(
        actor=director, agreement=agreed, side=Side.ADMINISTRATION
    )
    amendment = ready_to_sign(amendment, world, director, ngo_admin, john)
    signing(director, amendment, Side.ADMINISTRATION)
    signing_services.agreement_sign(actor=signatory, agreement=amendment, side=Side.ORGANISATION)
    agreed.refresh_from_db()
    assert agreed.status == Agreement.Status.SUPERSEDED
    assert amendment.reference != agreed.reference


@pytest.mark.django_db(transaction=True)
def test_two_directors_racing_to_certify_make_one_signature(
    draft, world, director, ngo_admin, john
):
    agreed = ready_to_sign(draft, world, director, ngo_admin, john)
    deputy = UserFactory(username="diego")
    membership_grant(actor=None, user=deputy, role=Role.DIRECTOR, scope=world.administration)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def sign(user) -> None:
        barrier.wait()
        try:
            signing_services.agreement_sign(actor=user, agreement=agreed, side=Side.ADMINISTRATION)
            outcomes.append("signed")
        except DomainError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(user,)) for user in (director, deputy)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "signed"]
    assert Signature.objects.filter(agreement=agreed).count() == 1
