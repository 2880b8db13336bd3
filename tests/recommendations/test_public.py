"""The public pages: published reports only, each read from its public version with the
personal data taken out; implementation statistics over published recommendations only; a
report not published is not found there by anyone, its own organisation included; the same
queries however many reports are published."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from recommendations.models import Recommendation, Report
from recommendations.services import publication, window
from recommendations.services import reports as report_services
from tests.conftest import login
from tests.support.pages import count_queries, text

from .published import LATER_TEXT, NAME, copies, name_in, publish

pytestmark = pytest.mark.django_db

LIST = reverse("recommendations:public_list")


@pytest.fixture
def published(draft, ngo_admin) -> Report:
    name_in(draft, ngo_admin)
    report_services.report_submit(actor=ngo_admin, report=draft)
    return publish(draft, ngo_admin)


def unpublished(scene, author, title: str) -> Report:
    report = report_services.report_create(actor=author, visit=scene.visit, title=title)
    report_services.recommendation_add(
        actor=author,
        report=report,
        text=f"{title}: recommendation nobody outside may read.",
        theme="health",
        priority=1,
    )
    return report


@pytest.fixture
def hidden(published, scene, ngo_admin, director) -> dict[str, Report]:
    """A draft, a submitted report and one whose embargo is lifted but not published."""
    draft = unpublished(scene, ngo_admin, "Draft on the kitchens")
    submitted = report_services.report_submit(
        actor=ngo_admin, report=unpublished(scene, ngo_admin, "Confidential on the infirmary")
    )
    released = report_services.report_submit(
        actor=ngo_admin, report=unpublished(scene, ngo_admin, "Released on the yard")
    )
    window.report_consent(actor=director, report=released)
    released.refresh_from_db()
    assert released.status == Report.Status.RELEASED
    # Every one of their recommendations verified as implemented: no statistic may count them.
    Recommendation.objects.exclude(report=published).update(
        verified_status=Recommendation.Verified.IMPLEMENTED,
        response=Recommendation.Response.ACCEPTED,
    )
    return {"draft": draft, "submitted": submitted, "released": released}


def test_anonymous_sees_published_reports_only(client, published, hidden):
    page = text(client.get(LIST))
    assert "Visit to the education wing" in page
    for report in hidden.values():
        assert report.title not in page
    assert f'href="{reverse("recommendations:public_report", args=[published.pk])}"' in page
    for report in hidden.values():
        assert reverse("recommendations:public_report", args=[report.pk]) not in page


def test_statistics_count_published_recommendations_only(client, published, hidden):
    Recommendation.objects.filter(report=published, number=1).update(
        verified_status=Recommendation.Verified.IMPLEMENTED,
        response=Recommendation.Response.ACCEPTED,
    )
    response = client.get(LIST)
    [row] = response.context["statistics"]
    assert (row.facility, row.total, row.accepted, row.implemented, row.rate) == (
        "Central Penitentiary",
        3,
        1,
        1,
        33,
    )


def figures(client, **filters) -> list[tuple[str, int, int, int]]:
    rows = client.get(LIST, filters).context["statistics"]
    return [(row.facility, row.total, row.accepted, row.implemented) for row in rows]


def test_a_facilitys_figures_are_kept_a_few_minutes_and_an_organisations_counted_afresh(
    client, settings, published, hidden, world
):
    """Counted over all of a facility's published recommendations, each facility's figures are
    kept: a change shows once they are counted again. Filtered by an organisation, the figures
    are of its recommendations alone, counted on each load."""
    settings.PUBLIC_STATISTICS_SECONDS = 300
    cache.clear()
    other = copies(published, 1)[0]
    Report.objects.filter(pk=other.pk).update(facility=world.other_facility)
    Recommendation.objects.filter(report=other).update(facility=world.other_facility)
    before = [("Central Penitentiary", 3, 0, 0), ("Women's Centre", 3, 0, 0)]
    assert figures(client) == before
    Recommendation.objects.filter(report__in=[published, other], number=1).update(
        verified_status=Recommendation.Verified.IMPLEMENTED,
        response=Recommendation.Response.ACCEPTED,
    )
    assert figures(client) == before  # kept
    assert figures(client, facility=world.other_facility.pk) == [("Women's Centre", 3, 0, 0)]
    after = [("Central Penitentiary", 3, 1, 1), ("Women's Centre", 3, 1, 1)]
    assert figures(client, organisation=world.organisation.pk) == after
    assert figures(client, administration=world.administration.pk) == after  # kept apart
    cache.clear()
    assert figures(client) == after
    cache.clear()


def test_a_report_not_published_is_not_found_even_by_its_organisation(
    client, hidden, ngo_admin, director
):
    for user in (None, ngo_admin, director):
        if user is not None:
            login(client, user)
        for report in hidden.values():
            url = reverse("recommendations:public_report", args=[report.pk])
            assert client.get(url).status_code == 404


def test_the_public_page_shows_the_public_version_with_the_name_taken_out(client, published):
    Recommendation.objects.filter(report=published).update(text=LATER_TEXT)
    Report.objects.filter(pk=published.pk).update(title=LATER_TEXT)
    page = text(client.get(reverse("recommendations:public_report", args=[published.pk])))
    assert publication.REDACTED in page
    assert NAME not in page
    assert LATER_TEXT not in page
    assert "Visit to the education wing" in page
    # Good practices first, and the standards named by their labels.
    assert page.index("Teachers and guards plan") < page.index("Classes are cancelled")
    assert "Nelson Mandela Rules, rule 104–105: Education and recreation" in page
    assert "Bangkok Rules, rule 42: Prison regime suited to women" in page
    list_page = text(client.get(LIST))
    assert LATER_TEXT not in list_page and NAME not in list_page


def test_the_filter_narrows_and_offers_only_what_is_published(client, published, world):
    other = copies(published, 1)[0]
    Report.objects.filter(pk=other.pk).update(facility=world.other_facility)
    Recommendation.objects.filter(report=other).update(facility=world.other_facility)
    response = client.get(LIST, {"facility": world.other_facility.pk})
    assert [report.pk for report in response.context["reports"]] == [other.pk]
    assert [row.facility for row in response.context["statistics"]] == ["Women's Centre"]
    options = list(response.context["filter"].form.fields["facility"].queryset)
    assert options == [world.facility, world.other_facility]
    Report.objects.filter(pk=other.pk).update(status=Report.Status.RELEASED)
    options = list(client.get(LIST).context["filter"].form.fields["facility"].queryset)
    assert options == [world.facility]


def test_the_list_pages_by_publication_newest_first(client, published):
    made = copies(published, 55)
    first = client.get(LIST)
    items = [report.pk for report in first.context["reports"]]
    assert items[0] == published.pk and len(items) == 50
    assert items[1:] == [report.pk for report in made[:49]]
    cursor = first.context["page"].next_cursor
    second = client.get(LIST, {"after": cursor}).context["reports"]
    assert [report.pk for report in second] == [report.pk for report in made[49:]]


def test_the_public_navigation_links_the_published_reports(client, world):
    assert f'href="{LIST}"' in text(client.get(reverse("accreditation:public_register")))


def test_the_list_makes_the_same_queries_with_1_and_50_reports(client, published):
    one = count_queries(client, LIST)
    copies(published, 49)
    assert count_queries(client, LIST) == one


def test_a_report_page_makes_the_same_queries_with_1_and_50_reports(client, published):
    url = reverse("recommendations:public_report", args=[published.pk])
    one = count_queries(client, url)
    copies(published, 49)
    assert count_queries(client, url) == one


def test_the_dates_are_written_in_the_readers_language(client, published):
    visited = published.visit.day
    page = client.get(
        reverse("recommendations:public_report", args=[published.pk]), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert visited.isoformat() not in page
    with translation.override("es"):
        assert date_format(visited, "DATE_FORMAT") in page
