"""Demo data for recommendations, made through the services as the people of the demo would make
it, at the Central Penitentiary:

- the Local Human Rights Centre's report on the health unit and the kitchen, answered in full by
  Martha (accepted, partly accepted, rejected with reasons), published with her agreement and
  with a detainee's name and prisoner number taken out;
- its report on the segregation unit, which nobody answered: its response window closed and the
  embargo lifted by itself (the sweep the beat runs);
- its report on the education wing and the workshops, within its window, answered in part by
  Martha, one of its recommendations repeating an earlier one;
- María's draft on the legal orientation sessions;
- the National Preventive Mechanism's report of an unannounced visit, kept under its mandate;
- the plan of action: Carla plans actions, each given to Óscar, the responsible official, who
  posts progress; one is completed, one cancelled, one overdue;
- the centre's follow-up visit two days ago, its checklist pre-filled with the open
  recommendations and the results John recorded.

Visits that took place cannot be requested, so they are written as the record they would be, as
the visits demo does. Two dates are moved back, because no service makes a date in the past:
the segregation report's submission (45 days ago, so that its 30-day window has closed; the
notices of the window's end it scheduled are withdrawn) and the overdue action's due date.
Everything else, the embargo lifted by the sweep included, runs through the services. Safe to
run again: nothing is added once the centre has reports.
"""

from datetime import date, time, timedelta
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from activity import notify
from activity.typing import User
from agreements.models import Agreement
from directory.models import Area, Facility, Organisation, Person
from visits import effects as visit_effects
from visits.models import Category, Purpose, Visit, Visitor, local_datetime, local_today

from . import reminders
from .models import Action, Effort, Finding, Priority, Recommendation, Report, Theme
from .services import followup, plan, publication, reports, window

CENTRE = "Local Human Rights Centre"
MECHANISM = "National Preventive Mechanism of State A"
PENITENTIARY = "Central Penitentiary"

PUBLISHED = "Health care and food at the Central Penitentiary"
RELEASED = "Discipline and the segregation unit"
ANSWERING = "Education and workshops: classes, pay and complaints"
DRAFT = "Legal orientation sessions: preparing for the parole hearing"
MANDATE = "Unannounced visit to the segregation and health units"

#: What the published report names and its public version must not.
DETAINEE = "Luis Ortega Ramírez"
PRISONER_NUMBER = "CP/4471208"

Rec = dict[str, Any]


def _user(username: str) -> User:
    return get_user_model().objects.get(username=username)


def _past_visit(
    facility: Facility,
    organisation: Organisation,
    requester: User,
    days_ago: int,
    people: list[Person],
    areas: list[str],
    **fields: Any,
) -> Visit:
    """A visit as it stands in the record: it took place ``days_ago`` days ago."""
    day = local_today(facility) - timedelta(days=days_ago)
    starts = local_datetime(facility, day, time(9, 30))
    visit = Visit.objects.create(
        administration=facility.administration,
        facility=facility,
        organisation=organisation,
        day=day,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        requested_by=requester,
        requested_at=starts - timedelta(days=12),
        **fields,
    )
    visit.areas.set(Area.objects.filter(facility=facility, name__in=areas))
    category = Category.MONITOR if visit.monitoring else Category.ORGANISATION
    Visitor.objects.bulk_create(
        Visitor(visit=visit, person=person, category=category, pass_code=Visitor.new_pass_code())
        for person in people
    )
    return visit


def _write(
    author: User,
    visit: Visit,
    title: str,
    summary: str,
    findings: list[tuple[str, str, str]],
    recommendations: list[Rec],
) -> tuple[Report, list[Recommendation]]:
    """A report with its findings (good practices first, as the method asks) and its
    recommendations, in the order given."""
    report = reports.report_create(actor=author, visit=visit, title=title, summary=summary)
    for kind, text, evidence in findings:
        reports.finding_add(actor=author, report=report, kind=kind, text=text, evidence=evidence)
    areas = {area.name: area for area in visit.facility.areas.all()}
    made = []
    for spec in recommendations:
        spec = dict(spec)
        area = spec.pop("area", None)
        made.append(
            reports.recommendation_add(
                actor=author, report=report, area=areas[area] if area else None, **spec
            )
        )
    return report, made


