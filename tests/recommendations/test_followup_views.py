"""The follow-up pages: a visit's checklist is the visiting organisation's and the
administration's staff's, nobody else's; the organisation records what it verified, during or
after the visit; the list of follow-up visits counts the items and those verified; queries do
not grow with the rows."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from recommendations.models import Recommendation, Verification
from tests.conftest import login
from tests.support.pages import assert_login_redirect, count_queries, text
from visits.models import Purpose, Visit

from .conftest import past_visit
from .plan_support import request_visit

pytestmark = pytest.mark.django_db


def url(name: str, *args: int) -> str:
    return reverse(f"recommendations:{name}", args=args)


@pytest.fixture
def visit(world, scene, submitted, ngo_admin) -> Visit:
    """A follow-up visit next Tuesday, its checklist holding the report's two recommendations."""
    return request_visit(world, scene, ngo_admin)


def checklist(visit: Visit) -> str:
    return url("visit_checklist", visit.pk)


@pytest.mark.parametrize("persona", ["ngo_admin", "ngo_member", "director", "coordinator"])
def test_the_visiting_organisation_and_the_staff_read_the_checklist(
    client, visit, persona, request
):
    login(client, request.getfixturevalue(persona))

    page = text(client.get(checklist(visit)))
    assert "Recommendation 1: keep classes running" in page
    assert "Recommendation 2: keep classes running" in page
    assert "High" in page and "Not started" in page and "Not verified yet" in page
    assert checklist(visit) in text(client.get(url("followup_list")))


@pytest.mark.parametrize(
    "persona", ["outsider", "other_director", "facility_officer", "gate_officer"]
)
def test_nobody_else_knows_the_checklist(client, visit, persona, request):
    login(client, request.getfixturevalue(persona))

    assert client.get(checklist(visit)).status_code == 404
    assert checklist(visit) not in text(client.get(url("followup_list")))
    row = Verification.objects.filter(visit=visit).first()
    post = client.post(url("checklist_verify", visit.pk, row.pk), {f"c{row.pk}-result": "partly"})
    assert post.status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, visit):
    for path in (checklist(visit), url("followup_list")):
        assert_login_redirect(client.get(path), path)


def test_the_organisation_records_what_it_verified_during_the_visit_not_before(
    client, visit, ngo_admin
):
    row = Verification.objects.filter(visit=visit).order_by("recommendation__number").first()
    data = {f"c{row.pk}-result": "partly", f"c{row.pk}-note": "Two classes of five held."}
    login(client, ngo_admin)

    early = client.post(url("checklist_verify", visit.pk, row.pk), data)
    assert early.status_code == 200
    assert "Record what you verified during or after the visit." in text(early)

    with time_machine.travel(visit.starts_at + timedelta(minutes=30), tick=False):
        login(client, ngo_admin)
        done = client.post(url("checklist_verify", visit.pk, row.pk), data)
    assert done.status_code == 302
    assert done["Location"] == f"{checklist(visit)}#item-{row.pk}"
    row.refresh_from_db()
    assert (row.result, row.note) == ("partly", "Two classes of five held.")
    assert row.recommendation.verified_status == Recommendation.Verified.PARTLY

    page = text(client.get(url("followup_list")))
    assert "1 of 2" in page


def test_the_staff_read_the_checklist_but_do_not_fill_it(client, visit, director):
    row = Verification.objects.filter(visit=visit).first()
    login(client, director)

    assert url("checklist_verify", visit.pk, row.pk) not in text(client.get(checklist(visit)))
    response = client.post(
        url("checklist_verify", visit.pk, row.pk), {f"c{row.pk}-result": "implemented"}
    )
    assert response.status_code == 403
    assert "Only the visiting organisation records what it verified." in text(response)


def test_past_follow_up_visits_are_listed_apart(client, visit, ngo_admin):
    Visit.objects.filter(pk=visit.pk).update(
        starts_at=visit.starts_at - timedelta(days=30), ends_at=visit.ends_at - timedelta(days=30)
    )
    login(client, ngo_admin)

    assert checklist(visit) not in text(client.get(url("followup_list")))
    assert checklist(visit) in text(client.get(url("followup_list"), {"when": "past"}))


def test_a_visit_without_a_checklist_is_not_a_follow_up(client, world, scene, ngo_admin):
    service = request_visit(world, scene, ngo_admin, purpose=Purpose.SERVICE)
    login(client, ngo_admin)

    assert checklist(service) not in text(client.get(url("followup_list")))


# Queries ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["ngo_admin", "director"])
def test_the_checklist_makes_as_many_queries_for_50_items_as_for_1(
    client, visit, submitted, persona, request
):
    first = Verification.objects.filter(visit=visit).order_by("recommendation__number")
    first.exclude(pk=first[0].pk).delete()
    login(client, request.getfixturevalue(persona))
    client.get(checklist(visit))
    one = count_queries(client, checklist(visit))

    template = submitted.recommendations.first()
    made = Recommendation.objects.bulk_create(
        Recommendation(
            report=submitted,
            administration=submitted.administration,
            organisation=submitted.organisation,
            facility=submitted.facility,
            number=number,
            text=f"Recommendation {number}.",
            theme=template.theme,
        )
        for number in range(3, 52)
    )
    Verification.objects.bulk_create(Verification(visit=visit, recommendation=r) for r in made)

    assert Verification.objects.filter(visit=visit).count() == 50
    assert count_queries(client, checklist(visit)) == one


@pytest.mark.parametrize("persona", ["ngo_admin", "director"])
def test_the_follow_up_list_makes_as_many_queries_for_50_visits_as_for_1(
    client, visit, scene, world, recommendation, persona, request, ngo_admin
):
    login(client, request.getfixturevalue(persona))
    client.get(url("followup_list"))
    one = count_queries(client, url("followup_list"))

    for n in range(49):
        more = past_visit(
            world, scene.agreement, ngo_admin, days_ago=-(n + 10), purpose=Purpose.FOLLOW_UP
        )
        Verification.objects.create(visit=more, recommendation=recommendation)

    page = text(client.get(url("followup_list")))
    assert page.count("0 of 1") == 49
    assert count_queries(client, url("followup_list")) == one
