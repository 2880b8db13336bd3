"""What a change of an MoU causes in later modules, through ``agreements.effects``: the
services publish the change (termination, supersession by a signed amendment, a signed people
annex with the people it removes), and visits puts the future visits the change affects into
review. Each path runs end to end through the real services."""

from collections.abc import Iterator
from datetime import time, timedelta

import pytest

from activity.models import AuditEntry, Reminder
from agreements import effects
from agreements.models import Agreement, PeopleAnnex, Side
from agreements.services import annexes as annex_services
from agreements.services import mous as mou_services
from directory.models import Person
from tests.accreditation.factories import ClearanceFactory
from tests.factories import PersonFactory
from visits.models import Visit, VisitingWindow, local_today
from visits.services import requests as request_services

from .conftest import ready_to_sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def published() -> Iterator[list[effects.AgreementChange]]:
    """Every change published, beside the handlers already subscribed."""
    seen: list[effects.AgreementChange] = []
    effects.subscribe(seen.append)
    yield seen
    effects.unsubscribe(seen.append)


@pytest.fixture
def mou(signed_mou) -> Agreement:
    return signed_mou.agreement


@pytest.fixture
def maria(world, mou) -> Person:
    """María, cleared, not named in the MoU."""
    person = PersonFactory.create(organisation=world.organisation, full_name="María Member")
    ClearanceFactory(person=person, administration=world.administration, cleared=True)
    return person


@pytest.fixture
def monday_window(world, director) -> VisitingWindow:
    """A Monday window (the MoU allows Mondays and Wednesdays, 9:00 to 16:00)."""
    return VisitingWindow.objects.create(
        facility=world.facility,
        weekday=0,
        starts=time(10, 0),
        ends=time(12, 0),
        valid_from=local_today(world.facility) - timedelta(days=7),
        places=10,
        created_by=director,
    )


def next_monday(world, weeks: int = 0):
    start = local_today(world.facility) + timedelta(days=3)
    return start + timedelta(days=(0 - start.weekday()) % 7, weeks=weeks)


def request_visit(world, mou, window, actor, people, weeks: int = 0) -> Visit:
    [visit] = request_services.visit_request(
        actor=actor,
        organisation=world.organisation,
        agreement=mou,
        facility=world.facility,
        window=window,
        day=next_monday(world, weeks),
        purpose="service",
        people=people,
    )
    return visit


def test_subscribers_receive_what_is_published_until_they_unsubscribe(monkeypatch):
    monkeypatch.setattr(effects._changes, "_handlers", [])  # without the apps' own subscribers
    seen: list[effects.AgreementChange] = []
    change = effects.AgreementChange(
        agreement_id=1,
        administration_id=2,
        organisation_id=3,
        kind=effects.Kind.TERMINATED,
        reason="Ended",
        people_removed=(),
        actor_id=None,
    )
    effects.subscribe(seen.append)
    effects.subscribe(seen.append)  # once only
    effects.publish(change)
    effects.unsubscribe(seen.append)
    effects.publish(change)

    assert seen == [change]


def test_a_terminated_mou_puts_its_future_visits_into_review(
    world, mou, monday_window, director, ngo_admin, john, published
):
    visit = request_visit(world, mou, monday_window, ngo_admin, [john])

    mou_services.agreement_terminate(actor=director, agreement=mou, reason="Funding ended")

    assert [(c.kind, c.agreement_id, c.reason) for c in published] == [
        (effects.Kind.TERMINATED, mou.pk, "Funding ended")
    ]
    visit.refresh_from_db()
    assert visit.status == Visit.Status.IN_REVIEW
    assert "terminated: Funding ended" in visit.review_reason
    assert Reminder.objects.filter(
        kind="visits.in_review", recipient=ngo_admin, key__contains=f"visit:{visit.pk}"
    ).exists()
    entry = AuditEntry.objects.get(action="visit.put_in_review", object_id=str(visit.pk))
    assert entry.actor == director


