"""Fixtures the recommendations tests share: the Local Human Rights Centre visited the Central
Penitentiary's education wing three days ago under its MoU in force (30 days to respond to a
report), and writes the report of that visit: one good practice, one concern, and two
recommendations."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from agreements.models import Agreement
from directory.models import Area, Person
from recommendations.models import Finding, Priority, Recommendation, Report, Theme
from recommendations.services import reports as report_services
from tests.accreditation.factories import ClearanceFactory
from tests.agreements.conftest import accredited
from tests.visits.conftest import signed_mou
from visits.models import Purpose, Visit, local_today


@dataclass
class Scene:
    agreement: Agreement
    visit: Visit
    wing: Area
    john: Person


def past_visit(world, agreement: Agreement, requester, *, days_ago: int = 3, **fields) -> Visit:
    """An approved visit that took place, built directly: how it was requested and approved
    is the visits tests' business."""
    day = local_today(world.facility) - timedelta(days=days_ago)
    starts = timezone.now() - timedelta(days=days_ago)
    values = {
        "administration": world.administration,
        "facility": world.facility,
        "organisation": world.organisation,
        "agreement": agreement,
        "purpose": Purpose.SERVICE,
        "day": day,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "status": Visit.Status.APPROVED,
        "requested_by": requester,
    }
    values.update(fields)
    return Visit.objects.create(**values)


@pytest.fixture
def scene(world, director, ngo_admin) -> Scene:
    john = Person.objects.get(full_name="John Representative")
    ClearanceFactory(person=john, administration=world.administration, cleared=True)
    agreement = signed_mou(world, accredited(world), director, [john])
    wing = Area.objects.get(facility=world.facility, name="Education wing")
    return Scene(agreement, past_visit(world, agreement, ngo_admin), wing, john)


def write_report(scene: Scene, author, *, recommendations: int = 2) -> Report:
    report = report_services.report_create(
        actor=author, visit=scene.visit, title="Visit to the education wing"
    )
    report_services.finding_add(
        actor=author,
        report=report,
        kind=Finding.Kind.GOOD_PRACTICE,
        text="Teachers and guards plan the classes together.",
    )
    report_services.finding_add(
        actor=author,
        report=report,
        kind=Finding.Kind.CONCERN,
        text="Classes are cancelled when the wing is short of staff.",
        evidence="Timetable of the last month: 9 of 20 classes cancelled.",
    )
    for number in range(1, recommendations + 1):
        report_services.recommendation_add(
            actor=author,
            report=report,
            text=f"Recommendation {number}: keep classes running when staff are short.",
            theme=Theme.ACTIVITIES,
            priority=Priority.HIGH,
            area=scene.wing,
            standards=["mandela:104-105"],
        )
    return report


@pytest.fixture
def draft(scene, ngo_admin) -> Report:
    return write_report(scene, ngo_admin)


@pytest.fixture
def submitted(draft, ngo_admin) -> Report:
    return report_services.report_submit(actor=ngo_admin, report=draft)


@pytest.fixture
def recommendation(submitted) -> Recommendation:
    return submitted.recommendations.order_by("number").first()
