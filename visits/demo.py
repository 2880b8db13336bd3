"""Demo data for visits, made through the services as the people of the demo would make it:

- visiting windows at the Central Penitentiary (Tuesday and Thursday mornings, the days the Local
  Human Rights Centre's MoU allows) and at the Women's Rehabilitation Centre, with caps;
- the entrance protocol of both, published by their visits officers;
- John's and María's requests under the centre's MoU in every state: awaiting Fiona's decision,
  approved, refused, withdrawn, put into review by a closure of the education wing, and one left
  undecided until it expired;
- today at the Central Penitentiary: the centre's visit, John and María briefed, the protocol
  acknowledged and both checked in (María with a search above the default, justified); the
  National Preventive Mechanism's visit, notified this morning with a physician of the centre as
  its expert, held up twenty minutes by the gate (Martha is alerted), Mario inside and a private
  interview recorded; and a visit of the ICRC notified for next week;
- last week's coordination meeting, with its minutes.

Requests cannot be made for a past day or without notice, so what already happened (last week's
meeting, today's visit of the centre, the request that expired) is written as the record it
would be, then carried on through the services. Safe to run again: nothing is added once the
centre has visits.
"""

import zoneinfo
from datetime import date, time, timedelta
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from activity.typing import User
from agreements.models import Agreement, Equipment, Weekday
from directory.models import Area, Facility, Organisation, Person

from .models import (
    Category,
    Purpose,
    SearchLevel,
    Visit,
    VisitingWindow,
    Visitor,
    local_datetime,
    local_today,
)
from .selectors import protocol_in_force
from .services import calendar, gate, meetings, monitoring, protocols, requests
from .services._common import add_visitors

CENTRE = "Local Human Rights Centre"
PENITENTIARY = "Central Penitentiary"
WOMEN = "Women's Rehabilitation Centre"

PROTOCOL = {
    "summary_en": "Every visitor shows the identity document named in the visit and walks "
    "through the metal detector; bags are opened on the table in front of the visitor. The "
    "entrance is where weapons, drugs and telephones are kept out of the prison.",
    "summary_es": "Cada visitante muestra el documento de identidad indicado en la visita y pasa "
    "por el detector de metales; las bolsas se abren sobre la mesa delante de la persona.",
    "may_carry_en": "Teaching materials and the equipment the visit declares. Telephones, "
    "medicines and money stay in the lockers at the gate.",
    "may_carry_es": "Material didáctico y el equipo declarado en la visita. Teléfonos, "
    "medicamentos y dinero se quedan en los casilleros de la entrada.",
    "monitoring_bodies_en": "Members of the National Preventive Mechanism and ICRC delegates "
    "are identified, not searched beyond the metal detector; their papers are never read.",
    "monitoring_bodies_es": "Los miembros del Mecanismo Nacional de Prevención y los delegados "
    "del CICR se identifican y no se registran más allá del detector; nunca se leen sus papeles.",
    "emergency_en": "In an alarm, stay with your escort and follow the green signs to the "
    "assembly point in the main yard. Do not accept anything from a prisoner to carry out.",
    "emergency_es": "Ante una alarma, quédese con su acompañante y siga las señales verdes al "
    "punto de reunión del patio principal. No acepte objetos de internos para sacarlos.",
    "organisation_level": SearchLevel.SCREENING,
    "monitor_level": SearchLevel.IDENTITY,
    "expert_level": SearchLevel.SCREENING,
}
MEASURES = {
    SearchLevel.IDENTITY: (
        "The officer compares the document with the person and the manifest.",
        "To let in only the people the visit names.",
    ),
    SearchLevel.SCREENING: (
        "A walk-through metal detector; bags opened and looked at, not emptied.",
        "To keep weapons and telephones out without touching anyone.",
    ),
    SearchLevel.PAT_DOWN: (
        "A search over clothing by an officer of the same sex, in a screened area.",
        "When the detector is out of order or signals and the cause is not found.",
    ),
    SearchLevel.FULL: (
        "A search in private by two officers of the same sex, never of a monitor.",
        "Only on specific information, approved by the director on duty.",
    ),
}


def _user(username: str) -> User:
    return get_user_model().objects.get(username=username)


def _next(weekday: int, after: date) -> date:
    return after + timedelta(days=(weekday - after.weekday()) % 7 or 7)


def _protocol(facility: Facility, officer: User) -> None:
    if protocol_in_force(facility) is not None:
        return
    draft = protocols.protocol_draft(actor=officer, facility=facility)
    protocols.protocol_update(actor=officer, protocol=draft, data=PROTOCOL)
    for level, (technique, reason) in MEASURES.items():
        protocols.measure_save(
            actor=officer,
            protocol=draft,
            level=level,
            data={"technique_en": technique, "reason_en": reason},
        )
    protocols.protocol_publish(actor=officer, protocol=draft)


