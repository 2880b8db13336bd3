"""The last places of a window are never given twice: requests for the same date queue on the
date's lock on PostgreSQL, however many arrive at once."""

import threading

import pytest
from django.db import connection

from accreditation.models import Clearance
from activity.errors import DomainError
from directory.models import Person
from visits.models import Visit, Visitor

from .conftest import request

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTS = 50
PLACES = 10


def test_fifty_simultaneous_requests_for_ten_places_admit_exactly_ten(setting, world, ngo_member):
    setting.window.places = PLACES
    setting.window.save()
    setting.agreement.visits_per_week = 100
    setting.agreement.visits_per_month = 100
    setting.agreement.save()
    people = Person.objects.bulk_create(
        Person(
            organisation=world.organisation,
            full_name=f"Volunteer {n:02}",
            document_type=Person.DocumentType.NATIONAL_ID,
            document_number=f"V-{n:04}",
            nationality="State A",
        )
        for n in range(REQUESTS)
    )
    clearance = Clearance.objects.get(person=setting.john)
    Clearance.objects.bulk_create(
        Clearance(
            person=person,
            administration=world.administration,
            status=Clearance.Status.CLEARED,
            valid_from=clearance.valid_from,
            valid_until=clearance.valid_until,
        )
        for person in people
    )
    setting.agreement.people.add(*people)

    start = threading.Barrier(REQUESTS, timeout=30)
    admitted: list[int] = []
    refused: list[str] = []
    failed: list[BaseException] = []

    def ask(person: Person) -> None:
        try:
            start.wait()
            [visit] = request(setting, world, ngo_member, people=[person])
            admitted.append(visit.pk)
        except DomainError as error:
            refused.append(error.message)
        except BaseException as error:
            failed.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failed == []
    assert len(admitted) == PLACES
    assert len(refused) == REQUESTS - PLACES
    assert all("0 places are left" in message for message in refused)
    booked = Visitor.objects.filter(visit__window=setting.window, visit__day=setting.day)
    assert booked.count() == PLACES
    assert Visit.objects.count() == PLACES
