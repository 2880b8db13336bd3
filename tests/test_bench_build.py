"""The benchmark's builder fills what the current schema requires, as the migrations would (a data
set brought up to date stage by stage: ``test_bench_build_stages``)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accreditation.models import Application, Clearance, Condition, Decision
from activity.audit import verify_chain
from activity.models import AuditEntry
from agreements.models import Agreement, AgreementClause, Comment, Signatory
from agreements.selectors import agreements_in_force, coordination_map
from bench import build_agreements
from bench.build import Sizes, build
from directory.models import ActivityType, Facility

# One build for the module (see ``built``), on one worker of a parallel run.
pytestmark = pytest.mark.xdist_group("bench-build")


def _small_build() -> None:
    # The catalogue of activities the migrations seed (an earlier test's flush may have emptied it).
    for code in ActivityType.Code.values:
        ActivityType.objects.get_or_create(code=code)
    build(Sizes().scaled(0.001), log=lambda _line: None)


def _drop_dataset_info() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_dataset")


@pytest.fixture(scope="module")
def _shared_build(django_db_setup, django_db_blocker):
    """One small build for the tests that only read it (the build commits: it ends with VACUUM),
    emptied after them as a transactional test's tables are."""
    with django_db_blocker.unblock():
        _small_build()
        yield
        _drop_dataset_info()
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def built(_shared_build, db):
    """The shared small build, each test's own changes rolled back."""


def test_a_small_build_is_consistent_with_the_schema(built):
    applications = Application.objects.select_related("framework")
    assert applications.exists()
    assert all(a.administration_id == a.framework.administration_id for a in applications)
    references = list(Decision.objects.values_list("reference", flat=True))
    assert references and all(references)
    assert len(set(references)) == len(references)
    assert not Clearance.objects.filter(administration__isnull=True).exists()
    for condition in Condition.objects.prefetch_related("responses"):
        met = [r for r in condition.responses.all() if r.kind == "met"]
        assert (condition.status == Condition.Status.MET) == bool(met)
    checked, broken = verify_chain(AuditEntry.objects.order_by("seq"))
    assert broken is None
    assert checked == AuditEntry.objects.count() > 0


def test_the_mous_keep_to_their_accreditation_and_fill_the_coordination_map(built):
    mous = Agreement.objects.all()
    assert mous.count() == Sizes().scaled(0.001).agreements
    assert {Agreement.Status.SIGNED, Agreement.Status.NEGOTIATION} <= set(
        mous.values_list("status", flat=True)
    )
    references = [r for r in mous.values_list("reference", flat=True) if r]
    assert references and len(set(references)) == len(references)
    in_force = agreements_in_force().prefetch_related("facilities", "signatures", "approvals")
    assert in_force.exists()
    for mou in in_force:
        scope = Application.objects.get(
            decision__accreditation__organisation=mou.organisation,
            decision__accreditation__status="active",
            administration=mou.administration,
        )
        assert {f.pk for f in mou.facilities.all()} <= set(
            scope.facilities.values_list("pk", flat=True)
        )
        assert sorted(s.side for s in mou.signatures.all()) == ["administration", "organisation"]
        assert len(mou.approvals.all()) == 2
        assert Signatory.objects.filter(organisation=mou.organisation).exists()
    for clause in AgreementClause.objects.all():
        assert clause.status == clause.combined_status()
    long = Agreement.objects.get(title=build_agreements.LONG_NEGOTIATION)
    assert long.versions.count() == build_agreements.LONG_VERSIONS
    assert Comment.objects.filter(clause__agreement=long).count() == build_agreements.LONG_COMMENTS
    activities = list(ActivityType.objects.all())
    for administration in in_force.values_list("administration", flat=True).distinct():
        rows = coordination_map(Facility.objects.filter(administration=administration), activities)
        assert not [cell for row in rows for cell in row.cells if cell.is_gap]