def _published(john: User, martha: User, visit: Visit) -> list[Recommendation]:
    today = timezone.localdate()
    report, recs = _write(
        john,
        visit,
        PUBLISHED,
        "A visit to the health unit and the kitchen, with the centre's volunteer physician.",
        [
            (
                Finding.Kind.GOOD_PRACTICE,
                "Every new arrival is examined by a doctor within 24 hours.",
                "The admission register of the last three months: 212 arrivals, all examined "
                "within a day.",
            ),
            (
                Finding.Kind.GOOD_PRACTICE,
                "The kitchen is clean and the week's menu is posted in Spanish and English.",
                "",
            ),
            (
                Finding.Kind.CONCERN,
                "Medicines for chronic illness run out before the monthly delivery.",
                f"The pharmacy log: insulin out of stock for 9 days in three months. "
                f"{DETAINEE} (prisoner number {PRISONER_NUMBER}) went without insulin for four "
                "days in August.",
            ),
            (
                Finding.Kind.CONCERN,
                "Drinking water in Block C is available only at meal times.",
                "Seen on the day and confirmed by six people held in Block C.",
            ),
        ],
        [
            {
                "text": "Keep a reserve of essential medicines so that no treatment is "
                "interrupted, and count the stock every month.",
                "theme": Theme.HEALTH,
                "priority": Priority.URGENT,
                "area": "Health unit",
                "standards": ["mandela:24", "mandela:27"],
                "proposed_deadline": today + timedelta(days=30),
            },
            {
                "text": "Give every block drinking water at all hours.",
                "theme": Theme.FOOD,
                "priority": Priority.HIGH,
                "standards": ["mandela:22"],
                "proposed_deadline": today + timedelta(days=90),
            },
            {
                "text": "Staff the health unit with a nurse at night.",
                "theme": Theme.HEALTH,
                "priority": Priority.MEDIUM,
                "area": "Health unit",
                "standards": ["mandela:25-26"],
            },
            {
                "text": "Post the complaints procedure in every block, in the languages "
                "spoken there.",
                "theme": Theme.SAFEGUARDS,
                "priority": Priority.LOW,
                "quick_win": True,
                "standards": ["mandela:54-55", "mandela:56-57"],
                "proposed_deadline": today + timedelta(days=14),
            },
        ],
    )
    reports.report_submit(actor=john, report=report)
    medicines, water, nurse, complaints = recs
    window.recommendation_answer(
        actor=martha, recommendation=medicines, response=Recommendation.Response.ACCEPTED
    )
    window.recommendation_answer(
        actor=martha,
        recommendation=water,
        response=Recommendation.Response.PARTLY,
        reason="Two fountains in Block C this year; the other blocks with next year's budget.",
    )
    window.recommendation_answer(
        actor=martha,
        recommendation=nurse,
        response=Recommendation.Response.REJECTED,
        reason="There is no nursing post in this year's budget; the doctor on call covers "
        "the nights.",
    )
    window.recommendation_answer(
        actor=martha, recommendation=complaints, response=Recommendation.Response.ACCEPTED
    )
    window.report_consent(
        actor=martha, report=report, note="Agreed at the quarterly coordination meeting."
    )
    terms = [*publication.redaction_suggestions(report), DETAINEE]
    publication.report_publish(actor=john, report=report, terms=terms)
    return recs


def _released(john: User, visit: Visit) -> list[Recommendation]:
    """Submitted 45 days ago under a 30-day window, never answered: the sweep lifts the
    embargo."""
    report, recs = _write(
        john,
        visit,
        RELEASED,
        "The segregation unit and the record of disciplinary hearings.",
        [
            (
                Finding.Kind.GOOD_PRACTICE,
                "Every placement in segregation is written in the register with its reason.",
                "",
            ),
            (
                Finding.Kind.CONCERN,
                "Three people had been held in segregation for more than 15 days.",
                "The register on the day of the visit: stays of 18, 22 and 31 days.",
            ),
            (
                Finding.Kind.CONCERN,
                "Disciplinary hearings are not recorded; the person is not told they may be heard.",
                "Four hearing files read: none has a record of what the person said.",
            ),
        ],
        [
            {
                "text": "End any segregation beyond 15 consecutive days, and have a doctor see "
                "everyone held there every day.",
                "theme": Theme.DISCIPLINE,
                "priority": Priority.URGENT,
                "area": "Segregation unit",
                "standards": ["mandela:44-45", "mandela:46"],
            },
            {
                "text": "Record every disciplinary hearing and what the person said.",
                "theme": Theme.DISCIPLINE,
                "priority": Priority.MEDIUM,
                "quick_win": True,
                "standards": ["mandela:41"],
            },
        ],
    )
    report = reports.report_submit(actor=john, report=report)
    assert report.submitted_at is not None and report.respond_by is not None
    # The one date moved back (see the module's docstring): submitted 45 days ago, the MoU's
    # window kept as long as it is.
    earlier = timedelta(days=45)
    Report.objects.filter(pk=report.pk).update(
        submitted_at=report.submitted_at - earlier, respond_by=report.respond_by - earlier
    )
    window.embargo_sweep()
    return recs


