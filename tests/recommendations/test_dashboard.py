"""The recommendations dashboard and panels: the figures on a small known set, each person's
figures and nobody else's (a draft counted nowhere, a confidential report's figures only for its
organisation and its administration), SVG that parses and escapes its labels, and the same
queries for one row as for fifty."""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directory.models import Facility
from recommendations import selectors
from recommendations.models import (
    Action,
    Effort,
    Priority,
    Recommendation,
    Report,
    Theme,
    Verification,
)
from tests.conftest import login
from tests.factories import FacilityFactory
from tests.recommendations.conftest import past_visit
from tests.support.pages import assert_login_redirect, count_queries, text
from visits.models import Purpose, Visit

pytestmark = pytest.mark.django_db

URL = "/recommendations/dashboard/"
DAY = timedelta(days=1)
IMPLEMENTED = Recommendation.Verified.IMPLEMENTED


def well_formed(markup: str) -> ET.Element:
    """The markup parsed as XML, which fails unless it is well formed. It is the app's own
    output, so the standard parser's weakness against hostile documents does not apply."""
    return ET.fromstring(markup)  # noqa: S314


def report_row(scene, author, *, facility, status=Report.Status.SUBMITTED, **fields) -> Report:
    """A report written straight to the database, in any state and at any date."""
    values = {
        "administration": facility.administration,
        "organisation": scene.visit.organisation,
        "facility": facility,
        "visit": scene.visit,
        "agreement": scene.agreement,
        "title": f"Visit to {facility.name}",
        "status": status,
        "created_by": author,
    }
    if status != Report.Status.DRAFT:
        values["submitted_at"] = timezone.now()
    if status == Report.Status.PUBLISHED:
        values["published_at"] = timezone.now()
    values.update(fields)
    return Report.objects.create(**values)


def rec_row(report: Report, theme: str, priority: int, *, took: int | None = None, **fields):
    """A recommendation of the report; ``took`` days after the submission it was verified
    implemented."""
    if took is not None:
        assert report.submitted_at is not None
        fields |= {
            "verified_status": IMPLEMENTED,
            "implemented_at": report.submitted_at + took * DAY,
        }
    return Recommendation.objects.create(
        report=report,
        administration_id=report.administration_id,
        organisation_id=report.organisation_id,
        facility_id=report.facility_id,
        number=report.recommendations.count() + 1,
        text="Keep the classes running.",
        theme=theme,
        priority=priority,
        **fields,
    )


def action_row(rec: Recommendation, responsible, *, late: int, **fields) -> Action:
    """An action due ``late`` days ago (before today when positive)."""
    action = Action.objects.create(
        administration_id=rec.administration_id,
        organisation_id=rec.organisation_id,
        title="Hire two teachers",
        responsible=responsible,
        due_on=timezone.localdate() - late * DAY,
        effort=Effort.MEDIUM,
        created_by=responsible,
        **fields,
    )
    action.recommendations.add(rec)
    return action


@dataclass
class Figures:
    first: Report
    second: Report
    erbil: Facility


