"""The gate's rules: nobody enters before the briefing and the acknowledgement of the protocol in
force, nor without a clearance or a mandate in force; a search above the protocol's default is
justified; undeclared items stay out; a monitoring visit is never refused; what was written on
paper keeps its real time; every gate action is one audit entry."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from accreditation.models import Clearance
from activity.errors import DomainError
from activity.models import AuditEntry
from agreements.models import Equipment
from directory.models import Role
from tests.factories import staff
from visits import permissions
from visits.models import (
    Acknowledgement,
    Briefing,
    Category,
    Package,
    SearchLevel,
    Visit,
    Visitor,
    local_datetime,
    local_today,
)
from visits.services import gate

from .gate_world import (
    gate_day,
    hold_clock,
    make_ready,
    npm_with_member,
    publish_protocol,
    visit_on,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(monkeypatch, world, setting, director):
    return gate_day(monkeypatch, world, setting, director)


def check_in(visitor, actor, **changes):
    arguments = {"actor": actor, "visitor": visitor, "identity_confirmed": True} | changes
    return gate.visitor_check_in(**arguments)


def reasons(error: pytest.ExceptionInfo[DomainError]) -> str:
    return " ".join(error.value.reasons or [error.value.message])


# The briefing and the protocol ------------------------------------------------------------------


def test_nobody_is_checked_in_before_the_briefing_and_the_acknowledgement(day, gate_officer):
    with pytest.raises(DomainError) as refused:
        check_in(day.visitor, gate_officer)
    assert "has not had the facility's security and emergency briefing" in reasons(refused)
    assert "has not acknowledged version 1 of the entrance protocol" in reasons(refused)

    gate.briefing_record(actor=gate_officer, person=day.visitor.person, facility=day.visit.facility)
    with pytest.raises(DomainError) as still:
        check_in(day.visitor, gate_officer)
    assert "briefing" not in reasons(still)
    assert "has not acknowledged version 1" in reasons(still)

    gate.protocol_acknowledge(
        actor=gate_officer, person=day.visitor.person, protocol=day.protocol, on_paper=True
    )
    visitor = check_in(day.visitor, gate_officer)

    assert visitor.checked_in_at == day.now
    assert visitor.gate_status == Visitor.GateStatus.INSIDE


def test_the_acknowledgement_is_of_the_version_in_force(day, gate_officer, director):
    make_ready(day.visitor, day.protocol, gate_officer)
    publish_protocol(day.visit.facility, director, version=2)

    with pytest.raises(DomainError) as refused:
        check_in(day.visitor, gate_officer)

    assert "has not acknowledged version 2" in reasons(refused)
    with pytest.raises(DomainError, match="not the one in force"):
        gate.protocol_acknowledge(
            actor=gate_officer, person=day.visitor.person, protocol=day.protocol, on_paper=True
        )


def test_a_person_acknowledges_from_their_own_account_and_only_once(day, ngo_member, gate_officer):
    john = day.visitor.person
    with pytest.raises(DomainError, match="Only the person acknowledges"):
        gate.protocol_acknowledge(actor=ngo_member, person=john, protocol=day.protocol)
    john.user = ngo_member
    john.save()

    gate.protocol_acknowledge(actor=ngo_member, person=john, protocol=day.protocol)
    with pytest.raises(DomainError, match="already acknowledged"):
        gate.protocol_acknowledge(
            actor=gate_officer, person=john, protocol=day.protocol, on_paper=True
        )

    assert Acknowledgement.objects.get().recorded_by == ngo_member


def test_a_person_is_briefed_once_at_a_facility(day, facility_officer, gate_officer):
    gate.briefing_record(
        actor=facility_officer, person=day.visitor.person, facility=day.visit.facility
    )
    with pytest.raises(DomainError, match="already been briefed"):
        gate.briefing_record(
            actor=gate_officer, person=day.visitor.person, facility=day.visit.facility
        )
    assert Briefing.objects.get().given_by == facility_officer


def test_without_a_protocol_in_force_nobody_is_checked_in(day, gate_officer):
    make_ready(day.visitor, day.protocol, gate_officer)
    day.protocol.published_at = None
    day.protocol.save()

    with pytest.raises(DomainError, match="no entrance protocol in force"):
        check_in(day.visitor, gate_officer)


# Clearance, mandate and confidentiality ---------------------------------------------------------


def test_the_identity_document_must_be_confirmed(day, gate_officer):
    make_ready(day.visitor, day.protocol, gate_officer)
    with pytest.raises(DomainError, match="identity document matches"):
        check_in(day.visitor, gate_officer, identity_confirmed=False)


def test_a_person_whose_clearance_lapsed_is_not_let_in(day, gate_officer):
    make_ready(day.visitor, day.protocol, gate_officer)
    Clearance.objects.filter(person=day.visitor.person).update(
        valid_until=local_today(day.visit.facility) - timedelta(days=1)
    )

    with pytest.raises(DomainError) as refused:
        check_in(day.visitor, gate_officer)

    assert "John Representative's clearance is not in force" in reasons(refused)


def test_a_monitor_enters_under_the_bodys_mandate_in_force_only(day, world, director, gate_officer):
    npm, nadia = npm_with_member(world, director)
    stranger = nadia.organisation.people.create(
        full_name="Sam Stranger", document_type="passport", document_number="X1", nationality="A"
    )
    visit = visit_on(
        world,
        director,
        day.visit.day,
        [nadia, stranger],
        organisation=npm,
        monitoring=True,
        status=Visit.Status.NOTIFIED,
        category=Category.MONITOR,
    )
    member, outsider = visit.visitors.order_by("person__full_name")
    for visitor in (member, outsider):
        make_ready(visitor, day.protocol, gate_officer)

    entered = check_in(member, gate_officer)
    with pytest.raises(DomainError) as refused:
        check_in(outsider, gate_officer)

    assert entered.search_level == SearchLevel.IDENTITY  # the protocol's default for monitors
    assert "Sam Stranger is not a member of the registered mandate" in reasons(refused)


def test_a_joint_visit_cannot_start_until_each_expert_undertook_confidentiality(
    day, world, director, gate_officer
):
    npm, nadia = npm_with_member(world, director)
    lucia = world.other_organisation.people.get()
    visit = visit_on(
        world,
        director,
        day.visit.day,
        [nadia],
        organisation=npm,
        monitoring=True,
        status=Visit.Status.NOTIFIED,
        category=Category.MONITOR,
    )
    expert = Visitor.objects.create(
        visit=visit, person=lucia, category=Category.EXPERT, pass_code=Visitor.new_pass_code()
    )
    monitor = visit.visitors.get(person=nadia)
    make_ready(monitor, day.protocol, gate_officer)
    make_ready(expert, day.protocol, gate_officer)

    with pytest.raises(DomainError) as refused:
        check_in(monitor, gate_officer)

    assert "The visit cannot start until" in reasons(refused)
    assert "Lucía Lawyer" in reasons(refused)


def test_a_visit_is_checked_in_on_its_day_only(day, world, setting, director, gate_officer):
    tomorrow = visit_on(
        world,
        director,
        day.visit.day + timedelta(days=1),
        [setting.john],
        agreement=setting.agreement,
    )
    make_ready(day.visitor, day.protocol, gate_officer)

    with pytest.raises(DomainError, match="not today"):
        check_in(tomorrow.visitors.get(), gate_officer)


def test_a_visit_not_approved_lets_nobody_in(day, gate_officer):
    make_ready(day.visitor, day.protocol, gate_officer)
    Visit.objects.filter(pk=day.visit.pk).update(status=Visit.Status.REFUSED)

    with pytest.raises(DomainError, match="not expected"):
        check_in(day.visitor, gate_officer)


# Searches and items --------------------------------------------------------------------------


def test_the_protocols_search_applies_unless_a_higher_one_is_justified(
    day, gate_officer, director, coordinator, other_director
):
    make_ready(day.visitor, day.protocol, gate_officer)
    with pytest.raises(DomainError, match="write why a higher one is needed") as refused:
        check_in(day.visitor, gate_officer, search_level=SearchLevel.PAT_DOWN)
    assert refused.value.field == "search_justification"

    visitor = check_in(
        day.visitor,
        gate_officer,
        search_level=SearchLevel.PAT_DOWN,
        search_justification="The metal detector is out of order.",
    )

    assert visitor.search_level == SearchLevel.PAT_DOWN
    assert visitor.above_default_search
    entry = AuditEntry.objects.get(action="visitor.checked_in")
    assert entry.changes["search_justification"] == "The metal detector is out of order."
    assert entry.changes["default_level"] == SearchLevel.SCREENING
    assert list(permissions.searches_for_user(director)) == [visitor]
    assert list(permissions.searches_for_user(coordinator)) == [visitor]
    assert not permissions.searches_for_user(other_director).exists()
    with pytest.raises(PermissionDenied):
        permissions.searches_for_user(gate_officer)


def test_the_default_search_carries_no_justification(day, gate_officer, director):
    make_ready(day.visitor, day.protocol, gate_officer)

    visitor = check_in(day.visitor, gate_officer, search_justification="Routine.")

    assert visitor.search_level == SearchLevel.SCREENING
    assert visitor.search_justification == ""
    assert not permissions.searches_for_user(director).exists()


def test_an_item_not_declared_on_the_visit_stays_at_the_gate(day, gate_officer):
    make_ready(day.visitor, day.protocol, gate_officer)
    with pytest.raises(DomainError, match=r"Not declared on the visit.*Camera"):
        check_in(day.visitor, gate_officer, items=[Equipment.CAMERA])

    visitor = check_in(day.visitor, gate_officer, items=[Equipment.TEACHING_MATERIALS])

    assert visitor.items_declared == [Equipment.TEACHING_MATERIALS]


# Refusals, outcomes and late entries ---------------------------------------------------------


def test_entry_is_refused_with_a_reason(day, gate_officer):
    with pytest.raises(DomainError, match="Write why"):
        gate.visitor_refuse_entry(actor=gate_officer, visitor=day.visitor, note=" ")

    visitor = gate.visitor_refuse_entry(
        actor=gate_officer, visitor=day.visitor, note="Carried a phone and refused to leave it."
    )

    assert visitor.outcome == Visitor.Outcome.REFUSED_ENTRY
    assert visitor.gate_status == Visitor.GateStatus.REFUSED
    with pytest.raises(DomainError, match="Refused entry"):
        check_in(visitor, gate_officer)


def test_a_monitoring_visit_is_never_refused_at_the_gate(day, world, director, gate_officer):
    npm, nadia = npm_with_member(world, director)
    visit = visit_on(
        world,
        director,
        day.visit.day,
        [nadia],
        organisation=npm,
        monitoring=True,
        status=Visit.Status.NOTIFIED,
        category=Category.MONITOR,
    )

    with pytest.raises(DomainError, match="only a delay may be recorded"):
        gate.visitor_refuse_entry(actor=gate_officer, visitor=visit.visitors.get(), note="No.")

    assert visit.visitors.get().outcome == ""


def test_paper_entries_keep_their_real_times_and_are_marked(day, gate_officer):
    make_ready(day.visitor, day.protocol, gate_officer)
    facility = day.visit.facility
    came = local_datetime(facility, day.visit.day, time(10, 5))
    left = local_datetime(facility, day.visit.day, time(11, 40))
    with pytest.raises(DomainError, match="in the future"):
        check_in(day.visitor, gate_officer, at=day.now + timedelta(minutes=5))
    with pytest.raises(DomainError, match="Only today's entries"):
        check_in(day.visitor, gate_officer, at=came - timedelta(days=1))

    check_in(day.visitor, gate_officer, at=came)
    with pytest.raises(DomainError, match="cannot have left before"):
        gate.visitor_check_out(
            actor=gate_officer, visitor=day.visitor, at=came - timedelta(hours=1)
        )
    visitor = gate.visitor_check_out(actor=gate_officer, visitor=day.visitor, at=left)

    assert (visitor.checked_in_at, visitor.checked_out_at) == (came, left)
    assert visitor.checked_in_late and visitor.checked_out_late
    assert visitor.outcome == Visitor.Outcome.ATTENDED
    assert AuditEntry.objects.get(action="visitor.checked_out").changes["checked_out_late"] is True


def test_a_check_out_before_the_end_with_a_reason_cuts_the_visit_short(day, gate_officer):
    make_ready(day.visitor, day.protocol, gate_officer)
    check_in(day.visitor, gate_officer)

    visitor = gate.visitor_check_out(
        actor=gate_officer, visitor=day.visitor, cut_short="Lockdown in the education wing."
    )

    assert visitor.outcome == Visitor.Outcome.CUT_SHORT
    assert visitor.outcome_note == "Lockdown in the education wing."
    assert not visitor.checked_out_late
    with pytest.raises(DomainError, match="not inside"):
        gate.visitor_check_out(actor=gate_officer, visitor=visitor)


def test_a_no_show_is_marked_after_the_visits_hours(day, monkeypatch, gate_officer):
    with pytest.raises(DomainError, match="runs until 16:00"):
        gate.visitor_mark_no_show(actor=gate_officer, visitor=day.visitor)

    hold_clock(monkeypatch, day.visit.facility, time(16, 30))
    visitor = gate.visitor_mark_no_show(actor=gate_officer, visitor=day.visitor)

    assert visitor.outcome == Visitor.Outcome.NO_SHOW
    assert visitor.gate_status == Visitor.GateStatus.NO_SHOW
    assert Visitor.Outcome.DELAYED == "delayed"  # recorded by the delay, not by the gate


# Incidents and packages -------------------------------------------------------------------------


def test_an_incident_keeps_the_time_it_happened(day, gate_officer):
    when = local_datetime(day.visit.facility, day.visit.day, time(11, 0))

    incident = gate.incident_record(
        actor=gate_officer,
        visit=day.visit,
        occurred_at=when,
        description="A visitor felt faint; the nurse came.",
        entered_late=True,
    )

    assert (incident.occurred_at, incident.entered_late) == (when, True)
    with pytest.raises(DomainError, match="in the future"):
        gate.incident_record(
            actor=gate_officer,
            visit=day.visit,
            occurred_at=day.now + timedelta(hours=1),
            description="Not yet.",
        )


def test_a_package_not_simply_admitted_is_explained(day, world, setting, director, gate_officer):
    other = visit_on(world, director, day.visit.day, [], agreement=setting.agreement)
    stranger = Visitor.objects.create(
        visit=other,
        person=world.other_organisation.people.get(),
        category=Category.ORGANISATION,
        pass_code=Visitor.new_pass_code(),
    )
    arguments = {"actor": gate_officer, "visit": day.visit, "description": "Books"}
    with pytest.raises(DomainError, match="Explain"):
        gate.package_register(**arguments, result=Package.Result.REFUSED)
    with pytest.raises(DomainError, match="person on this visit"):
        gate.package_register(**arguments, result=Package.Result.ADMITTED, brought_by=stranger)

    package = gate.package_register(
        **arguments, result=Package.Result.HELD, brought_by=day.visitor, note="Until the end."
    )

    assert (package.brought_by, package.result) == (day.visitor, Package.Result.HELD)


# The audit trail ------------------------------------------------------------------------------


def test_every_gate_action_writes_exactly_one_audit_entry(day, monkeypatch, gate_officer):
    john = day.visitor.person
    facility = day.visit.facility
    steps = [
        (
            "briefing.recorded",
            lambda: gate.briefing_record(actor=gate_officer, person=john, facility=facility),
        ),
        (
            "protocol.acknowledged",
            lambda: gate.protocol_acknowledge(
                actor=gate_officer, person=john, protocol=day.protocol, on_paper=True
            ),
        ),
        ("visitor.checked_in", lambda: check_in(day.visitor, gate_officer)),
        (
            "incident.recorded",
            lambda: gate.incident_record(
                actor=gate_officer, visit=day.visit, description="Alarm test."
            ),
        ),
        (
            "package.registered",
            lambda: gate.package_register(
                actor=gate_officer,
                visit=day.visit,
                description="Books",
                result=Package.Result.ADMITTED,
            ),
        ),
        (
            "visitor.checked_out",
            lambda: gate.visitor_check_out(actor=gate_officer, visitor=day.visitor),
        ),
    ]
    for action, step in steps:
        before = last_seq()
        step()
        assert written_since(before) == [action]
    other = staff("gloria", Role.GATE_OFFICER, facility)
    second = Visitor.objects.create(
        visit=day.visit,
        person=day.visit.organisation.people.create(
            full_name="Second Person", document_type="passport", document_number="P2"
        ),
        category=Category.ORGANISATION,
        pass_code=Visitor.new_pass_code(),
    )
    third = Visitor.objects.create(
        visit=day.visit,
        person=day.visit.organisation.people.create(
            full_name="Third Person", document_type="passport", document_number="P3"
        ),
        category=Category.ORGANISATION,
        pass_code=Visitor.new_pass_code(),
    )
    before = last_seq()
    gate.visitor_refuse_entry(actor=other, visitor=second, note="No document.")
    assert written_since(before) == ["visitor.refused_entry"]
    hold_clock(monkeypatch, facility, time(17, 0))
    before = last_seq()
    gate.visitor_mark_no_show(actor=other, visitor=third)
    assert written_since(before) == ["visitor.marked_no_show"]


def last_seq() -> int:
    last = AuditEntry.objects.order_by("-seq").first()
    return last.seq if last else 0


def written_since(seq: int) -> list[str]:
    return list(
        AuditEntry.objects.filter(seq__gt=seq).order_by("seq").values_list("action", flat=True)
    )