def _answering(maria: User, martha: User, visit: Visit, repeated: Recommendation) -> None:
    """Within its window, two of its four recommendations answered by Martha."""
    _report, recs = _write(
        maria,
        visit,
        ANSWERING,
        "Classes in the education wing and work in the workshops.",
        [
            (
                Finding.Kind.GOOD_PRACTICE,
                "Teachers and officers plan the week's classes together.",
                "",
            ),
            (
                Finding.Kind.CONCERN,
                "Classes are cancelled whenever the wing is short of an escort.",
                "Timetable of the last month: 9 of 20 classes cancelled.",
            ),
            (
                Finding.Kind.CONCERN,
                "Workshop pay is two months late.",
                "Pay slips shown by eleven workers.",
            ),
            (
                Finding.Kind.CONCERN,
                "The complaints procedure is still not posted in the blocks.",
                "Seen in Blocks A, B and C.",
            ),
        ],
        [
            {
                "text": "Name a reserve escort for the education wing so that classes are "
                "held as timetabled.",
                "theme": Theme.ACTIVITIES,
                "priority": Priority.HIGH,
                "area": "Education wing",
                "standards": ["mandela:104-105"],
            },
            {
                "text": "Pay workshop work every month, at the posted rate.",
                "theme": Theme.ACTIVITIES,
                "priority": Priority.MEDIUM,
                "area": "Workshops",
                "standards": ["mandela:96-103"],
            },
            {
                "text": "Let students call their families on the day of an exam.",
                "theme": Theme.CONTACT,
                "priority": Priority.LOW,
                "quick_win": True,
                "standards": ["mandela:58-63"],
            },
            {
                "text": "Post the complaints procedure in every block, as recommended before.",
                "theme": Theme.SAFEGUARDS,
                "priority": Priority.HIGH,
                "quick_win": True,
                "standards": ["mandela:56-57"],
                "repeats": repeated,
            },
        ],
    )
    reports.report_submit(actor=maria, report=_report)
    escort, pay, _calls, _complaints = recs
    window.recommendation_answer(
        actor=martha, recommendation=escort, response=Recommendation.Response.ACCEPTED
    )
    window.recommendation_answer(
        actor=martha,
        recommendation=pay,
        response=Recommendation.Response.PARTLY,
        reason="The arrears are paid this month; monthly pay needs the new accounting system.",
    )


def _draft(maria: User, visit: Visit) -> None:
    _write(
        maria,
        visit,
        DRAFT,
        "Notes of the session, to be completed.",
        [
            (
                Finding.Kind.GOOD_PRACTICE,
                "The session started on time, in the large room of the education wing.",
                "",
            ),
        ],
        [
            {
                "text": "Give people the date of their parole hearing a month ahead.",
                "theme": Theme.SAFEGUARDS,
                "priority": Priority.MEDIUM,
            },
        ],
    )


def _mandate(mario: User, visit: Visit) -> None:
    report, _recs = _write(
        mario,
        visit,
        MANDATE,
        "Unannounced visit under the mandate of Law 12-2015.",
        [
            (
                Finding.Kind.GOOD_PRACTICE,
                "Staff gave the delegation every register it asked for at once.",
                "",
            ),
            (
                Finding.Kind.CONCERN,
                "Injuries after a use of force are not examined by a doctor.",
                "Two incident reports of last month, neither with a medical examination.",
            ),
        ],
        [
            {
                "text": "Have a doctor examine and record the injuries of anyone after force "
                "is used, and report signs of ill-treatment.",
                "theme": Theme.SAFETY,
                "priority": Priority.URGENT,
                "area": "Health unit",
                "standards": ["mandela:34", "mandela:82"],
            },
        ],
    )
    reports.report_submit(actor=mario, report=report)