def _windows(
    facility: Facility, officer: User, weekdays: list[int], at: tuple[time, time]
) -> list[VisitingWindow]:
    areas = {area.name: area for area in facility.areas.all()}
    made = []
    for weekday in weekdays:
        made.append(
            calendar.window_create(
                actor=officer,
                facility=facility,
                hours=calendar.Hours(
                    weekday=weekday,
                    starts=at[0],
                    ends=at[1],
                    valid_from=local_today(facility) - timedelta(days=60),
                ),
                places=calendar.Places(
                    total=12,
                    areas={areas["Education wing"].pk: 8} if "Education wing" in areas else {},
                    categories={},
                ),
            )
        )
    return made


def _record(
    mou: Agreement,
    facility: Facility,
    day: date,
    people: list[Person],
    requester: User,
    **fields: Any,
) -> Visit:
    """A visit as it stands in the record, for what happened before the demo was loaded."""
    now = timezone.now()
    starts = fields.pop("starts_at", local_datetime(facility, day, time(9, 30)))
    visit = Visit.objects.create(
        administration=facility.administration,
        facility=facility,
        organisation=mou.organisation,
        agreement=mou,
        day=day,
        starts_at=starts,
        ends_at=fields.pop("ends_at", starts + timedelta(hours=2)),
        requested_by=requester,
        requested_at=now - timedelta(days=10),
        decided_at=now - timedelta(days=8),
        **fields,
    )
    visit.areas.set(Area.objects.filter(facility=facility, name="Education wing"))
    add_visitors(visit, people, Category.ORGANISATION)
    return visit


