"""Signing in order: the administration certifies first, an authorised signatory of the
organisation countersigns; nobody signs twice or out of turn."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from activity.errors import DomainError
from activity.models import Reminder
from agreements import services
from agreements.models import Agreement, Side, Signature
from directory.models import Role
from directory.services import membership_grant
from tests.accreditation.factories import today
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def ready_to_sign(agreement, world, director, ngo_admin, john) -> Agreement:
    services.agreement_share(actor=director, agreement=agreement)
    services.agreement_set_terms(
        actor=director,
        agreement=agreement,
        terms=services.Terms(
            valid_from=today(),
            valid_until=today() + timedelta(days=365),
            facilities=[world.facility],
            permitted_areas=[],
            forbidden_areas=[],
            people=[john],
            activity_types=list(agreement.activity_types.all()),
            weekdays=[0, 2],
            day_starts=agreement.day_starts,
            day_ends=agreement.day_ends,
            visits_per_week=2,
            visits_per_month=8,
        ),
    )
    for clause in agreement.clauses.all():
        for actor, side in ((director, Side.ADMINISTRATION), (ngo_admin, Side.ORGANISATION)):
            services.clause_take_position(actor=actor, clause=clause, side=side, position="agreed")
    services.agreement_agree(actor=director, agreement=agreement)
    services.agreement_approve(actor=director, agreement=agreement, side=Side.ADMINISTRATION)
    services.agreement_approve(actor=ngo_admin, agreement=agreement, side=Side.ORGANISATION)
    agreement.refresh_from_db()
    return agreement


@pytest.fixture
def agreed(draft, world, director, ngo_admin, john) -> Agreement:
    return ready_to_sign(draft, world, director, ngo_admin, john)


@pytest.fixture
def signatory(world, ngo_admin):
    services.signatory_authorise(actor=ngo_admin, organisation=world.organisation, user=ngo_admin)
    return ngo_admin


def test_the_administration_certifies_first_then_the_signatory_countersigns(
    agreed, director, signatory
):
    with pytest.raises(DomainError, match="administration signs first"):
        services.agreement_sign(actor=signatory, agreement=agreed, side=Side.ORGANISATION)
    services.agreement_sign(actor=director, agreement=agreed, side=Side.ADMINISTRATION)
    agreed.refresh_from_db()
    assert agreed.status == Agreement.Status.CERTIFIED
    awaited = Reminder.objects.filter(kind="agreements.signature_awaited", recipient=signatory)
    assert awaited.count() == 1
    services.agreement_sign(actor=signatory, agreement=agreed, side=Side.ORGANISATION)
    agreed.refresh_from_db()
    assert agreed.status == Agreement.Status.SIGNED
    assert agreed.reference.startswith(f"MOU/{agreed.administration_id}/")
    assert not Reminder.objects.filter(
        kind__startswith="agreements.signature", state="pending"
    ).exists()
    assert Reminder.objects.filter(kind="agreements.expiring").exists()


def test_nobody_signs_twice(agreed, director, signatory):
    services.agreement_sign(actor=director, agreement=agreed, side=Side.ADMINISTRATION)
    with pytest.raises(DomainError):
        services.agreement_sign(actor=director, agreement=agreed, side=Side.ADMINISTRATION)
    services.agreement_sign(actor=signatory, agreement=agreed, side=Side.ORGANISATION)
    with pytest.raises(DomainError, match="nothing to sign"):
        services.agreement_sign(actor=signatory, agreement=agreed, side=Side.ORGANISATION)
    assert Signature.objects.count() == 2


def test_only_an_authorised_signatory_of_the_organisation_countersigns(
    agreed, world, director, ngo_admin, outsider
):
    services.agreement_sign(actor=director, agreement=agreed, side=Side.ADMINISTRATION)
    with pytest.raises(DomainError, match="authorised signatory"):
        services.agreement_sign(actor=ngo_admin, agreement=agreed, side=Side.ORGANISATION)
    # A signatory of another organisation is not one of this organisation's.
    services.signatory_authorise(
        actor=outsider, organisation=world.other_organisation, user=outsider
    )
    with pytest.raises(DomainError, match="authorised signatory"):
        services.agreement_sign(actor=outsider, agreement=agreed, side=Side.ORGANISATION)


def test_signing_waits_for_both_approvals(draft, world, director, ngo_admin, john):
    agreed = ready_to_sign(draft, world, director, ngo_admin, john)
    agreed.approvals.filter(side=Side.ORGANISATION).delete()
    with pytest.raises(DomainError, match="Both sides must approve"):
        services.agreement_sign(actor=director, agreement=agreed, side=Side.ADMINISTRATION)


def test_a_signed_amendment_supersedes_the_mou(agreed, world, director, ngo_admin, signatory, john):
    services.agreement_sign(actor=director, agreement=agreed, side=Side.ADMINISTRATION)
    services.agreement_sign(actor=signatory, agreement=agreed, side=Side.ORGANISATION)
    amendment = services.agreement_amend(actor=director, agreement=agreed, side=Side.ADMINISTRATION)
    amendment = ready_to_sign(amendment, world, director, ngo_admin, john)
    services.agreement_sign(actor=director, agreement=amendment, side=Side.ADMINISTRATION)
    services.agreement_sign(actor=signatory, agreement=amendment, side=Side.ORGANISATION)
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
            services.agreement_sign(actor=user, agreement=agreed, side=Side.ADMINISTRATION)
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
