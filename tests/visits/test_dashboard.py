"""The visits panels of the dashboard: what waits on the visits officer, the gate's day, an
organisation's coming visits, the administration's counts; each the same size and the same
queries however many visits there are, and nothing of another facility, organisation or
administration."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directory.models import Facility
from tests.conftest import login
from tests.support.pages import count_queries, text
from visits.models import Visit, Visitor, local_today
from visits.selectors import VISITS_ON_DASHBOARD, dashboard_panels

from .rows import visit_row, visit_rows

pytestmark = pytest.mark.django_db


def panel(user, name: str):
    found = [p for p in dashboard_panels(user) if p.template == f"visits/panels/{name}.html"]
    assert len(found) == 1, [p.template for p in dashboard_panels(user)]
    return found[0].context


@pytest.fixture
def ours(world, setting, ngo_member):
    return {
        "facility": world.facility,
        "organisation": world.organisation,
        "requested_by": ngo_member,
        "agreement": setting.agreement,
    }


@pytest.fixture
def elsewhere(world, setting, outsider, other_administration):
    """Visits the first facility's staff and the organisation must not count: at the other
    facility, of the other organisation, in the other administration; today, inside,
    awaiting a decision and in review."""
    erbil = Facility.objects.get(administration=other_administration)
    lucia = world.other_organisation.people.get()
    made = []
    for facility, organisation in [
        (world.other_facility, world.organisation),
        (erbil, world.other_organisation),
    ]:
        common = {"facility": facility, "organisation": organisation, "requested_by": outsider}
        today = visit_row(**common, day=local_today(facility), people=[lucia])
        Visitor.objects.filter(visit=today).update(checked_in_at=timezone.now())
        made += [
            today,
            visit_row(**common, status=Visit.Status.REQUESTED, agreement=setting.agreement),
            visit_row(**common, status=Visit.Status.IN_REVIEW, agreement=setting.agreement),
        ]
    return made


def inside(visit: Visit) -> None:
    Visitor.objects.filter(visit=visit).update(checked_in_at=timezone.now())


def test_the_officer_sees_the_requests_the_oldest_limit_first_and_the_days_counts(
    world, setting, ours, facility_officer, elsewhere
):
    now = timezone.now()
    later = visit_row(**ours, status=Visit.Status.REQUESTED, decide_by=now + timedelta(days=3))
    sooner = visit_row(**ours, status=Visit.Status.REQUESTED, decide_by=now + timedelta(hours=5))
    visit_row(**ours, status=Visit.Status.REQUESTED, decide_by=now - timedelta(hours=1))  # expired
    visit_row(**ours, status=Visit.Status.IN_REVIEW)
    today = visit_row(**ours, day=local_today(world.facility), people=[setting.john])
    inside(today)
    visit_row(**ours, day=local_today(world.facility), status=Visit.Status.REFUSED)

    context = panel(facility_officer, "officer")

    assert context["awaiting"] == [sooner, later]
    assert context["counts"] == {"awaiting": 2, "in_review": 1, "today": 1}
    assert context["inside"] == 1


def test_the_officer_panel_names_a_fixed_number_of_requests(ours, facility_officer):
    visit_rows(VISITS_ON_DASHBOARD + 3, status=Visit.Status.REQUESTED, **ours)

    context = panel(facility_officer, "officer")

    assert len(context["awaiting"]) == VISITS_ON_DASHBOARD
    assert context["counts"]["awaiting"] == VISITS_ON_DASHBOARD + 3


def test_the_gate_sees_todays_expected_visits_and_who_is_inside(
    world, setting, ours, gate_officer, elsewhere
):
    today = visit_row(**ours, day=local_today(world.facility), people=[setting.john])
    visit_row(**ours, day=local_today(world.facility), status=Visit.Status.REQUESTED)
    visit_row(**ours, day=local_today(world.facility) + timedelta(days=1))
    inside(today)

    assert panel(gate_officer, "gate") == {"expected": 1, "inside": 1}


def test_the_organisation_sees_its_coming_visits_still_on_with_their_status(
    world, setting, ours, ngo_member, outsider
):
    visit_row(
        **(ours | {"organisation": world.other_organisation, "requested_by": outsider}),
        status=Visit.Status.REQUESTED,
    )
    first = visit_row(**ours, status=Visit.Status.REQUESTED)
    second = visit_row(**ours, status=Visit.Status.IN_REVIEW, day=first.day + timedelta(days=1))
    third = visit_row(**ours, day=first.day + timedelta(days=2))
    visit_row(**ours, status=Visit.Status.WITHDRAWN)
    visit_row(**ours, day=local_today(world.facility) - timedelta(days=3))
    visit_row(**ours, status=Visit.Status.REQUESTED, decide_by=timezone.now() - timedelta(hours=1))

    context = panel(ngo_member, "organisation")

    assert context["coming"] == [first, second, third]
    assert context["counts"] == {"coming": 3, "awaiting": 1}


@pytest.mark.parametrize("persona", ["director", "coordinator"])
def test_the_administration_counts_what_is_in_review_and_awaiting(
    request, ours, elsewhere, persona
):
    visit_row(**ours, status=Visit.Status.REQUESTED)
    visit_row(**ours, status=Visit.Status.REQUESTED)
    visit_row(**ours, status=Visit.Status.IN_REVIEW)

    counts = panel(request.getfixturevalue(persona), "administration")["counts"]

    # Its own three, and the two at its other facility; none of the other administration's.
    assert counts == {"awaiting": 3, "in_review": 2}


def test_the_other_administration_sees_nothing_of_the_first(ours, other_director):
    visit_row(**ours, status=Visit.Status.REQUESTED)
    visit_row(**ours, status=Visit.Status.IN_REVIEW)

    assert panel(other_director, "administration")["counts"] == {"awaiting": 0, "in_review": 0}


def test_an_outsider_sees_no_count_of_another_organisation(ours, outsider):
    visit_row(**ours, status=Visit.Status.REQUESTED)

    assert panel(outsider, "organisation") == {"coming": [], "counts": {"coming": 0, "awaiting": 0}}


def test_someone_with_no_visits_role_has_no_visits_panel(reviewer, responsible_official):
    for user in (reviewer, responsible_official):
        assert not [p for p in dashboard_panels(user) if p.template.startswith("visits/")]


@pytest.mark.parametrize(
    ("persona", "words"),
    [
        ("facility_officer", "2 requests await your decision."),
        ("gate_officer", "Visits expected today"),
        ("ngo_member", "2 requests await the facility's decision."),
        ("director", "Requests awaiting a decision"),
    ],
)
def test_the_dashboard_shows_the_panel(request, client, ours, persona, words):
    visit_rows(2, status=Visit.Status.REQUESTED, **ours)
    login(client, request.getfixturevalue(persona))

    page = text(client.get(reverse("dashboard")))

    assert words in page
    assert reverse("visits:visit_list") in page


@pytest.mark.parametrize("persona", ["facility_officer", "gate_officer", "ngo_member", "director"])
def test_the_dashboard_makes_the_same_queries_for_one_visit_and_fifty(
    request, client, world, setting, ours, persona
):
    login(client, request.getfixturevalue(persona))
    today = local_today(world.facility)

    def add(count: int) -> None:
        for status in (Visit.Status.REQUESTED, Visit.Status.IN_REVIEW, Visit.Status.APPROVED):
            visit_rows(count, status=status, people=[setting.john], **ours)
        visits = visit_rows(count, day=today, people=[setting.john], **ours)
        Visitor.objects.filter(visit__in=visits).update(checked_in_at=timezone.now())

    add(1)
    client.get(reverse("dashboard"))
    one = count_queries(client, reverse("dashboard"))

    add(49)

    assert count_queries(client, reverse("dashboard")) == one


def test_the_administrations_counts_are_read_from_its_own_queue_index(director, ours):
    """The director's counts come from the administration's queue index, not from walking every
    facility's queue (7 ms of a dashboard over a country's million visits)."""
    # As in any administration, the queue is a few of its visits: the planner knows it.
    visit_rows(3, status=Visit.Status.REQUESTED, **ours)
    visit_rows(500, status=Visit.Status.APPROVED, **ours)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE visits_visit")
    with CaptureQueriesContext(connection) as captured:
        panel(director, "administration")
    (counts,) = [q["sql"] for q in captured.captured_queries if "FILTER" in q["sql"]]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {counts}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "visit_admin_queue_idx" in plan