@pytest.fixture
def figures(world, scene, submitted, ngo_admin, responsible_official, other_administration):
    """The first administration's figures, by hand:

    Central Penitentiary (the submitted report): 1 and 2 high, activities, the first verified
    implemented 10 days after submission, both claimed implemented; 3 urgent health,
    rejected; 4 urgent health, verified implemented after 30 days, not claimed.
    Women's Centre (a report submitted 100 days ago): 5 and 6 low, women, the first
    implemented after 50 days; 7 and 8 high, women, implemented after 20 and 60 days; 9
    urgent, health, after 40 days.
    A draft at the Women's Centre, whose recommendations claim everything, counts nowhere;
    the second administration has a confidential report of the Legal Aid Clinic at Erbil.
    Overdue actions: 1 and 30 days, 31 and 90, 91, 181; not counted: due today, completed,
    cancelled, and one of the second administration."""
    r1, r2 = submitted.recommendations.order_by("number")
    Recommendation.objects.filter(pk=r1.pk).update(
        verified_status=IMPLEMENTED,
        implemented_at=submitted.submitted_at + 10 * DAY,
        claimed_status=Recommendation.Claimed.IMPLEMENTED,
    )
    Recommendation.objects.filter(pk=r2.pk).update(
        claimed_status=Recommendation.Claimed.IMPLEMENTED
    )
    rec_row(submitted, Theme.HEALTH, Priority.URGENT, response=Recommendation.Response.REJECTED)
    rec_row(submitted, Theme.HEALTH, Priority.URGENT, took=30)
    second = report_row(
        scene,
        ngo_admin,
        facility=world.other_facility,
        submitted_at=timezone.now() - 100 * DAY,
        status=Report.Status.RELEASED,
    )
    rec_row(second, Theme.WOMEN, Priority.LOW, took=50)
    rec_row(second, Theme.WOMEN, Priority.LOW)
    rec_row(second, Theme.WOMEN, Priority.HIGH, took=20)
    rec_row(second, Theme.WOMEN, Priority.HIGH, took=60)
    rec_row(second, Theme.HEALTH, Priority.URGENT, took=40)
    draft = report_row(scene, ngo_admin, facility=world.other_facility, status=Report.Status.DRAFT)
    for _ in range(3):
        rec_row(
            draft,
            Theme.WOMEN,
            Priority.LOW,
            verified_status=IMPLEMENTED,
            claimed_status=Recommendation.Claimed.IMPLEMENTED,
            implemented_at=timezone.now(),
        )
    erbil = Facility.objects.get(administration=other_administration)
    foreign = report_row(
        scene, ngo_admin, facility=erbil, organisation=world.other_organisation, agreement=None
    )
    foreign_rec = rec_row(foreign, Theme.SAFETY, Priority.URGENT, took=5)
    for late in (1, 30, 31, 90, 91, 181):
        action_row(r1, responsible_official, late=late)
    action_row(r1, responsible_official, late=0)
    action_row(r1, responsible_official, late=40, status=Action.Status.COMPLETED)
    action_row(r1, responsible_official, late=40, status=Action.Status.CANCELLED)
    action_row(foreign_rec, responsible_official, late=10)
    return Figures(submitted, second, erbil)


def rows(rates) -> list[tuple]:
    return [(r.label, r.total, r.verified, r.claimed, r.claimed_only) for r in rates]


# The figures ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["director", "coordinator", "ngo_admin", "ngo_member"])
def test_implementation_rates_count_submitted_recommendations_not_rejected(
    request, figures, persona
):
    user = request.getfixturevalue(persona)

    assert rows(selectors.rates_by_facility(user)) == [
        ("Women's Centre", 5, 4, 0, 0),
        ("Central Penitentiary", 3, 2, 2, 1),
    ]
    assert rows(selectors.rates_by_theme(user)) == [
        ("Health care", 2, 2, 0, 0),
        ("Education, work and activities", 2, 1, 2, 1),
        ("Women in detention", 4, 3, 0, 0),
    ]
    by_priority = selectors.rates_by_priority(user)
    assert rows(by_priority) == [
        ("Urgent", 2, 2, 0, 0),
        ("High", 4, 3, 2, 1),
        ("Low", 2, 1, 0, 0),
    ]
    assert [r.rate for r in by_priority] == [1.0, 0.75, 0.5]
    assert [r.rest for r in by_priority] == [0, 0, 1]


def test_facilities_beyond_the_chart_are_added_up_in_one_row(world, scene, submitted, director):
    report = submitted
    for n in range(selectors.FACILITIES_ON_CHART + 2):
        facility = FacilityFactory(administration=world.administration, name=f"Probe {n:02d}")
        other = report_row(scene, report.created_by, facility=facility)
        rec_row(other, Theme.HEALTH, Priority.LOW, took=1)

    rates = selectors.rates_by_facility(director)

    assert len(rates) == selectors.FACILITIES_ON_CHART + 1
    assert rates[0].label == "Central Penitentiary"
    assert (rates[-1].label, rates[-1].total, rates[-1].verified) == ("3 other facilities", 3, 3)


def test_overdue_actions_by_age(figures, director, ngo_member, responsible_official):
    expected = [("1–30 days", 2), ("31–90 days", 2), ("91–180 days", 1), ("Over 180 days", 1)]
    for user in (director, ngo_member):
        assert [(a.label, a.count) for a in selectors.overdue_ageing(user)] == expected


def test_time_to_implement_median_and_mean_by_priority(figures, director, ngo_admin):
    for user in (director, ngo_admin):
        found = [(t.label, t.count, t.median, t.mean) for t in selectors.time_to_implement(user)]
        assert found == [
            ("Urgent", 2, 35.0, 35.0),
            ("High", 3, 20.0, 30.0),
            ("Low", 1, 50.0, 50.0),
        ]


