"""Monitoring mode: a registered monitoring body notifies its visit at any time, to any area,
and nothing in the system refuses it or holds it to capacity, notice or closures; staff only
record a delay, which alerts the director at once; private interviews are recorded as having
taken place, never their content; each expert of a joint visit is bound to confidentiality."""

from dataclasses import dataclass
from datetime import UTC, time, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accreditation.models import FormalMechanism
from activity.errors import DomainError
from activity.models import AuditEntry, Reminder
from directory.models import Organisation, Person, Role
from tests.accreditation.factories import PDF_BYTES, FormalMechanismFactory
from tests.conftest import login
from tests.factories import OrganisationFactory, PersonFactory, staff
from tests.support.pages import assert_login_redirect, count_queries, text
from visits.forms.monitoring import InterviewForm
from visits.models import (
    Category,
    Closure,
    Delay,
    Interview,
    Visit,
    VisitingWindow,
    Visitor,
    local_datetime,
    local_today,
)
from visits.selectors import experts_without_confidentiality
from visits.services import _common, monitoring, requests

from .conftest import request as request_visit

pytestmark = pytest.mark.django_db


@dataclass
class Mandate:
    npm: Organisation
    mechanism: FormalMechanism
    ana: Person
    ben: Person


@pytest.fixture
def mandate(world, monitor) -> Mandate:
    """The NPM's mandate with the administration, in force for a year, naming Ana and Ben."""
    npm = monitor.memberships.get().organisation
    ana = PersonFactory.create(organisation=npm, full_name="Ana Monitor")
    ben = PersonFactory.create(organisation=npm, full_name="Ben Monitor")
    mechanism = FormalMechanismFactory.create(
        organisation=npm, administration=world.administration, members=[ana, ben]
    )
    return Mandate(npm=npm, mechanism=mechanism, ana=ana, ben=ben)


def notify(world, mandate: Mandate, actor, **changes) -> Visit:
    """Ana and Ben notify a visit to the Central Penitentiary today, 8:00 to 18:00."""
    arguments = {
        "actor": actor,
        "organisation": mandate.npm,
        "facility": world.facility,
        "day": local_today(world.facility),
        "starts": time(8, 0),
        "ends": time(18, 0),
        "members": [mandate.ana, mandate.ben],
    } | changes
    return monitoring.visit_notify(**arguments)


def lucia(world) -> Person:
    return world.other_organisation.people.get()


# Notifying ---------------------------------------------------------------------------------------


def test_a_monitor_notifies_a_visit_for_now_and_the_facility_and_director_are_told(
    world, mandate, monitor, director, facility_officer, gate_officer, coordinator
):
    before = timezone.now()
    visit = notify(world, mandate, monitor, notes="Unannounced")

    assert (visit.status, visit.monitoring) == (Visit.Status.NOTIFIED, True)
    assert visit.agreement is None and visit.window is None
    assert visit.decide_by is None
    assert {(v.person, v.category) for v in visit.visitors.all()} == {
        (mandate.ana, Category.MONITOR),
        (mandate.ben, Category.MONITOR),
    }
    assert AuditEntry.objects.filter(action="visit.notified", object_id=str(visit.pk)).exists()
    told = Reminder.objects.filter(kind="visits.monitoring_notified")
    assert {r.recipient for r in told} == {director, facility_officer, gate_officer}
    assert all(before <= r.due_at <= timezone.now() for r in told)


def test_any_area_may_be_chosen_even_one_an_mou_keeps_closed(world, setting, mandate, monitor):
    visit = notify(world, mandate, monitor, areas=[setting.segregation, setting.health])

    assert set(visit.areas.all()) == {setting.segregation, setting.health}


def test_a_closure_that_day_does_not_hold_the_visit_back(world, mandate, monitor, director):
    today = local_today(world.facility)
    Closure.objects.create(
        facility=world.facility,
        starts_on=today,
        ends_on=today,
        reason="Lockdown",
        created_by=director,
    )
    visit = notify(world, mandate, monitor)

    assert _common.put_in_review([visit], reason="Closed: lockdown", actor=director) == 0
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.NOTIFIED


