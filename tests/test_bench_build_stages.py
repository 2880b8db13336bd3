"""The benchmark's builder brings a data set built before a module existed up to date: each
stage is added to an existing data set without a rebuild."""

import pytest
from django.db import connection

from agreements.models import Agreement
from agreements.selectors import agreements_in_force
from bench import build_agreements
from bench.build import Sizes, build, dataset_info
from directory.models import ActivityType


@pytest.fixture
def small_build(transactional_db):
    """A small build of the test's own, which it takes part of away."""
    # The catalogue of activities the migrations seed (an earlier test's flush may have emptied it).
    for code in ActivityType.Code.values:
        ActivityType.objects.get_or_create(code=code)
    build(Sizes().scaled(0.001), log=lambda _line: None)
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_dataset")


def test_a_data_set_without_agreements_gains_them_without_a_rebuild(small_build):
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE agreements_agreement, agreements_signatory CASCADE")
    assert not build_agreements.has_agreements()

    build_agreements.add_to_existing(log=lambda _line: None)

    assert Agreement.objects.filter(title=build_agreements.LONG_NEGOTIATION).exists()
    assert agreements_in_force().exists()
    info = dataset_info()
    assert info is not None
    assert build_agreements.ADDED_STEP in info["sizes"]["steps"]
    assert info["sizes"]["counts"]["agreements_agreement"] == Agreement.objects.count()


def test_a_data_set_without_visits_gains_them_without_a_rebuild(small_build):
    from bench import build_visits
    from visits.models import Visit

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE visits_visit, visits_visitingwindow, visits_closure, visits_briefing, "
            "visits_acknowledgement, visits_entranceprotocol, visits_calendarfeed, "
            "visits_facilityrules, visits_occurrence CASCADE"
        )
    assert not build_visits.has_visits()

    build_visits.add_to_existing(log=lambda _line: None)

    info = dataset_info()
    assert info is not None
    assert build_visits.ADDED_STEP in info["sizes"]["steps"]
    assert info["sizes"]["counts"]["visits_visit"] == Visit.objects.count() > 0
    assert info["sizes"]["visits"]["busy_facility"]


def test_a_data_set_without_recommendations_gains_them_without_a_rebuild(small_build):
    from bench import build_recommendations
    from recommendations.models import Report

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE recommendations_report, recommendations_action CASCADE")
    assert not build_recommendations.has_recommendations()

    build_recommendations.add_to_existing(log=lambda _line: None)

    info = dataset_info()
    assert info is not None
    assert build_recommendations.ADDED_STEP in info["sizes"]["steps"]
    assert info["sizes"]["counts"]["recommendations_report"] == Report.objects.count() > 0
