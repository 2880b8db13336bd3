"""Later modules learn of a suspension, revocation or reinstatement through the typed registry
in accreditation.effects, inside the same transaction."""

import pytest

from accreditation import effects
from accreditation.models import Accreditation
from accreditation.services import decisions
from tests.accreditation.factories import AccreditationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    changes: list[effects.StatusChange] = []
    effects.subscribe(changes.append)
    yield changes
    effects.unsubscribe(changes.append)


def test_a_suspension_is_told_to_subscribers_once_with_who_and_why(world, director, received):
    accreditation = AccreditationFactory(
        decision__application__organisation=world.organisation,
        decision__application__framework__administration=world.administration,
    )
    decisions.accreditation_suspend(actor=director, accreditation=accreditation, reason="Incident")
    assert received == [
        effects.StatusChange(
            accreditation_id=accreditation.pk,
            organisation_id=world.organisation.pk,
            administration_id=world.administration.pk,
            previous_status=Accreditation.Status.ACTIVE,
            status=Accreditation.Status.SUSPENDED,
            reason="Incident",
            actor_id=director.pk,
        )
    ]


def test_revocation_and_reinstatement_are_told_too(world, director, received):
    accreditation = AccreditationFactory(
        decision__application__framework__administration=world.administration
    )
    decisions.accreditation_suspend(actor=director, accreditation=accreditation, reason="Incident")
    accreditation.refresh_from_db()
    decisions.accreditation_reinstate(actor=director, accreditation=accreditation, reason="Cleared")
    accreditation.refresh_from_db()
    decisions.accreditation_revoke(actor=director, accreditation=accreditation, reason="Fraud")
    assert [c.status for c in received] == ["suspended", "active", "revoked"]


def test_a_failing_subscriber_rolls_the_change_back(world, director):
    accreditation = AccreditationFactory(
        decision__application__framework__administration=world.administration
    )

    def refuse(change: effects.StatusChange) -> None:
        raise RuntimeError("the agreements could not be suspended")

    effects.subscribe(refuse)
    try:
        with pytest.raises(RuntimeError):
            decisions.accreditation_suspend(
                actor=director, accreditation=accreditation, reason="Incident"
            )
    finally:
        effects.unsubscribe(refuse)
    accreditation.refresh_from_db()
    assert accreditation.status == Accreditation.Status.ACTIVE