def seed(out: IO[str]) -> None:
    centre = Organisation.objects.get(name=CENTRE)
    if Visit.objects.filter(organisation=centre).exists():
        out.write("Visits: the demo visits are already there.\n")
        return
    penitentiary = Facility.objects.get(name=PENITENTIARY)
    women = Facility.objects.get(name=WOMEN)
    fiona, wanda, gabriel = _user("fiona"), _user("wanda"), _user("gabriel")
    john, maria, mario, ines = _user("john"), _user("maria"), _user("mario"), _user("ines")
    mou = Agreement.objects.signed().get(organisation=centre, facilities=penitentiary)
    john_p = Person.objects.get(full_name="John Representative")
    maria_p = Person.objects.get(full_name="María Member")

    _protocol(penitentiary, fiona)
    _protocol(women, wanda)
    tuesday, thursday = _windows(
        penitentiary, fiona, [Weekday.TUESDAY, Weekday.THURSDAY], (time(9, 30), time(11, 30))
    )
    _windows(women, wanda, [Weekday.MONDAY, Weekday.WEDNESDAY], (time(14, 0), time(16, 0)))

    # Requests in every state, week after week from the first Tuesday far enough ahead.
    today = local_today(penitentiary)
    first = _next(Weekday.TUESDAY, today + timedelta(days=2))
    common: dict[str, Any] = {
        "organisation": centre,
        "agreement": mou,
        "facility": penitentiary,
        "purpose": Purpose.SERVICE,
        "people": [john_p, maria_p],
        "areas": list(Area.objects.filter(facility=penitentiary, name="Education wing")),
        "equipment": [Equipment.TEACHING_MATERIALS],
        "notes": "Legal orientation session: rights at the parole hearing.",
    }
    requests.visit_request(actor=john, window=tuesday, day=first, **common)
    [approved] = requests.visit_request(
        actor=maria, window=thursday, day=first + timedelta(days=2), **common
    )
    requests.visit_approve(actor=fiona, visit=approved)
    [refused] = requests.visit_request(
        actor=john, window=tuesday, day=first + timedelta(weeks=1), **common
    )
    requests.visit_refuse(
        actor=fiona,
        visit=refused,
        reason=Visit.RefusalReason.STAFFING,
        note="Half of the escorts are at the annual training that week.",
    )
    [withdrawn] = requests.visit_request(
        actor=maria, window=thursday, day=first + timedelta(weeks=1, days=2), **common
    )
    requests.visit_withdraw(actor=maria, visit=withdrawn, note="Our lawyer is in court that day.")
    review_day = first + timedelta(weeks=2)
    [reviewed] = requests.visit_request(actor=john, window=tuesday, day=review_day, **common)
    requests.visit_approve(actor=fiona, visit=reviewed)
    calendar.closure_create(
        actor=fiona,
        facility=penitentiary,
        starts_on=review_day,
        ends_on=review_day,
        reason="The classrooms of the education wing are being repainted.",
        area=Area.objects.get(facility=penitentiary, name="Education wing"),
    )
    [expired] = requests.visit_request(
        actor=john, window=tuesday, day=first + timedelta(weeks=3), **common
    )
    # Requested long enough ago that its decision limit has passed undecided.
    Visit.objects.filter(pk=expired.pk).update(decide_by=timezone.now() - timedelta(hours=1))

    # Last week's coordination meeting, and its minutes.
    meeting = _record(
        mou,
        penitentiary,
        today - timedelta(days=7),
        [john_p],
        john,
        purpose=Purpose.COORDINATION,
        status=Visit.Status.APPROVED,
        decided_by=fiona,
    )
    meetings.meeting_write(
        actor=john,
        visit=meeting,
        participants="John Representative (centre); Fiona (visits officer); Carla (coordinator)",
        minutes="The sessions move to the education wing's large room. The centre sends its "
        "session plan a week ahead; the facility names an escort for each Tuesday.",
    )

    # Today at the Central Penitentiary.
    now = timezone.now()
    start_of_day = local_datetime(penitentiary, today, time(0, 0))
    starts = max(now - timedelta(hours=1), start_of_day)
    today_visit = _record(
        mou,
        penitentiary,
        today,
        [john_p, maria_p],
        john,
        status=Visit.Status.APPROVED,
        decided_by=fiona,
        starts_at=starts,
        ends_at=min(now + timedelta(hours=3), start_of_day + timedelta(hours=23, minutes=59)),
        equipment=[Equipment.TEACHING_MATERIALS],
    )
    protocol = protocol_in_force(penitentiary)
    assert protocol is not None
    for person, user in ((john_p, john), (maria_p, maria)):
        gate.briefing_record(actor=gabriel, person=person, facility=penitentiary)
        gate.protocol_acknowledge(actor=user, person=person, protocol=protocol)
    visitors = {v.person_id: v for v in today_visit.visitors.all()}
    gate.visitor_check_in(
        actor=gabriel,
        visitor=visitors[john_p.pk],
        identity_confirmed=True,
        items=[Equipment.TEACHING_MATERIALS],
        items_note="Two boxes of booklets, looked through.",
    )
    gate.visitor_check_in(
        actor=gabriel,
        visitor=visitors[maria_p.pk],
        identity_confirmed=True,
        search_level=SearchLevel.PAT_DOWN,
        search_justification="The metal detector signalled twice and the cause was not found.",
    )

    # The National Preventive Mechanism notifies its visit this morning, with the centre's
    # volunteer physician as its expert; the gate holds it up twenty minutes.
    npm = Organisation.objects.get(name="National Preventive Mechanism of State A")
    mario_p = Person.objects.get(full_name="Mario Monitor")
    doctor = Person.objects.get(full_name="Tomás Doctor")
    areas = list(
        Area.objects.filter(facility=penitentiary, name__in=["Segregation unit", "Health unit"])
    )
    notified = monitoring.visit_notify(
        actor=mario,
        organisation=npm,
        facility=penitentiary,
        day=today,
        starts=min(
            timezone.localtime(now, zoneinfo.ZoneInfo(penitentiary.time_zone)).time(),
            time(23, 0),
        ).replace(second=0, microsecond=0),
        ends=time(23, 59),
        members=[mario_p],
        experts=[doctor],
        roles={doctor.pk: "Medical expert: examines the health unit's records and care"},
        areas=areas,
        notes="Unannounced visit under the mandate of Law 12-2015.",
    )
    monitoring.delay_record(
        actor=gabriel,
        visit=notified,
        minutes=20,
        justification="The count of the segregation unit was in progress.",
    )
    gate.briefing_record(actor=gabriel, person=mario_p, facility=penitentiary)
    gate.protocol_acknowledge(actor=gabriel, person=mario_p, protocol=protocol, on_paper=True)
    mario_visitor = Visitor.objects.get(visit=notified, person=mario_p)
    gate.visitor_check_in(actor=gabriel, visitor=mario_visitor, identity_confirmed=True)
    monitoring.interview_record(actor=mario, visit=notified, held_at=timezone.now(), area=areas[0])

    # The ICRC notifies a visit for next week.
    icrc = Organisation.objects.get(name="ICRC Regional Delegation")
    monitoring.visit_notify(
        actor=ines,
        organisation=icrc,
        facility=penitentiary,
        day=today + timedelta(days=7),
        starts=time(9, 0),
        ends=time(17, 0),
        members=[Person.objects.get(full_name="Inés Delegate")],
        areas=list(penitentiary.areas.all()),
    )
    out.write(
        f"Visits: windows and entrance protocols at {PENITENTIARY} and {WOMEN}; "
        f"{Visit.objects.filter(organisation=centre).count()} visits of the centre in every "
        "state, today's manifest with people inside, a monitoring visit with a delay and an "
        "expert, and one notified by the ICRC.\n"
    )