def test_a_full_window_does_not_limit_the_visit(world, setting, mandate, monitor, ngo_member):
    VisitingWindow.objects.filter(pk=setting.window.pk).update(places=1)
    [booked] = request_visit(setting, world, ngo_member)
    assert booked.status == Visit.Status.REQUESTED

    visit = notify(world, mandate, monitor, day=setting.day, starts=time(10, 0), ends=time(12, 0))

    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.NOTIFIED
    assert visit.visitors.count() == 2


def test_a_visit_is_notified_for_today_or_later(world, mandate, monitor):
    with pytest.raises(DomainError, match="today or a later day"):
        notify(world, mandate, monitor, day=local_today(world.facility) - timedelta(days=1))


@pytest.mark.parametrize("case", ["expired", "not_yet", "other_administration", "not_formal"])
def test_without_a_mandate_in_force_with_the_administration_nothing_is_notified(
    world, mandate, monitor, other_administration, case
):
    today = local_today(world.facility)
    organisation = mandate.npm
    if case == "expired":
        FormalMechanism.objects.filter(pk=mandate.mechanism.pk).update(
            valid_from=today - timedelta(days=400), valid_until=today - timedelta(days=1)
        )
    elif case == "not_yet":
        FormalMechanism.objects.filter(pk=mandate.mechanism.pk).update(
            valid_from=today + timedelta(days=1)
        )
    elif case == "other_administration":
        FormalMechanism.objects.filter(pk=mandate.mechanism.pk).update(
            administration=other_administration
        )
    else:
        organisation = world.organisation

    with pytest.raises(DomainError) as refused:
        notify(world, mandate, monitor, organisation=organisation)

    expected = "not a formal monitoring body" if case == "not_formal" else "has no mandate"
    assert expected in refused.value.message
    assert not Visit.objects.exists()


def test_monitors_are_members_of_the_mandate(world, mandate, monitor):
    stranger = PersonFactory.create(organisation=mandate.npm, full_name="Carl Newcomer")

    with pytest.raises(DomainError, match=r"Not members of the mandate .*: Carl Newcomer"):
        notify(world, mandate, monitor, members=[mandate.ana, stranger])


def test_experts_come_from_other_organisations_each_with_the_role_agreed(
    world, setting, mandate, monitor
):
    with pytest.raises(DomainError, match=r"role agreed in advance .*: John Representative"):
        notify(world, mandate, monitor, experts=[setting.john])
    with pytest.raises(DomainError, match="Experts come from other organisations"):
        notify(world, mandate, monitor, experts=[mandate.ben], members=[mandate.ana])

    visit = notify(
        world,
        mandate,
        monitor,
        experts=[setting.john],
        roles={setting.john.pk: " Psychologist: interviews with women "},
    )

    expert = visit.visitors.get(person=setting.john)
    assert (expert.category, expert.role) == (
        Category.EXPERT,
        "Psychologist: interviews with women",
    )


# Nothing refuses or limits it ------------------------------------------------------------------


def test_no_decision_service_acts_on_a_monitoring_visit(
    world, setting, mandate, monitor, director, facility_officer
):
    visit = notify(world, mandate, monitor, day=setting.day, starts=time(10, 0), ends=time(12, 0))

    for officer in (director, facility_officer):
        with pytest.raises(DomainError, match="cannot be refused"):
            requests.visit_refuse(actor=officer, visit=visit, reason="security")
        with pytest.raises(DomainError, match="cannot be refused"):
            requests.visit_reschedule(
                actor=officer,
                visit=visit,
                day=setting.day + timedelta(weeks=1),
                window=setting.window,
                note="Moved",
                override="No",
            )
        with pytest.raises(DomainError, match="cannot be refused"):
            requests.visit_approve(actor=officer, visit=visit)

    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.NOTIFIED
    assert (Visit.Status.NOTIFIED, Visit.Status.REFUSED) not in [
        (source, target) for source, targets in Visit.TRANSITIONS.items() for target in targets
    ]


STAFF = ["director", "coordinator", "facility_officer", "gate_officer", "reviewer"]