def test_the_visits_keep_to_their_mous_windows_and_places(built):
    from collections import Counter

    from bench.build_visits import visits_info
    from visits.models import Briefing, EntranceProtocol, Visit, Visitor

    info = visits_info()
    assert info is not None
    visits = Visit.objects.select_related("agreement", "window")
    assert visits.count() >= 0.95 * Sizes().scaled(0.001).visits
    assert {"approved", "requested", "notified"} <= set(visits.values_list("status", flat=True))
    facilities = {
        (link.agreement_id, link.facility_id) for link in Agreement.facilities.through.objects.all()
    }
    today = timezone.localdate()
    for visit in visits:
        assert visit.visitors.exists()
        if visit.monitoring:
            assert visit.agreement is None and visit.status in ("notified", "withdrawn")
            continue
        mou = visit.agreement
        assert mou is not None and mou.signed_at is not None
        assert mou.organisation_id == visit.organisation_id
        assert (mou.pk, visit.facility_id) in facilities
        assert visit.window.facility_id == visit.facility_id
        assert visit.window.falls_on(visit.day)
        assert visit.starts_at.date() == visit.day and visit.ends_at > visit.starts_at
        if visit.day >= today:
            assert mou.is_within_term(visit.day)
    held = Counter(
        Visitor.objects.filter(visit__in=Visit.objects.holding_places()).values_list(
            "visit__window", "visit__day"
        )
    )
    places = dict(visits.values_list("window", "window__places"))
    assert held and all(count <= places[window] for (window, _day), count in held.items())
    briefed = {(b.person_id, b.facility_id): b.given_at for b in Briefing.objects.all()}
    for visitor in Visitor.objects.filter(checked_in_at__isnull=False).select_related("visit"):
        assert briefed[(visitor.person_id, visitor.visit.facility_id)] <= visitor.checked_in_at
    assert not Facility.objects.exclude(
        pk__in=EntranceProtocol.objects.published().values("facility")
    ).exists()
    busy = Visit.objects.filter(facility=info["busy_facility"], day=today)
    assert busy.count() == info["busy_today"] > 0
    assert busy.filter(pk=info["joint_visit"], monitoring=True).exists()


def test_the_recommendations_follow_their_reports_and_the_plan(built):
    from bench.build_recommendations import recommendations_info
    from bench.build_visits import visits_info
    from recommendations.models import Action, Recommendation, Report, Verification
    from recommendations.permissions import actions_for_user
    from recommendations.services import plan, window
    from visits.models import Purpose

    info = recommendations_info()
    assert info is not None
    # The busiest facility of the visits is the one whose official the pages measure.
    visits = visits_info()
    assert visits is not None
    assert info["busy_facility"] == visits["busy_facility"] is not None
    reports = Report.objects.select_related("visit")
    assert reports.count() == info["reports"] == Sizes().scaled(0.001).recommendation_reports
    assert {"draft", "submitted", "published"} <= set(reports.values_list("status", flat=True))
    now = timezone.now()
    for report in reports:
        assert report.visit.starts_at < now
        assert report.visit.organisation_id == report.organisation_id
        assert report.visit.facility_id == report.facility_id
        assert report.agreement_id == report.visit.agreement_id
        if report.status == Report.Status.PUBLISHED:
            assert report.public_version["recommendations"]
    assert len(window.embargo_due()) == info["due"] > 0
    recs = Recommendation.objects.select_related("report")
    assert recs.count() == info["recommendations"]
    assert not recs.filter(report__status="draft").exclude(response="").exists()
    for rec in recs.filter(repeats__isnull=False).select_related("repeats"):
        assert rec.repeats.facility_id == rec.facility_id
    actions = Action.objects.prefetch_related("recommendations")
    assert actions.count() == info["actions"]
    for action in actions:
        answered = list(action.recommendations.all())
        assert answered
        assert {rec.organisation_id for rec in answered} == {action.organisation_id}
        assert all(rec.response != "rejected" for rec in answered)
        # The official sees their own actions.
        assert actions_for_user(action.responsible).filter(pk=action.pk).exists()
        assert action.responsible in plan.officials(action.administration)
    for rec in recs.prefetch_related("actions"):
        statuses = [(a.status, a.progress) for a in rec.actions.all()]
        assert rec.claimed_status == plan.claimed_status(statuses)
    for item in Verification.objects.filter(visit__isnull=False).select_related("visit"):
        assert item.visit.purpose == Purpose.FOLLOW_UP
        assert item.visit.organisation_id == item.recommendation.organisation_id
