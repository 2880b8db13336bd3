"""Who may see and do what with a visit: each persona against each rule."""

import pytest

from tests.factories import staff
from visits import permissions
from visits.models import Visit, local_today

from .conftest import request

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(setting, world, ngo_member) -> Visit:
    return request(setting, world, ngo_member)[0]


# persona: (sees, decides, withdraws, works the gate, records a delay, writes minutes, identity)
RULES = {
    "director": (True, True, False, False, True, True, True),
    "coordinator": (True, False, False, False, False, True, True),
    "facility_officer": (True, True, False, False, True, True, False),
    "gate_officer": (False, False, False, False, True, False, False),
    "ngo_admin": (True, False, True, False, False, True, True),
    "ngo_member": (True, False, True, False, False, True, False),
    "reviewer": (False, False, False, False, False, False, False),
    "responsible_official": (False, False, False, False, False, False, False),
    "outsider": (False, False, False, False, False, False, False),
    "monitor": (False, False, False, False, False, False, False),
    "other_director": (False, False, False, False, False, False, False),
}


@pytest.mark.parametrize(("persona", "rules"), RULES.items())
def test_each_persona_against_each_rule(visit, persona, rules, request):
    user = request.getfixturevalue(persona)
    sees, decides, withdraws, gate, delay, minutes, identity = rules

    assert permissions.visits_for_user(user).filter(pk=visit.pk).exists() is sees
    assert permissions.can_decide_visit(user, visit) is decides
    assert permissions.can_withdraw_visit(user, visit) is withdraws
    assert permissions.can_work_gate(user, visit) is gate
    assert permissions.can_record_delay(user, visit) is delay
    assert permissions.can_write_minutes(user, visit) is minutes
    assert permissions.can_see_identity(user, visit) is identity


def test_on_the_day_the_gate_officer_sees_works_and_sees_identity(visit, gate_officer):
    Visit.objects.filter(pk=visit.pk).update(
        day=local_today(visit.facility), status=Visit.Status.APPROVED
    )
    visit.refresh_from_db()

    assert permissions.visits_for_user(gate_officer).filter(pk=visit.pk).exists()
    assert permissions.can_work_gate(gate_officer, visit)
    assert permissions.can_see_identity(gate_officer, visit)


def test_the_gate_officer_of_another_facility_never_sees_it(visit, world):
    Visit.objects.filter(pk=visit.pk).update(day=local_today(visit.facility))
    other_gate = staff("gina", "gate_officer", world.other_facility)

    assert not permissions.visits_for_user(other_gate).filter(pk=visit.pk).exists()
    assert not permissions.can_work_gate(other_gate, visit)


def test_nobody_may_decide_a_monitoring_visit_from_its_page(visit, facility_officer, director):
    visit.monitoring = True
    for user in (facility_officer, director):
        assert not permissions.visit_actions(user, visit).decide


def test_calendars_are_kept_by_the_facilitys_officer_and_the_directors(
    world, facility_officer, director, other_director, coordinator
):
    assert list(permissions.managed_facilities(facility_officer)) == [world.facility]
    assert set(permissions.managed_facilities(director)) == {world.facility, world.other_facility}
    assert not permissions.managed_facilities(other_director).filter(
        administration=world.administration
    )
    assert not permissions.managed_facilities(coordinator).exists()


def test_the_directory_shows_a_persons_identity_to_the_gate_only_on_the_day(
    visit, gate_officer, setting
):
    from directory.permissions import can_see_identity

    assert not can_see_identity(gate_officer, setting.john)
    Visit.objects.filter(pk=visit.pk).update(
        day=local_today(visit.facility), status=Visit.Status.APPROVED
    )
    assert can_see_identity(gate_officer, setting.john)