@pytest.mark.parametrize("persona", [*STAFF, "responsible_official"])
def test_no_staff_member_can_refuse_move_or_approve_it_through_the_pages(
    client, request, world, setting, mandate, monitor, persona
):
    user = request.getfixturevalue(persona)
    visit = notify(world, mandate, monitor)
    login(client, user)
    tomorrow = (local_today(world.facility) + timedelta(days=1)).isoformat()

    answers = [
        client.post(reverse("visits:visit_refuse", args=[visit.pk]), {"reason": "security"}),
        client.post(
            reverse("visits:visit_reschedule", args=[visit.pk]),
            {"window": setting.window.pk, "day": tomorrow, "note": "Moved", "override": "x"},
        ),
        client.post(reverse("visits:visit_approve", args=[visit.pk])),
    ]

    assert all(answer.status_code in (200, 302, 403, 404) for answer in answers)
    after = Visit.objects.get(pk=visit.pk)
    assert (after.status, after.day, after.window_id) == (
        Visit.Status.NOTIFIED,
        visit.day,
        None,
    )
    assert not AuditEntry.objects.filter(
        action__in=["visit.refused", "visit.rescheduled", "visit.approved"]
    ).exists()


@pytest.mark.parametrize("persona", ["director", "coordinator", "facility_officer", "gate_officer"])
def test_the_visit_page_offers_no_decision_to_staff(
    client, request, world, mandate, monitor, persona
):
    visit = notify(world, mandate, monitor)
    page = text(login(client, request.getfixturevalue(persona)).get(visit.get_absolute_url()))

    assert "cannot be refused or limited" in page
    for name in ("visit_approve", "visit_refuse", "visit_reschedule"):
        assert reverse(f"visits:{name}", args=[visit.pk]) not in page


# Delays ------------------------------------------------------------------------------------------


def test_a_delay_alerts_the_director_at_once_and_marks_who_is_not_yet_inside(
    world, mandate, monitor, director, gate_officer, coordinator
):
    visit = notify(world, mandate, monitor)
    Visitor.objects.filter(visit=visit, person=mandate.ana).update(checked_in_at=timezone.now())
    before = timezone.now()

    delay = monitoring.delay_record(
        actor=gate_officer, visit=visit, minutes=40, justification="Count of prisoners under way"
    )

    alert = Reminder.objects.get(kind="visits.delay_recorded")
    assert alert.recipient == director
    assert before <= alert.due_at <= timezone.now()
    assert "40 minutes" in alert.subject
    assert "Count of prisoners under way" in alert.body
    outcomes = dict(visit.visitors.values_list("person__full_name", "outcome"))
    assert outcomes == {"Ana Monitor": "", "Ben Monitor": Visitor.Outcome.DELAYED}
    entry = AuditEntry.objects.get(action="delay.recorded")
    assert (entry.object_id, entry.changes["minutes"]) == (str(delay.pk), 40)
    assert entry.administration_id == world.administration.pk


def test_a_delay_is_justified_and_only_on_a_monitoring_visit(
    world, setting, mandate, monitor, ngo_member, facility_officer
):
    visit = notify(world, mandate, monitor)
    with pytest.raises(DomainError, match="Justify the delay"):
        monitoring.delay_record(actor=facility_officer, visit=visit, minutes=10, justification=" ")
    [requested] = request_visit(setting, world, ngo_member)
    with pytest.raises(DomainError, match="not a monitoring body's visit"):
        monitoring.delay_record(
            actor=facility_officer, visit=requested, minutes=10, justification="Busy"
        )
    assert not Delay.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("gate_officer", 302),
        ("facility_officer", 302),
        ("director", 302),
        ("coordinator", 403),
        ("monitor", 403),
        ("other_director", 404),
    ],
)
def test_only_the_facility_staff_record_a_delay(
    client, request, world, mandate, monitor, persona, status
):
    visit = notify(world, mandate, monitor)
    login(client, request.getfixturevalue(persona))

    answer = client.post(
        reverse("visits:delay_record", args=[visit.pk]),
        {"minutes": "15", "justification": "Search of the wing"},
    )

    assert answer.status_code == status
    assert Delay.objects.exists() is (status == 302)


def test_anonymous_users_are_sent_to_sign_in(client, world, mandate, monitor):
    visit = notify(world, mandate, monitor)
    for name in ("delay_record", "interview_record", "confidentiality_add", "meeting_write"):
        url = reverse(f"visits:{name}", args=[visit.pk])
        assert_login_redirect(client.post(url), url)
    assert_login_redirect(client.get(reverse("visits:monitoring_new")), "/visits/monitoring/new/")