@pytest.fixture
def follow_up(world, scene, ngo_admin, figures) -> Visit:
    """A follow-up visit next week whose checklist holds two of the recommendations."""
    visit = past_visit(world, scene.agreement, ngo_admin, days_ago=-7, purpose=Purpose.FOLLOW_UP)
    for rec in figures.second.recommendations.filter(verified_status="unverified")[:1]:
        Verification.objects.create(recommendation=rec, visit=visit)
    for rec in figures.first.recommendations.filter(number=2):
        Verification.objects.create(recommendation=rec, visit=visit)
    withdrawn = past_visit(
        world,
        scene.agreement,
        ngo_admin,
        days_ago=-8,
        purpose=Purpose.FOLLOW_UP,
        status=Visit.Status.WITHDRAWN,
    )
    Verification.objects.create(
        recommendation=figures.first.recommendations.first(), visit=withdrawn
    )
    Verification.objects.create(
        recommendation=figures.first.recommendations.first(), visit=scene.visit
    )
    return visit


def test_the_follow_up_tracker_names_coming_visits_with_their_checklists(
    follow_up, director, coordinator, ngo_member
):
    for user in (director, coordinator, ngo_member):
        tracker = selectors.follow_up_tracker(user)
        assert [(v.visit_id, v.items, v.facility) for v in tracker.visits] == [
            (follow_up.pk, 2, "Central Penitentiary")
        ]
        assert tracker.total == 1


# Each person's figures only ------------------------------------------------------------------


def test_a_draft_is_counted_nowhere(world, scene, draft, director, ngo_admin):
    Recommendation.objects.filter(report=draft).update(
        verified_status=IMPLEMENTED, implemented_at=timezone.now()
    )
    for user in (director, ngo_admin):
        assert selectors.rates_by_facility(user) == []
        assert selectors.rates_by_theme(user) == []
        assert selectors.time_to_implement(user) == []
    panel = organisation_panel(ngo_admin)
    assert panel["total"] == 0
    assert panel["reports"] == {"embargo": 0, "publishable": 0, "published": 0}
    assert staff_panel(director)["open"] == 0


@pytest.mark.parametrize("persona", ["other_director", "outsider"])
def test_another_administration_or_organisation_sees_none_of_the_figures(
    request, figures, follow_up, persona
):
    """The second administration's director and the Legal Aid Clinic see the clinic's report
    at Erbil, and nothing of the first administration's."""
    user = request.getfixturevalue(persona)

    assert rows(selectors.rates_by_facility(user)) == [("Erbil Reformatory", 1, 1, 0, 0)]
    assert rows(selectors.rates_by_priority(user)) == [("Urgent", 1, 1, 0, 0)]
    assert [t.count for t in selectors.time_to_implement(user)] == [1]
    assert selectors.follow_up_tracker(user).visits == []
    ageing = sum(a.count for a in selectors.overdue_ageing(user))
    assert ageing == 1


@pytest.mark.parametrize("persona", ["monitor", "gate_officer", "reviewer", "facility_officer"])
def test_others_count_nothing(request, figures, follow_up, persona):
    user = request.getfixturevalue(persona)
    assert selectors.rates_by_facility(user) == []
    assert selectors.time_to_implement(user) == []
    assert sum(a.count for a in selectors.overdue_ageing(user)) == 0
    assert selectors.follow_up_tracker(user).total == 0
    if persona == "monitor":
        # The monitoring body's own panel, empty.
        context = organisation_panel(user)
        assert context["total"] == 0
        assert context["reports"] == {"embargo": 0, "publishable": 0, "published": 0}
    else:
        assert selectors.dashboard_panels(user) == []


def test_a_confidential_report_reaches_only_its_organisation_and_administration(
    client, request, figures
):
    marker = "Central Penitentiary"
    for persona in ("director", "coordinator", "ngo_member"):
        client.logout()
        assert marker in text(login(client, request.getfixturevalue(persona)).get(URL))
    for persona in ("other_director", "outsider"):
        client.logout()
        page = text(login(client, request.getfixturevalue(persona)).get(URL))
        assert "Erbil Reformatory" in page
        assert marker not in page
        assert "Women's Centre" not in page
        dashboard = text(client.get("/"))
        assert figures.first.title not in dashboard


# The panels -----------------------------------------------------------------------------------