def _plan(
    carla: User,
    oscar: User,
    published: list[Recommendation],
    released: list[Recommendation],
    today: date,
) -> None:
    administration = published[0].report.administration
    medicines, water, _nurse, complaints = published
    segregation, hearings = released

    def action(recs: list[Recommendation], title: str, days: int, effort: str) -> Action:
        return plan.action_create(
            actor=carla,
            administration=administration,
            recommendations=recs,
            title=title,
            responsible=oscar,
            due_on=today + timedelta(days=days),
            effort=effort,
        )

    stock = action([medicines], "Monthly stock count and a two-week reserve", 45, Effort.MEDIUM)
    plan.progress_post(
        actor=oscar, action=stock, progress=50, note="The stock is counted on the 1st."
    )
    plan.progress_post(
        actor=oscar,
        action=stock,
        progress=100,
        note="A two-week reserve of every essential medicine is held since last month.",
    )
    fountains = action([water], "Two drinking-water fountains in Block C", 60, Effort.HIGH)
    plan.progress_post(actor=oscar, action=fountains, progress=30, note="Pipes laid.")
    plan.progress_post(
        actor=oscar, action=fountains, progress=60, note="First fountain working since Monday."
    )
    budget = action([water], "Budget request for water in the other blocks", 7, Effort.LOW)
    plan.progress_post(
        actor=oscar, action=budget, progress=20, note="Costs asked from two contractors."
    )
    # The other date moved back (see the module's docstring): the request was due 12 days ago.
    Action.objects.filter(pk=budget.pk).update(due_on=today - timedelta(days=12))
    for days in reminders.DUE_NOTICES:
        notify.cancel(key=notify.reminder_key(budget, f"due-{days}d"))
    action([complaints], "Post the complaints procedure in every block", 14, Effort.LOW)
    review = action([segregation], "Review every segregation beyond 15 days", 30, Effort.MEDIUM)
    plan.progress_post(
        actor=oscar, action=review, progress=25, note="Weekly review with the doctor started."
    )
    recorder = action([hearings], "Buy recorders for disciplinary hearings", 20, Effort.MEDIUM)
    plan.action_cancel(
        actor=carla,
        action=recorder,
        reason="The hearings will be minuted in the new case system instead.",
    )
    plan.actions_overdue_remind(today=today)


def _follow_up(
    john: User, visit: Visit, published: list[Recommendation], released: list[Recommendation]
) -> None:
    """The checklist is pre-filled as for any new follow-up visit; John records what he saw."""
    visit_effects.publish_created(visit)
    medicines, water, _nurse, complaints = published
    segregation, _hearings = released
    for rec, result, note in (
        (medicines, Recommendation.Verified.IMPLEMENTED, "Reserve seen in the pharmacy."),
        (water, Recommendation.Verified.PARTLY, "One fountain works in Block C; none elsewhere."),
        (complaints, Recommendation.Verified.NOT_IMPLEMENTED, "Nothing posted in the blocks."),
        (segregation, Recommendation.Verified.PARTLY, "Longest stay now 16 days."),
    ):
        followup.recommendation_verify(
            actor=john, recommendation=rec, result=result, note=note, visit=visit
        )


def seed(out: IO[str]) -> None:
    centre = Organisation.objects.get(name=CENTRE)
    if Report.objects.filter(organisation=centre).exists():
        out.write("Recommendations: the demo reports are already there.\n")
        return
    penitentiary = Facility.objects.get(name=PENITENTIARY)
    mechanism = Organisation.objects.get(name=MECHANISM)
    john, maria, mario = _user("john"), _user("maria"), _user("mario")
    martha, carla, oscar, fiona = _user("martha"), _user("carla"), _user("oscar"), _user("fiona")
    mou = Agreement.objects.signed().get(organisation=centre, facilities=penitentiary)
    team = [
        Person.objects.get(full_name="John Representative"),
        Person.objects.get(full_name="María Member"),
    ]
    today = timezone.localdate()

    def centre_visit(days_ago: int, areas: list[str], purpose: str = Purpose.SERVICE) -> Visit:
        return _past_visit(
            penitentiary,
            centre,
            john,
            days_ago,
            team,
            areas,
            agreement=mou,
            purpose=purpose,
            status=Visit.Status.APPROVED,
            decided_by=fiona,
            decided_at=timezone.now() - timedelta(days=days_ago + 8),
        )

    published = _published(john, martha, centre_visit(120, ["Health unit", "Kitchen"]))
    released = _released(john, centre_visit(60, ["Segregation unit"]))
    _plan(carla, oscar, published, released, today)
    _follow_up(
        john,
        centre_visit(2, ["Health unit", "Segregation unit"], Purpose.FOLLOW_UP),
        published,
        released,
    )
    repeated = Recommendation.objects.get(pk=published[3].pk)
    _answering(maria, martha, centre_visit(9, ["Education wing", "Workshops"]), repeated)
    _draft(maria, centre_visit(4, ["Education wing"]))
    monitoring_visit = _past_visit(
        penitentiary,
        mechanism,
        mario,
        20,
        [Person.objects.get(full_name="Mario Monitor")],
        ["Segregation unit", "Health unit"],
        purpose=Purpose.MONITORING,
        monitoring=True,
        status=Visit.Status.NOTIFIED,
    )
    _mandate(mario, monitoring_visit)
    out.write(
        f"Recommendations: {Report.objects.count()} reports in every state at {PENITENTIARY} "
        f"(one published with personal data taken out, one whose embargo lifted when its window "
        f"closed, one a monitoring body's), {Recommendation.objects.count()} recommendations, "
        f"{Action.objects.count()} actions of the plan given to Óscar (one overdue), and a "
        "follow-up visit with its checklist.\n"
    )