def test_both_sides_read_the_delay_on_the_visit_page(
    client, world, mandate, monitor, gate_officer, director
):
    visit = notify(world, mandate, monitor)
    login(client, gate_officer)
    client.post(
        reverse("visits:delay_record", args=[visit.pk]),
        {"minutes": "25", "justification": "Emergency drill"},
    )

    pages = {
        user: text(login(client, user).get(visit.get_absolute_url()))
        for user in (monitor, director)
    }
    assert all("Emergency drill" in page for page in pages.values())
    assert "Record the delay" in pages[director]
    assert "Record the delay" not in pages[monitor]


def test_a_refused_delay_keeps_what_was_typed(client, world, mandate, monitor, gate_officer):
    visit = notify(world, mandate, monitor)
    login(client, gate_officer)

    answer = client.post(
        reverse("visits:delay_record", args=[visit.pk]),
        {"minutes": "0", "justification": "Shift change at the gate"},
    )

    assert answer.status_code == 200
    assert "Shift change at the gate" in text(answer)
    assert not Delay.objects.exists()


# Private interviews ------------------------------------------------------------------------------


def test_an_interview_in_the_facilitys_evening_is_on_the_visits_day_whatever_the_day_in_utc(
    client, world, setting, mandate, monitor
):
    """7.30 pm in the Central Penitentiary (UTC-6) is already the next day in UTC."""
    evening = local_datetime(world.facility, local_today(world.facility), time(19, 30))
    with time_machine.travel(evening, tick=False):
        visit = notify(world, mandate, monitor, starts=time(8, 0), ends=time(20, 0))
        login(client, monitor)
        answer = client.post(
            reverse("visits:interview_record", args=[visit.pk]),
            {"area": setting.segregation.pk, "held_at": "19:00"},
        )

    assert answer.status_code == 302
    held = local_datetime(world.facility, visit.day, time(19, 0))
    assert held.astimezone(UTC).date() != visit.day
    assert Interview.objects.get(visit=visit).held_at == held


def test_an_interview_is_recorded_as_having_taken_place_and_nothing_more(
    client, world, setting, mandate, monitor, director
):
    assert {field.name for field in Interview._meta.get_fields()} == {
        "id",
        "visit",
        "area",
        "held_at",
        "recorded_by",
    }
    assert set(InterviewForm(facility=world.facility).fields) == {"area", "held_at"}
    visit = notify(world, mandate, monitor, starts=time(0, 0), ends=time(23, 59))
    held = timezone.now().astimezone(visit.starts_at.tzinfo) - timedelta(minutes=1)
    if held.date() != visit.day:
        held = local_datetime(world.facility, visit.day, time(0, 0))

    login(client, monitor)
    answer = client.post(
        reverse("visits:interview_record", args=[visit.pk]),
        {"area": setting.segregation.pk, "held_at": held.strftime("%H:%M")},
    )

    assert answer.status_code == 302
    interview = Interview.objects.get(visit=visit)
    assert interview.area == setting.segregation
    # In the administration's audit trail, where its director reads it.
    entry = AuditEntry.objects.get(action="interview.recorded")
    assert entry.administration_id == visit.administration_id
    page = text(login(client, director).get(visit.get_absolute_url()))
    assert "never what was said, nor with whom" in page
    assert f"{held:%H:%M} — Segregation unit" in page


def test_an_interview_is_recorded_once_it_has_taken_place_on_the_day(world, mandate, monitor):
    visit = notify(world, mandate, monitor)
    with pytest.raises(DomainError, match="once it has taken place"):
        monitoring.interview_record(
            actor=monitor, visit=visit, held_at=timezone.now() + timedelta(hours=1)
        )
    with pytest.raises(DomainError, match="on the day of the visit"):
        monitoring.interview_record(
            actor=monitor, visit=visit, held_at=visit.starts_at - timedelta(days=2)
        )


@pytest.mark.parametrize("persona", ["facility_officer", "director", "gate_officer"])
def test_only_the_body_records_its_interviews(client, request, world, mandate, monitor, persona):
    visit = notify(world, mandate, monitor)
    login(client, request.getfixturevalue(persona))

    answer = client.post(reverse("visits:interview_record", args=[visit.pk]), {"held_at": "09:00"})

    assert answer.status_code == 403
    assert not Interview.objects.exists()