def panel_of(user, name: str) -> dict:
    found = [
        p
        for p in selectors.dashboard_panels(user)
        if p.template == f"recommendations/panels/{name}.html"
    ]
    assert len(found) == 1
    return found[0].context


def staff_panel(user) -> dict:
    return panel_of(user, "administration")


def organisation_panel(user) -> dict:
    return panel_of(user, "organisation")


def test_the_staff_panel_counts_open_recommendations_overdue_actions_and_waiting_reports(
    figures, director, coordinator
):
    for user in (director, coordinator):
        context = staff_panel(user)
        # 2, and 6 at the Women's Centre: the others are implemented or rejected.
        assert context["open"] == 2
        assert context["overdue"] == 6
        assert context["awaiting"] == [(figures.first, 29)]
        assert context["awaiting_count"] == 1


def test_the_staff_panels_counts_are_kept_a_few_minutes_for_each_user(
    settings, world, figures, director, coordinator, other_director
):
    """Counted over all of an administration's recommendations, they are kept as long as the
    recommendations dashboard's figures: a change shows once they are counted again."""
    settings.RECOMMENDATIONS_DASHBOARD_SECONDS = 300
    cache.clear()
    assert staff_panel(director)["open"] == 2
    assert staff_panel(other_director)["open"] == 0
    rejected = Recommendation.objects.open().filter(administration=world.administration).first()
    Recommendation.objects.filter(pk=rejected.pk).update(response=Recommendation.Response.REJECTED)

    assert staff_panel(director)["open"] == 2  # kept
    assert staff_panel(coordinator)["open"] == 1  # counted for the coordinator now
    cache.clear()
    assert staff_panel(director)["open"] == 1
    cache.clear()


def test_the_official_panel_lists_their_actions_soonest_due_first(
    figures, responsible_official, world
):
    context = panel_of(responsible_official, "official")
    assert context["counts"] == {"unfinished": 8, "overdue": 7}
    assert [late for _action, late in context["actions"]] == [181, 91, 90, 31, 30, 10, 1, 0]


def test_the_organisation_panel_counts_by_verified_status_and_reports_by_embargo(
    figures, ngo_admin
):
    context = organisation_panel(ngo_admin)
    assert context["total"] == 9
    assert dict(context["verified"]) == {
        "Not verified yet": 3,
        "Not implemented": 0,
        "Partly implemented": 0,
        "Implemented": 6,
    }
    assert context["reports"] == {"embargo": 1, "publishable": 1, "published": 0}


def test_the_responsible_official_panel_replaces_the_directory_placeholder(
    client, responsible_official
):
    page = text(login(client, responsible_official).get("/"))
    assert "Actions assigned to you" in page
    assert "0 actions of the plan are yours to carry out." in page
    assert "will appear here" not in page.split("Actions assigned to you")[1][:300]


# The page -------------------------------------------------------------------------------------


def test_the_dashboard_sends_anonymous_visitors_to_log_in(client, db):
    assert_login_redirect(client.get(URL), URL)


def test_the_dashboard_url(db):
    assert reverse("recommendations:dashboard") == URL


@pytest.mark.parametrize(
    "persona", ["responsible_official", "gate_officer", "reviewer", "facility_officer"]
)
def test_the_dashboard_is_refused_with_its_reason(client, request, world, persona):
    response = login(client, request.getfixturevalue(persona)).get(URL)
    assert response.status_code == 403
    assert "for the administration's directors and coordinators" in text(response)


def test_the_staff_dashboard_shows_the_charts_their_tables_and_the_tracker(
    client, figures, follow_up, director
):
    page = text(login(client, director).get(URL))
    for title in (
        "Implementation by facility",
        "Implementation by theme",
        "Implementation by priority",
        "Overdue actions, by how long they are overdue",
        "Days from the report to verified implementation, by priority",
        "Follow-up tracker",
    ):
        assert title in page
    table = re.search(r'<table class="chart-table">.*?</table>', page, re.S)
    assert table
    cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", table[0])
    # Women's Centre: 4 verified, 0 claimed only, 1 neither, 5 in all, 0 claimed, 80 %.
    assert cells[cells.index("Women's Centre") :][:7] == [
        "Women's Centre",
        "4",
        "0",
        "1",
        "5",
        "0",
        "80 %",
    ]
    assert reverse("visits:visit_detail", args=[follow_up.pk]) in page


