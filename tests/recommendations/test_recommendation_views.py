"""The recommendations list and a recommendation's page: the filters, both statuses side by side,
the verifications and the actions answering it, and queries that do not grow."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Recommendation, Report, Verification
from recommendations.services import plan, window
from recommendations.services import reports as report_services
from tests.conftest import login
from tests.support.pages import count_queries, text

from .conftest import past_visit, write_report

pytestmark = pytest.mark.django_db


def url(name: str, *args: int) -> str:
    return reverse(f"recommendations:{name}", args=args)


def listed(client, query: str = "") -> str:
    return text(client.get(f"{url('recommendation_list')}?{query}"))


@pytest.fixture
def answered(submitted, director) -> Recommendation:
    """Recommendation 1 accepted and, the organisation found, partly implemented; 2 rejected."""
    first, second = submitted.recommendations.order_by("number")
    window.recommendation_answer(
        actor=director, recommendation=first, response=Recommendation.Response.ACCEPTED
    )
    window.recommendation_answer(
        actor=director,
        recommendation=second,
        response=Recommendation.Response.REJECTED,
        reason="No budget this year.",
    )
    Recommendation.objects.filter(pk=first.pk).update(
        quick_win=True,
        claimed_status=Recommendation.Claimed.IMPLEMENTED,
        verified_status=Recommendation.Verified.PARTLY,
    )
    first.refresh_from_db()
    return first


@pytest.mark.parametrize(
    ("query", "numbers"),
    [
        ("", ["R1", "R2"]),
        ("response=accepted", ["R1"]),
        ("response=rejected", ["R2"]),
        ("response=none", []),
        ("quick_win=on", ["R1"]),
        ("claimed_status=implemented", ["R1"]),
        ("verified_status=partly", ["R1"]),
        ("verified_status=unverified", ["R2"]),
        ("priority=2", ["R1", "R2"]),
        ("priority=1", []),
        ("theme=activities", ["R1", "R2"]),
        ("theme=health", []),
        ("facility_name=Central", ["R1", "R2"]),
        ("organisation_name=Legal", []),
    ],
)
def test_the_list_filters(client, answered, director, query, numbers):
    login(client, director)

    page = listed(client, query)

    for number in ("R1", "R2"):
        assert (f">{number}</a>" in page) is (number in numbers), number


def test_the_facility_filter_suggests_the_facilities_of_the_recommendations_seen(
    client, submitted, director
):
    login(client, director)

    found = client.get(url("recommendation_choices", "facility") + "?q=e").json()["results"]

    assert [row["label"] for row in found] == ["Central Penitentiary"]


def test_the_page_shows_the_answer_and_both_statuses_side_by_side(client, answered, ngo_admin):
    login(client, ngo_admin)

    page = text(client.get(answered.get_absolute_url()))

    assert "Accepted" in page
    assert "<td>Implemented</td><td>Partly implemented</td>" in page
    assert "Nelson Mandela Rules, rule 104–105: Education and recreation" in page
    rejected = answered.report.recommendations.get(number=2)
    assert "No budget this year." in text(client.get(rejected.get_absolute_url()))


def test_the_page_lists_the_verifications_and_the_actions_answering_it(
    client, world, scene, answered, director, ngo_admin, responsible_official
):
    action = plan.action_create(
        actor=director,
        administration=world.administration,
        recommendations=[answered],
        title="Hire two teachers",
        responsible=responsible_official,
        due_on=timezone.localdate() + timedelta(days=30),
        effort="medium",
    )
    follow_up = past_visit(world, scene.agreement, ngo_admin, days_ago=1)
    Verification.objects.create(
        recommendation=answered,
        visit=follow_up,
        result=Recommendation.Verified.PARTLY,
        note="One teacher hired.",
        verified_by=ngo_admin,
        verified_at=timezone.now(),
    )
    login(client, ngo_admin)

    page = text(client.get(answered.get_absolute_url()))

    assert reverse("recommendations:action_detail", args=[action.pk]) in page
    assert "Hire two teachers" in page
    assert "One teacher hired." in page
    assert "Follow-up visit of" in page


def test_a_repeat_by_another_organisation_is_not_told(
    client, world, scene, submitted, recommendation, outsider, director
):
    """Lucía's clinic repeats the centre's recommendation in a draft: neither the centre nor
    the director hears of it."""
    visit = past_visit(
        world, scene.agreement, outsider, days_ago=1, organisation=world.other_organisation
    )
    theirs = report_services.report_create(actor=outsider, visit=visit, title="Clinic's visit")
    report_services.recommendation_add(
        actor=outsider,
        report=theirs,
        text="As the centre asked.",
        theme="activities",
        priority=2,
        repeats=recommendation,
    )
    for user in (director, submitted.created_by):
        login(client, user)
        page = text(client.get(recommendation.get_absolute_url()))
        assert "Repeated" not in page
        assert "Clinic's visit" not in page


def test_an_official_is_not_told_of_the_earlier_report_repeated(
    client, world, scene, submitted, recommendation, ngo_admin, director, responsible_official
):
    later_visit = past_visit(world, scene.agreement, ngo_admin, days_ago=1)
    later = report_services.report_create(actor=ngo_admin, visit=later_visit, title="Return")
    repeat = report_services.recommendation_add(
        actor=ngo_admin,
        report=later,
        text="Keep classes running, as asked before.",
        theme="activities",
        priority=1,
        repeats=recommendation,
    )
    report_services.report_submit(actor=ngo_admin, report=later)
    plan.action_create(
        actor=director,
        administration=world.administration,
        recommendations=[repeat],
        title="Hire two teachers",
        responsible=responsible_official,
        due_on=timezone.localdate() + timedelta(days=30),
        effort="medium",
    )
    login(client, responsible_official)

    page = text(client.get(repeat.get_absolute_url()))

    assert "Keep classes running, as asked before." in page
    assert "Visit to the education wing" not in page


# Queries ----------------------------------------------------------------------------------------


def _many(report: Report, count: int) -> None:
    first = report.recommendations.order_by("number").first()
    assert first is not None
    for number in range(2, count + 1):
        first.pk = None
        first.number = number
        first.save()


def test_the_list_makes_the_same_queries_for_one_recommendation_and_fifty(
    client, scene, ngo_admin, director
):
    report = report_services.report_submit(
        actor=ngo_admin, report=write_report(scene, ngo_admin, recommendations=1)
    )
    login(client, director)
    client.get(url("recommendation_list"))
    before = count_queries(client, url("recommendation_list"))

    _many(report, 50)

    assert listed(client).count("Recommendation 1: keep classes") == 50
    assert count_queries(client, url("recommendation_list")) == before


def test_the_page_makes_the_same_queries_for_one_repeat_verification_and_action_and_fifty(
    client, world, scene, submitted, recommendation, ngo_admin, director, responsible_official
):
    """Fifty later recommendations repeating it, fifty verifications, fifty actions."""
    later_visit = past_visit(world, scene.agreement, ngo_admin, days_ago=1)
    later = report_services.report_create(actor=ngo_admin, visit=later_visit, title="Return")
    report_services.recommendation_add(
        actor=ngo_admin,
        report=later,
        text="Again.",
        theme="activities",
        priority=1,
        repeats=recommendation,
    )
    report_services.report_submit(actor=ngo_admin, report=later)
    official = responsible_official
    action = plan.action_create(
        actor=director,
        administration=world.administration,
        recommendations=[recommendation],
        title="Hire two teachers",
        responsible=official,
        due_on=timezone.localdate() + timedelta(days=30),
        effort="medium",
    )
    verification = Verification.objects.create(
        recommendation=recommendation,
        result=Recommendation.Verified.PARTLY,
        verified_by=ngo_admin,
        verified_at=timezone.now(),
    )
    login(client, ngo_admin)
    path = recommendation.get_absolute_url()
    client.get(path)
    before = count_queries(client, path)

    _many(later, 50)
    for _n in range(49):
        verification.pk = None
        verification.save()
        action.pk = None
        action.title = "Another step"
        action.save()
        action.recommendations.set([recommendation])

    page = text(client.get(path))
    assert "Repeated 50 times" in page
    assert page.count("Partly implemented</td>") == 50
    assert page.count("Another step") == 49
    assert count_queries(client, path) == before