# Joint visits: confidentiality ------------------------------------------------------------------


def test_each_expert_shows_how_they_are_bound_to_confidentiality(
    client, world, setting, mandate, monitor, director, other_director
):
    visit = notify(
        world,
        mandate,
        monitor,
        experts=[setting.john, lucia(world)],
        roles={setting.john.pk: "Educator", lucia(world).pk: "Lawyer"},
    )

    assert experts_without_confidentiality(visit) == [visit.visitors.get(person=lucia(world))]
    page = text(login(client, director).get(visit.get_absolute_url()))
    assert "Covered by the MoU MOU-1" in page
    assert "Missing: the visit cannot start" in page

    login(client, monitor)
    answer = client.post(
        reverse("visits:confidentiality_add", args=[visit.pk]),
        {
            "visitor": visit.visitors.get(person=lucia(world)).pk,
            "document": SimpleUploadedFile("undertaking.pdf", PDF_BYTES, "application/pdf"),
        },
    )

    assert answer.status_code == 302
    assert experts_without_confidentiality(visit) == []
    expert = visit.visitors.get(person=lucia(world))
    assert expert.confidentiality_document is not None
    assert AuditEntry.objects.filter(action="visitor.confidentiality_uploaded").count() == 1
    page = text(login(client, director).get(visit.get_absolute_url()))
    assert "Agreement uploaded" in page
    assert "Missing: the visit cannot start" not in page
    document = reverse("activity:document_download", args=[expert.confidentiality_document_id])
    assert client.get(document).status_code == 200
    assert login(client, other_director).get(document).status_code == 404


def test_an_mou_without_a_confidentiality_clause_does_not_bind_the_expert(
    world, setting, mandate, monitor
):
    setting.agreement.clauses.filter(clause_version__clause__kind="confidentiality").update(
        included=False
    )
    visit = notify(world, mandate, monitor, experts=[setting.john], roles={setting.john.pk: "x"})

    assert experts_without_confidentiality(visit) == [visit.visitors.get(person=setting.john)]


def test_only_experts_sign_a_separate_agreement_and_only_the_body_uploads_it(
    client, world, mandate, monitor, facility_officer, outsider
):
    visit = notify(world, mandate, monitor, experts=[lucia(world)], roles={lucia(world).pk: "x"})
    member = visit.visitors.get(person=mandate.ana)
    with pytest.raises(DomainError, match="Only experts"):
        monitoring.confidentiality_add(
            actor=monitor,
            visitor=member,
            uploaded=SimpleUploadedFile("u.pdf", PDF_BYTES, "application/pdf"),
        )
    url = reverse("visits:confidentiality_add", args=[visit.pk])
    assert login(client, facility_officer).post(url).status_code == 403
    # The expert's own organisation sees the joint visit, but the body holds the agreements.
    assert login(client, outsider).post(url).status_code == 403


# Pages -------------------------------------------------------------------------------------------


def test_the_notify_page_offers_every_area_and_creates_a_joint_visit(
    client, world, setting, mandate, monitor
):
    login(client, monitor)
    assert reverse("visits:monitoring_new") in text(client.get(reverse("visits:visit_list")))
    first = client.get(reverse("visits:monitoring_new"))
    assert first.status_code == 200

    url = (
        f"{reverse('visits:monitoring_new')}?organisation={mandate.npm.pk}"
        f"&facility={world.facility.pk}"
    )
    page = text(client.get(url))
    for area in ("Education wing", "Health unit", "Segregation unit"):
        assert area in page
    assert "Ana Monitor" in page and "Ben Monitor" in page

    answer = client.post(
        url,
        {
            "day": local_today(world.facility).isoformat(),
            "starts": "09:00",
            "ends": "17:00",
            "purpose": "monitoring",
            "members": [mandate.ana.pk],
            "areas": [setting.segregation.pk],
            "notes": "",
            "experts-TOTAL_FORMS": "3",
            "experts-INITIAL_FORMS": "0",
            "experts-0-person": str(setting.john.pk),
            "experts-0-person_name": "John Representative",
            "experts-0-role": "Educator",
        },
    )

    visit = Visit.objects.get()
    assert answer.status_code == 302 and answer["Location"] == visit.get_absolute_url()
    assert {(v.person, v.category, v.role) for v in visit.visitors.all()} == {
        (mandate.ana, Category.MONITOR, ""),
        (setting.john, Category.EXPERT, "Educator"),
    }