def test_every_chart_is_an_svg_image_with_a_title_that_parses(client, figures, director):
    page = login(client, director).get(URL).content.decode()
    drawings = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(drawings) == 5
    for drawing in drawings:
        svg = well_formed(drawing)
        assert svg.get("role") == "img"
        title = svg.find("{http://www.w3.org/2000/svg}title")
        assert title is not None and title.get("id") in svg.get("aria-labelledby", "").split()


def test_user_text_in_chart_labels_is_escaped(client, world, scene, submitted, director):
    Facility.objects.filter(pk=world.facility.pk).update(name='<script>alert("x")</script> & Co')

    page = login(client, director).get(URL).content.decode()

    assert "<script>alert" not in page
    drawing = re.search(r'<svg [^>]*aria-labelledby="rates-facility-title.*?</svg>', page, re.S)
    assert drawing
    svg = well_formed(drawing[0])
    # The label, cut to fit beside the bars; whole in the row's title.
    labels = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert '<script>alert("x")</script> &…' in labels
    titles = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}title")]
    assert '<script>alert("x")</script> & Co' in titles
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in drawing[0]


def test_the_organisation_sees_its_own_figures_on_the_same_page(client, figures, ngo_member):
    page = text(login(client, ngo_member).get(URL))
    assert "The recommendations Local Human Rights Centre made" in page
    assert "Women's Centre" in page
    assert "Erbil" not in page


# Queries ---------------------------------------------------------------------------------------


def fifty(world, scene, author, responsible):
    """49 more facilities, each with a submitted report, a recommendation implemented, an
    overdue action and a follow-up visit checking it."""
    for n in range(49):
        facility = FacilityFactory(administration=world.administration, name=f"Probe {n:02d}")
        report = report_row(scene, author, facility=facility, respond_by=timezone.now() + DAY * n)
        rec = rec_row(report, Theme.HEALTH, Priority(n % 4 + 1), took=n)
        action_row(rec, responsible, late=n * 5)
        visit = past_visit(
            world,
            scene.agreement,
            author,
            days_ago=-(n + 1),
            facility=facility,
            purpose=Purpose.FOLLOW_UP,
        )
        Verification.objects.create(recommendation=rec, visit=visit)


@pytest.fixture
def one(world, scene, submitted, ngo_admin, responsible_official):
    rec = submitted.recommendations.first()
    Recommendation.objects.filter(pk=rec.pk).update(
        verified_status=IMPLEMENTED, implemented_at=timezone.now()
    )
    action_row(rec, responsible_official, late=3)
    visit = past_visit(world, scene.agreement, ngo_admin, days_ago=-2, purpose=Purpose.FOLLOW_UP)
    Verification.objects.create(recommendation=rec, visit=visit)


@pytest.mark.parametrize("persona", ["director", "ngo_member"])
def test_the_page_makes_the_same_queries_for_one_row_and_fifty(
    client, request, world, scene, one, ngo_admin, responsible_official, persona
):
    login(client, request.getfixturevalue(persona))
    client.get(URL)
    first = count_queries(client, URL)
    fifty(world, scene, ngo_admin, responsible_official)
    assert count_queries(client, URL) == first
    assert "Probe 00" in text(client.get(URL))


def panel_queries(user) -> int:
    selectors.dashboard_panels(user)  # the user's memberships, read once per request
    with CaptureQueriesContext(connection) as queries:
        selectors.dashboard_panels(user)
    return len(queries.captured_queries)


def test_each_panel_makes_the_same_queries_for_one_row_and_fifty(
    world, scene, one, director, ngo_admin, responsible_official
):
    users = (director, ngo_admin, responsible_official)
    first = [panel_queries(user) for user in users]
    fifty(world, scene, ngo_admin, responsible_official)
    assert [panel_queries(user) for user in users] == first
    assert len(panel_of(responsible_official, "official")["actions"]) == (
        selectors.ACTIONS_ON_DASHBOARD
    )
    assert len(staff_panel(director)["awaiting"]) == selectors.REPORTS_ON_DASHBOARD


def test_the_figures_are_kept_a_few_minutes_for_each_user_and_language(
    client, settings, world, scene, one, director, coordinator
):
    settings.RECOMMENDATIONS_DASHBOARD_SECONDS = 300
    cache.clear()
    login(client, director)
    cold = count_queries(client, URL)
    kept = count_queries(client, URL)
    assert kept < cold
    # Another user, or the same in another language, has figures of their own.
    login(client, coordinator)
    assert count_queries(client, URL) > kept
    cache.clear()
