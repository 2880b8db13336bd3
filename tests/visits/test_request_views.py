"""The request pages: who sees which visits, the two-step request with refusals that name the
clause and keep what was typed, the officer's decisions, and queries that do not grow."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from directory.models import Person
from tests.conftest import login
from tests.factories import PersonFactory, staff
from tests.support.pages import count_queries, text
from visits.models import Category, Visit, Visitor, local_today

from .conftest import request

pytestmark = pytest.mark.django_db


def url(name: str, *args: int) -> str:
    return reverse(f"visits:{name}", args=args)


@pytest.fixture
def visit(setting, world, ngo_member) -> Visit:
    return request(setting, world, ngo_member)[0]


# Who sees what ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["ngo_member", "ngo_admin", "facility_officer", "director", "coordinator"]
)
def test_the_people_concerned_see_the_visit(client, visit, persona, request):
    login(client, request.getfixturevalue(persona))

    assert visit.get_absolute_url() in client.get(url("visit_list")).content.decode()
    assert client.get(visit.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "other_director", "reviewer", "gate_officer"])
def test_others_do_not_know_the_visit(client, visit, persona, request):
    """The gate officer sees the visit only on its day."""
    login(client, request.getfixturevalue(persona))

    assert visit.get_absolute_url() not in client.get(url("visit_list")).content.decode()
    assert client.get(visit.get_absolute_url()).status_code == 404


def test_an_officer_of_another_facility_does_not_know_the_visit(client, visit, world):
    officer = staff("olga", "facility_officer", world.other_facility)
    login(client, officer)

    assert client.get(visit.get_absolute_url()).status_code == 404


def test_the_gate_officer_sees_the_visit_on_its_day(client, visit, gate_officer):
    Visit.objects.filter(pk=visit.pk).update(day=local_today(visit.facility))
    login(client, gate_officer)

    assert client.get(visit.get_absolute_url()).status_code == 200


def test_anonymous_users_are_sent_to_log_in(client, visit):
    for path in (url("visit_list"), visit.get_absolute_url(), url("visit_new")):
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_the_visit_is_read_in_the_facilitys_hours(client, visit, ngo_member):
    """The Central Penitentiary keeps Guatemala's time (UTC-6), not the server's (UTC): the
    window opens from 10:00 to 12:00 there, and the pages say so."""
    login(client, ngo_member)

    assert f"{date_format(visit.day)}, 10:00–12:00" in text(client.get(visit.get_absolute_url()))
    assert f"{date_format(visit.day)}, 10:00</a>" in text(client.get(url("visit_list")))


def test_identity_data_is_shown_to_the_organisations_administrators_and_the_vetting_staff(
    client, visit, ngo_admin, ngo_member, director, facility_officer
):
    number = Person.objects.get(full_name="John Representative").document_number
    for user, sees in (
        (ngo_admin, True),
        (director, True),
        (ngo_member, False),
        (facility_officer, False),
    ):
        login(client, user)
        page = client.get(visit.get_absolute_url()).content.decode()
        assert (number in page) is sees, user


# Requesting ------------------------------------------------------------------------------------


def _form(setting, **changes) -> dict:
    return {
        "window": setting.window.pk,
        "day": setting.day.isoformat(),
        "weeks": 1,
        "purpose": "service",
        "activity_type": setting.education.pk,
        "people": [setting.john.pk],
        "areas": [setting.wing.pk],
        "equipment": ["teaching_materials"],
        "notes": "Bring the reading books.",
    } | changes


def test_a_member_requests_a_visit_under_the_mou(client, setting, ngo_member):
    login(client, ngo_member)
    path = f"{url('visit_new')}?agreement={setting.agreement.pk}"

    assert "Education wing" in client.get(path).content.decode()
    response = client.post(path, _form(setting))

    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == visit.get_absolute_url()
    assert visit.notes == "Bring the reading books."


def test_the_only_mou_in_force_is_chosen_for_the_member(client, setting, ngo_member):
    login(client, ngo_member)

    page = client.get(url("visit_new")).content.decode()

    assert "Visiting window" in page
    assert setting.agreement.reference in page


def test_a_forbidden_area_is_refused_naming_the_clause_and_nothing_is_lost(
    client, setting, ngo_member
):
    login(client, ngo_member)
    path = f"{url('visit_new')}?agreement={setting.agreement.pk}"

    response = client.post(path, _form(setting, areas=[setting.segregation.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "off limits: Segregation unit" in page
    assert "clause 5, “Areas off limits”" in page
    assert "Bring the reading books." in page
    assert not Visit.objects.exists()


def test_staff_cannot_request_visits(client, setting, facility_officer):
    login(client, facility_officer)

    assert client.get(url("visit_new")).status_code == 403


def test_another_organisations_mou_cannot_be_used(client, setting, outsider):
    login(client, outsider)

    response = client.get(f"{url('visit_new')}?agreement={setting.agreement.pk}")

    assert "Visiting window" not in response.content.decode()


# Deciding ----------------------------------------------------------------------------------------


def test_the_officer_approves_from_the_visit_page(client, visit, facility_officer):
    login(client, facility_officer)

    assert "Approve" in client.get(visit.get_absolute_url()).content.decode()
    client.post(url("visit_approve", visit.pk))

    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.APPROVED


def test_the_organisation_cannot_decide_its_own_visit(client, visit, ngo_admin):
    login(client, ngo_admin)

    assert client.post(url("visit_approve", visit.pk)).status_code == 403
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.REQUESTED


def test_a_refusal_without_an_explanation_keeps_the_form(client, visit, facility_officer):
    login(client, facility_officer)

    response = client.post(url("visit_refuse", visit.pk), {"reason": "other", "note": ""})

    assert "Explain the reason." in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.REQUESTED


def test_a_reschedule_to_a_day_the_window_does_not_open_says_so(client, visit, facility_officer):
    login(client, facility_officer)

    response = client.post(
        url("visit_reschedule", visit.pk),
        {
            "window": visit.window_id,
            "day": (visit.day + timedelta(days=1)).isoformat(),
            "note": "Exams",
        },
    )

    assert "does not open on" in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).day == visit.day


def test_the_organisation_withdraws_its_visit(client, visit, ngo_member, facility_officer):
    login(client, facility_officer)
    assert client.post(url("visit_withdraw", visit.pk), {"note": ""}).status_code == 403

    login(client, ngo_member)
    client.post(url("visit_withdraw", visit.pk), {"note": "Our teacher is ill."})

    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.WITHDRAWN


# Queries ---------------------------------------------------------------------------------------


def test_the_list_makes_the_same_queries_for_one_visit_and_fifty(
    client, setting, world, ngo_member, director
):
    setting.agreement.visits_per_week = 100
    setting.agreement.visits_per_month = 100
    setting.agreement.save()
    request(setting, world, ngo_member)
    login(client, director)
    client.get(url("visit_list"))
    one = count_queries(client, url("visit_list"))
    first = Visit.objects.get()
    for n in range(1, 50):
        first.pk = None
        first.day = setting.day + timedelta(weeks=n)
        first.starts_at += timedelta(weeks=1)
        first.ends_at += timedelta(weeks=1)
        first.save()

    assert Visit.objects.count() == 50
    assert count_queries(client, url("visit_list")) == one


def test_the_visit_page_makes_the_same_queries_for_one_person_and_fifty(
    client, visit, world, director
):
    login(client, director)
    client.get(visit.get_absolute_url())
    one = count_queries(client, visit.get_absolute_url())
    people = [PersonFactory.create(organisation=world.organisation) for _ in range(49)]
    for person in people:
        Visitor.objects.create(
            visit=visit,
            person=person,
            category=Category.ORGANISATION,
            pass_code=Visitor.new_pass_code(),
        )

    assert count_queries(client, visit.get_absolute_url()) == one


def test_the_facility_filter_suggests_only_facilities_the_user_sees(
    client, visit, facility_officer, other_director
):
    login(client, facility_officer)
    names = [
        s["label"] for s in client.get(url("visit_choices", "facility") + "?q=e").json()["results"]
    ]
    assert "Central Penitentiary" in " ".join(names)
    assert "Women's Centre" not in " ".join(names)

    login(client, other_director)
    names = [
        s["label"] for s in client.get(url("visit_choices", "facility") + "?q=e").json()["results"]
    ]
    assert "Central Penitentiary" not in " ".join(names)

    response = client.get(url("visit_list") + f"?facility={visit.facility_id}")
    assert visit.get_absolute_url() not in response.content.decode()