def test_the_notify_page_names_the_missing_mandate(client, world, mandate, monitor):
    FormalMechanism.objects.filter(pk=mandate.mechanism.pk).update(
        valid_until=local_today(world.facility) - timedelta(days=1),
        valid_from=local_today(world.facility) - timedelta(days=10),
    )
    login(client, monitor)
    url = (
        f"{reverse('visits:monitoring_new')}?organisation={mandate.npm.pk}"
        f"&facility={world.facility.pk}"
    )

    answer = client.post(
        url,
        {
            "day": local_today(world.facility).isoformat(),
            "starts": "09:00",
            "ends": "17:00",
            "purpose": "monitoring",
            "members": [mandate.ana.pk],
            "experts-TOTAL_FORMS": "0",
            "experts-INITIAL_FORMS": "0",
        },
    )

    assert answer.status_code == 200
    assert "has no mandate registered with State A Prison System in force" in text(answer)
    assert not Visit.objects.exists()


def test_a_body_never_registered_is_told_it_cannot_notify(client, world):
    icrc = OrganisationFactory.create(name="ICRC", kind=Organisation.Kind.SPECIAL_AGREEMENT)
    page = text(login(client, staff("ines", Role.MONITOR, icrc)).get("/visits/monitoring/new/"))

    assert "mandate is not registered with any administration" in page


@pytest.mark.parametrize("persona", ["ngo_member", "director", "facility_officer"])
def test_only_monitors_of_a_formal_body_open_the_notify_page(client, request, world, persona):
    login(client, request.getfixturevalue(persona))

    assert client.get(reverse("visits:monitoring_new")).status_code == 403
    assert client.get(reverse("visits:monitoring_facility_choices")).status_code == 403


def test_facility_suggestions_are_of_the_mandated_administration_only(
    client, world, mandate, monitor, other_administration
):
    login(client, monitor)
    found = client.get(reverse("visits:monitoring_facility_choices"), {"q": ""}).json()

    assert {row["label"] for row in found["results"]} == {"Central Penitentiary", "Women's Centre"}


def test_expert_suggestions_leave_out_the_people_of_monitoring_bodies(
    client, world, mandate, monitor
):
    login(client, monitor)
    found = client.get(reverse("visits:monitoring_expert_choices"), {"q": "o"}).json()

    names = {row["label"] for row in found["results"]}
    assert "John Representative" in names
    assert "Ana Monitor" not in names


def test_the_second_administration_sees_nothing_of_the_visit(
    client, world, mandate, monitor, other_director
):
    visit = notify(world, mandate, monitor)
    login(client, other_director)

    assert client.get(visit.get_absolute_url()).status_code == 404
    assert "Central Penitentiary" not in text(client.get(reverse("visits:visit_list")))


def test_the_visit_page_makes_as_many_queries_for_fifty_people_delays_and_interviews_as_for_one(
    client, world, setting, mandate, monitor, director, gate_officer
):
    visit = notify(world, mandate, monitor, members=[mandate.ana])

    def add_one(n: int) -> None:
        expert = PersonFactory.create(organisation=world.other_organisation, full_name=f"E {n}")
        _common.add_visitors(visit, [expert], Category.EXPERT, {expert.pk: "Doctor"})
        Delay.objects.create(visit=visit, minutes=5, justification="x", recorded_by=gate_officer)
        Interview.objects.create(
            visit=visit, area=setting.wing, held_at=visit.starts_at, recorded_by=monitor
        )

    add_one(0)
    url = visit.get_absolute_url()
    for user in (director, monitor):
        login(client, user)
        client.get(url)
        one = count_queries(client, url)
        for n in range(1, 50):
            add_one(n)
        assert count_queries(client, url) == one
        Visitor.objects.filter(visit=visit, category=Category.EXPERT).delete()
        Delay.objects.all().delete()
        Interview.objects.all().delete()
        add_one(100)
