"""What the gate tests share: the clock held at noon at the facility, a published entrance
protocol, and visits of today built directly (how a visit comes to be approved or notified is
the requests' and the monitoring tests' business)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from accreditation.models import FormalMechanism
from agreements.models import Equipment
from directory.models import Facility, Organisation, Person
from tests.accreditation.factories import ClearanceFactory, FormalMechanismFactory
from tests.factories import OrganisationFactory, PersonFactory
from visits.models import (
    Category,
    EntranceProtocol,
    ProtocolMeasure,
    SearchLevel,
    Visit,
    Visitor,
    local_datetime,
    local_today,
)
from visits.services import gate

from .conftest import Setting


def hold_clock(monkeypatch, facility: Facility, at: time) -> datetime:
    """Stop the clock at ``at`` today at the facility."""
    now = local_datetime(facility, local_today(facility), at)
    monkeypatch.setattr(timezone, "now", lambda: now)
    return now


def publish_protocol(facility: Facility, director, version: int = 1) -> EntranceProtocol:
    protocol = EntranceProtocol.objects.create(
        facility=facility,
        version=version,
        summary=f"Version {version}: every visitor passes the metal detector.",
        may_carry="Teaching materials declared on the visit.",
        monitoring_bodies="Confidential papers of monitors are never read.",
        emergency="Follow the escort to the assembly point when the alarm sounds.",
        organisation_level=SearchLevel.SCREENING,
        monitor_level=SearchLevel.IDENTITY,
        expert_level=SearchLevel.SCREENING,
        created_by=director,
        published_by=director,
        published_at=timezone.now(),
    )
    for level in SearchLevel:
        ProtocolMeasure.objects.create(
            protocol=protocol, level=level, technique=f"{level.label} done", reason="Safety"
        )
    return protocol


def visit_on(
    world,
    director,
    day: date,
    people: list[Person],
    *,
    agreement=None,
    organisation: Organisation | None = None,
    monitoring: bool = False,
    status: str = Visit.Status.APPROVED,
    category: str = Category.ORGANISATION,
    starts: time = time(10, 0),
    ends: time = time(16, 0),
) -> Visit:
    visit = Visit.objects.create(
        administration=world.administration,
        facility=world.facility,
        organisation=organisation or world.organisation,
        agreement=agreement,
        purpose="monitoring" if monitoring else "service",
        monitoring=monitoring,
        day=day,
        starts_at=local_datetime(world.facility, day, starts),
        ends_at=local_datetime(world.facility, day, ends),
        equipment=[] if monitoring else [Equipment.TEACHING_MATERIALS],
        status=status,
        requested_by=director,
    )
    for person in people:
        Visitor.objects.create(
            visit=visit, person=person, category=category, pass_code=Visitor.new_pass_code()
        )
    return visit


@dataclass
class GateDay:
    now: datetime
    protocol: EntranceProtocol
    visit: Visit
    visitor: Visitor


def gate_day(monkeypatch, world, setting: Setting, director) -> GateDay:
    """Noon at the Central Penitentiary; its protocol version 1 in force; John's approved
    visit under the MoU today from 10:00 to 16:00, with teaching materials declared."""
    now = hold_clock(monkeypatch, world.facility, time(12, 0))
    protocol = publish_protocol(world.facility, director)
    visit = visit_on(
        world, director, local_today(world.facility), [setting.john], agreement=setting.agreement
    )
    visit.areas.set([setting.wing])
    return GateDay(now, protocol, visit, visit.visitors.get())


def make_ready(visitor: Visitor, protocol: EntranceProtocol, staff) -> None:
    """Briefed at the facility and the protocol signed on paper."""
    gate.briefing_record(actor=staff, person=visitor.person, facility=visitor.visit.facility)
    gate.protocol_acknowledge(actor=staff, person=visitor.person, protocol=protocol, on_paper=True)


def npm_with_member(world, director, name: str = "Nadia Monitor") -> tuple[Organisation, Person]:
    """A National Preventive Mechanism registered with the administration, its mandate in
    force, with one member."""
    npm = OrganisationFactory.create(
        name="National Preventive Mechanism", kind=Organisation.Kind.NPM
    )
    member = PersonFactory.create(organisation=npm, full_name=name)
    mechanism: FormalMechanism = FormalMechanismFactory.create(
        organisation=npm,
        administration=world.administration,
        valid_from=local_today(world.facility) - timedelta(days=100),
        members=[member],
    )
    assert mechanism.is_in_force(local_today(world.facility))
    return npm, member


def url(name: str, *args) -> str:
    return reverse(f"visits:{name}", args=args)


def checked_in(day: GateDay, gate_officer, **changes) -> Visitor:
    """John made ready and checked in (now, unless ``at`` is among the changes)."""
    make_ready(day.visitor, day.protocol, gate_officer)
    arguments = {"actor": gate_officer, "visitor": day.visitor, "identity_confirmed": True}
    return gate.visitor_check_in(**(arguments | changes))


def more_people(world, setting: Setting, count: int) -> list[Person]:
    """People of the organisation, each cleared: rows for the query counts."""
    people = []
    for n in range(count):
        person = PersonFactory.create(organisation=world.organisation, full_name=f"Person {n:02d}")
        ClearanceFactory(person=person, administration=world.administration, cleared=True)
        people.append(person)
    return people