def test_the_visits_of_an_amended_mou_go_on_under_the_amendment(
    world, mou, monday_window, director, ngo_admin, signatory, signing, john, published
):
    visit = request_visit(world, mou, monday_window, ngo_admin, [john])
    amendment = mou_services.agreement_amend(
        actor=director, agreement=mou, side=Side.ADMINISTRATION
    )
    amendment = ready_to_sign(amendment, world, director, ngo_admin, john)

    signing(director, amendment, Side.ADMINISTRATION)
    visit.refresh_from_db()
    assert visit.agreement_id == mou.pk  # certified only: the MoU still stands

    signing(signatory, amendment, Side.ORGANISATION)

    assert [(c.kind, c.agreement_id) for c in published] == [(effects.Kind.SUPERSEDED, mou.pk)]
    visit.refresh_from_db()
    assert (visit.agreement_id, visit.status) == (amendment.pk, Visit.Status.REQUESTED)
    assert AuditEntry.objects.filter(
        action="visit.moved_to_amendment", object_id=str(visit.pk)
    ).exists()
    request_services.visit_approve(actor=director, visit=visit)


def test_a_visit_the_amendment_no_longer_allows_goes_into_review(
    world, mou, monday_window, director, ngo_admin, signatory, signing, john
):
    visit = request_visit(world, mou, monday_window, ngo_admin, [john])
    amendment = mou_services.agreement_amend(
        actor=director, agreement=mou, side=Side.ADMINISTRATION
    )
    # The amendment keeps Wednesdays only.
    amendment = ready_to_sign(amendment, world, director, ngo_admin, john, weekdays=[2])

    signing(director, amendment, Side.ADMINISTRATION)
    signing(signatory, amendment, Side.ORGANISATION)

    visit.refresh_from_db()
    assert (visit.agreement_id, visit.status) == (amendment.pk, Visit.Status.IN_REVIEW)
    assert "does not allow visits on Monday" in visit.review_reason


def test_a_signed_annex_reviews_only_the_visits_naming_a_person_it_removes(
    world,
    mou,
    monday_window,
    director,
    ngo_admin,
    signatory,
    john,
    maria,
    published,
    django_capture_on_commit_callbacks,
):
    with_john = request_visit(world, mou, monday_window, ngo_admin, [john])
    annex = annex_services.annex_draft(
        actor=ngo_admin, agreement=mou, side=Side.ORGANISATION, added=[maria], removed=[john]
    )
    with django_capture_on_commit_callbacks(execute=True):
        annex_services.annex_sign(actor=director, annex=annex, side=Side.ADMINISTRATION)
    assert published == []  # certified only: John still enters
    with django_capture_on_commit_callbacks(execute=True):
        annex_services.annex_sign(actor=signatory, annex=annex, side=Side.ORGANISATION)
    # María, now allowed in, is booked after the annex: her visit stands.
    with_maria = request_visit(world, mou, monday_window, ngo_admin, [maria], weeks=1)

    annex.refresh_from_db()
    assert annex.status == PeopleAnnex.Status.SIGNED
    assert [(c.kind, c.people_removed) for c in published] == [
        (effects.Kind.ANNEX_SIGNED, (john.pk,))
    ]
    with_john.refresh_from_db()
    with_maria.refresh_from_db()
    assert with_john.status == Visit.Status.IN_REVIEW
    assert "no longer allows in: John Representative" in with_john.review_reason
    assert with_maria.status == Visit.Status.REQUESTED


def test_an_annex_that_only_adds_people_reviews_nothing(
    world,
    mou,
    monday_window,
    director,
    ngo_admin,
    signatory,
    john,
    maria,
    django_capture_on_commit_callbacks,
):
    visit = request_visit(world, mou, monday_window, ngo_admin, [john])
    annex = annex_services.annex_draft(
        actor=ngo_admin, agreement=mou, side=Side.ORGANISATION, added=[maria]
    )
    for actor, side in ((director, Side.ADMINISTRATION), (signatory, Side.ORGANISATION)):
        with django_capture_on_commit_callbacks(execute=True):
            annex_services.annex_sign(actor=actor, annex=annex, side=side)

    visit.refresh_from_db()
    assert visit.status == Visit.Status.REQUESTED
    assert not AuditEntry.objects.filter(action="visit.put_in_review").exists()
