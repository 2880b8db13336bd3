"""Follow-up: a follow-up or monitoring visit's checklist holds exactly the visiting
organisation's open recommendations to the facility, nothing of another organisation's; the
organisation records what it verified, during or after the visit, and the recommendation's
verified status follows."""

from datetime import time, timedelta

import pytest
import time_machine
from django.utils import timezone

from activity.errors import DomainError
from activity.models import AuditEntry
from recommendations.models import Recommendation, Report, Verification
from recommendations.services import followup, window
from tests.accreditation.factories import FormalMechanismFactory
from tests.factories import PersonFactory
from visits.models import Purpose, Visit, local_today
from visits.services import monitoring

from .plan_support import recommendation_of, request_visit

pytestmark = pytest.mark.django_db

Verified = Recommendation.Verified


def on_checklist(visit: Visit) -> set[int]:
    return set(Verification.objects.filter(visit=visit).values_list("recommendation", flat=True))


def more_recommendations(submitted, director, ngo_admin) -> list[Recommendation]:
    """The submitted report's two recommendations, and two more added to it: of the four, the
    second rejected, the third verified as implemented, the fourth verified as partly done."""
    first, rejected = submitted.recommendations.order_by("number")
    implemented, partly = (
        Recommendation.objects.create(
            report=submitted,
            administration=submitted.administration,
            organisation=submitted.organisation,
            facility=submitted.facility,
            number=number,
            text=f"Recommendation {number}.",
            theme=first.theme,
        )
        for number in (3, 4)
    )
    window.recommendation_answer(
        actor=director,
        recommendation=rejected,
        response=Recommendation.Response.REJECTED,
        reason="Not within the administration's powers.",
    )
    followup.recommendation_verify(
        actor=ngo_admin, recommendation=implemented, result=Verified.IMPLEMENTED
    )
    followup.recommendation_verify(actor=ngo_admin, recommendation=partly, result=Verified.PARTLY)
    return [first, rejected, implemented, partly]


def test_a_follow_up_visit_checks_exactly_the_facilitys_open_recommendations(
    world, scene, submitted, director, ngo_admin, outsider
):
    first, rejected, implemented, partly = more_recommendations(submitted, director, ngo_admin)
    unsubmitted = recommendation_of(
        world, ngo_admin, organisation=world.organisation, status=Report.Status.DRAFT
    )
    elsewhere = recommendation_of(
        world, ngo_admin, organisation=world.organisation, facility=world.other_facility
    )
    theirs = recommendation_of(world, outsider, organisation=world.other_organisation)

    visit = request_visit(world, scene, ngo_admin)

    assert visit.purpose == Purpose.FOLLOW_UP
    assert on_checklist(visit) == {first.pk, partly.pk}
    for absent in (rejected, implemented, unsubmitted, elsewhere, theirs):
        assert absent.pk not in on_checklist(visit)
    assert not Verification.objects.filter(visit=visit).exclude(result="").exists()


def test_a_service_session_gets_no_checklist(world, scene, submitted, ngo_admin):
    visit = request_visit(world, scene, ngo_admin, purpose=Purpose.SERVICE)

    assert on_checklist(visit) == set()


def test_a_monitoring_visit_checks_the_bodys_own_recommendations(
    world, submitted, monitor, ngo_admin
):
    npm = monitor.memberships.get().organisation
    ana = PersonFactory.create(organisation=npm, full_name="Ana Monitor")
    FormalMechanismFactory.create(
        organisation=npm, administration=world.administration, members=[ana]
    )
    own = recommendation_of(world, monitor, organisation=npm)

    visit = monitoring.visit_notify(
        actor=monitor,
        organisation=npm,
        facility=world.facility,
        day=local_today(world.facility),
        starts=time(8, 0),
        ends=time(18, 0),
        members=[ana],
    )

    assert on_checklist(visit) == {own.pk}


# Verifying ---------------------------------------------------------------------------------------


def test_verifying_sets_the_verified_status_and_the_first_implementation_only(
    recommendation, ngo_admin
):
    followup.recommendation_verify(
        actor=ngo_admin, recommendation=recommendation, result=Verified.PARTLY, note="Half."
    )
    recommendation.refresh_from_db()
    assert recommendation.verified_status == Verified.PARTLY
    assert recommendation.implemented_at is None

    followup.recommendation_verify(
        actor=ngo_admin, recommendation=recommendation, result=Verified.IMPLEMENTED
    )
    recommendation.refresh_from_db()
    first = recommendation.implemented_at
    assert recommendation.verified_status == Verified.IMPLEMENTED
    assert first is not None

    with time_machine.travel(timezone.now() + timedelta(days=40), tick=False):
        followup.recommendation_verify(
            actor=ngo_admin, recommendation=recommendation, result=Verified.NOT_IMPLEMENTED
        )
        followup.recommendation_verify(
            actor=ngo_admin, recommendation=recommendation, result=Verified.IMPLEMENTED
        )
    recommendation.refresh_from_db()
    assert recommendation.implemented_at == first
    assert recommendation.verified_at > first
    assert recommendation.verifications.count() == 4
    assert AuditEntry.objects.filter(action="recommendation.verified").count() == 4


def test_a_checklist_is_filled_during_or_after_the_visit_not_before(
    world, scene, submitted, recommendation, ngo_admin
):
    visit = request_visit(world, scene, ngo_admin)

    with pytest.raises(DomainError, match="during or after the visit"):
        followup.recommendation_verify(
            actor=ngo_admin, recommendation=recommendation, result=Verified.PARTLY, visit=visit
        )

    with time_machine.travel(visit.starts_at + timedelta(minutes=30), tick=False):
        followup.recommendation_verify(
            actor=ngo_admin,
            recommendation=recommendation,
            result=Verified.PARTLY,
            note="Classes held twice a week.",
            visit=visit,
        )
    row = Verification.objects.get(visit=visit, recommendation=recommendation)
    assert (row.result, row.note, row.verified_by) == (
        Verified.PARTLY,
        "Classes held twice a week.",
        ngo_admin,
    )
    recommendation.refresh_from_db()
    assert recommendation.verified_status == Verified.PARTLY


def test_a_recommendation_not_on_the_checklist_is_not_verified_on_the_visit(
    world, scene, submitted, ngo_admin, outsider
):
    visit = request_visit(world, scene, ngo_admin)
    theirs = recommendation_of(world, outsider, organisation=world.other_organisation)

    during = visit.starts_at + timedelta(minutes=30)
    with (
        time_machine.travel(during, tick=False),
        pytest.raises(DomainError, match="not on this visit's checklist"),
    ):
        followup.recommendation_verify(
            actor=ngo_admin, recommendation=theirs, result=Verified.PARTLY, visit=visit
        )


def test_unverified_is_not_a_result(recommendation, ngo_admin):
    with pytest.raises(DomainError, match="Choose what you verified"):
        followup.recommendation_verify(
            actor=ngo_admin, recommendation=recommendation, result=Verified.UNVERIFIED
        )
