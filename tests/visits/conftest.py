"""Fixtures the visits tests share: an MoU in force between the administration and the Local
Human Rights Centre (education in the Central Penitentiary's education wing, on Tuesdays and
Thursdays from 9:00 to 16:00, John named and cleared, teaching materials allowed, the
segregation unit off limits), a Tuesday visiting window of ten places, and the next Tuesday
that the facility's notice rules accept."""

from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest

from accreditation.models import Accreditation
from agreements.models import Agreement, AgreementClause, Clause, ClauseVersion, Equipment, Weekday
from agreements.models import Template as MouTemplate
from directory.models import ActivityType, Area, Person
from tests.accreditation.factories import ClearanceFactory
from tests.agreements.conftest import accredited
from tests.factories import AreaFactory, PersonFactory
from visits.models import VisitingWindow, local_today
from visits.services import requests


@dataclass
class Setting:
    agreement: Agreement
    accreditation: Accreditation
    window: VisitingWindow
    day: date
    wing: Area
    health: Area
    segregation: Area
    john: Person
    education: ActivityType


#: The MoU's clauses that the visit checks name, in order.
CLAUSES = [
    (Clause.Kind.PURPOSE, "Purpose"),
    (Clause.Kind.PEOPLE, "Persons allowed to enter"),
    (Clause.Kind.SCHEDULE, "Days, hours and frequency"),
    (Clause.Kind.ACTIVITIES, "Permitted activities"),
    (Clause.Kind.OFF_LIMITS, "Areas off limits"),
    (Clause.Kind.CONFIDENTIALITY, "Confidentiality"),
    (Clause.Kind.TERM, "Term"),
    (Clause.Kind.TERMINATION, "Suspension and termination"),
]


def next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def signed_mou(world, accreditation: Accreditation, director, people) -> Agreement:
    """An MoU signed and in force, with the clauses the checks name, built directly: how it
    came to be signed is the agreements tests' business."""
    template = MouTemplate.objects.create(administration=world.administration, name="Visits MoU")
    agreement = Agreement.objects.create(
        administration=world.administration,
        organisation=world.organisation,
        template=template,
        title="Education programme",
        language="en",
        status=Agreement.Status.SIGNED,
        reference="MOU-1",
        valid_from=local_today(world.facility) - timedelta(days=30),
        valid_until=local_today(world.facility) + timedelta(days=335),
        weekdays=[Weekday.TUESDAY, Weekday.THURSDAY],
        day_starts=time(9, 0),
        day_ends=time(16, 0),
        visits_per_week=2,
        visits_per_month=8,
        equipment=[Equipment.TEACHING_MATERIALS],
        created_by=director,
    )
    for order, (kind, title) in enumerate(CLAUSES, start=1):
        clause = Clause.objects.create(administration=world.administration, kind=kind, title=title)
        version = ClauseVersion.objects.create(clause=clause, number=1, wording=title)
        AgreementClause.objects.create(
            agreement=agreement, clause_version=version, order=order, wording=title
        )
    agreement.facilities.set([world.facility])
    agreement.people.set(people)
    agreement.activity_types.set(accreditation.decision.application.activity_types.all())
    return agreement


@pytest.fixture
def setting(world, director) -> Setting:
    accreditation = accredited(world)
    wing = Area.objects.get(facility=world.facility, name="Education wing")
    health = AreaFactory.create(facility=world.facility, name="Health unit")
    segregation = AreaFactory.create(facility=world.facility, name="Segregation unit")
    john = Person.objects.get(full_name="John Representative")
    ClearanceFactory(person=john, administration=world.administration, cleared=True)
    agreement = signed_mou(world, accreditation, director, [john])
    agreement.permitted_areas.set([wing])
    agreement.forbidden_areas.set([segregation])
    today = local_today(world.facility)
    window = VisitingWindow.objects.create(
        facility=world.facility,
        weekday=Weekday.TUESDAY,
        starts=time(10, 0),
        ends=time(12, 0),
        valid_from=today - timedelta(days=60),
        places=10,
        created_by=director,
    )
    return Setting(
        agreement=agreement,
        accreditation=accreditation,
        window=window,
        day=next_weekday(today + timedelta(days=3), Weekday.TUESDAY),
        wing=wing,
        health=health,
        segregation=segregation,
        john=john,
        education=ActivityType.objects.get(code=ActivityType.Code.EDUCATION),
    )


def cleared_person(world, setting: Setting, name: str) -> Person:
    """Another person of the organisation, cleared and named in the MoU."""
    person = PersonFactory.create(organisation=world.organisation, full_name=name)
    ClearanceFactory(person=person, administration=world.administration, cleared=True)
    setting.agreement.people.add(person)
    return person


def request(setting: Setting, world, actor, **changes):
    """Request the standard visit: John, in the education wing, next Tuesday, with teaching
    materials; ``changes`` replace any of it."""
    arguments = {
        "actor": actor,
        "organisation": world.organisation,
        "agreement": setting.agreement,
        "facility": world.facility,
        "window": setting.window,
        "day": setting.day,
        "purpose": "service",
        "people": [setting.john],
        "areas": [setting.wing],
        "equipment": [Equipment.TEACHING_MATERIALS],
        "activity_type": setting.education,
    } | changes
    return requests.visit_request(**arguments)
