"""Helpers of the plan-of-action and follow-up tests: an action planned through the service,
and recommendations of another organisation or facility built directly (how such a report was
written is the reports tests' business)."""

from datetime import time, timedelta

from django.utils import timezone

from agreements.models import Weekday
from directory.models import Facility, Organisation
from recommendations.models import Action, Effort, Recommendation, Report, Theme
from recommendations.services import plan
from tests.visits.conftest import next_weekday
from visits.models import Purpose, Visit, VisitingWindow, local_today
from visits.services import requests


def plan_action(
    actor, recommendations, responsible, *, due_in: int = 30, title: str = "Hire two teachers"
) -> Action:
    return plan.action_create(
        actor=actor,
        administration=recommendations[0].administration,
        recommendations=list(recommendations),
        title=title,
        responsible=responsible,
        due_on=timezone.localdate() + timedelta(days=due_in),
        effort=Effort.MEDIUM,
    )


def recommendation_of(
    world,
    requester,
    *,
    organisation: Organisation,
    facility: Facility | None = None,
    status: str = Report.Status.SUBMITTED,
    text: str = "Open the library every day.",
) -> Recommendation:
    """A recommendation of ``organisation`` to ``facility`` (the Central Penitentiary unless
    said), in a report in ``status``."""
    facility = facility or world.facility
    # Built as a monitoring visit five days ago, which needs no MoU.
    starts = timezone.now() - timedelta(days=5)
    visit = Visit.objects.create(
        administration=world.administration,
        facility=facility,
        organisation=organisation,
        agreement=None,
        purpose=Purpose.MONITORING,
        monitoring=True,
        day=local_today(facility) - timedelta(days=5),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        status=Visit.Status.NOTIFIED,
        requested_by=requester,
    )
    submitted = status != Report.Status.DRAFT
    report = Report.objects.create(
        administration=world.administration,
        organisation=organisation,
        facility=facility,
        visit=visit,
        title=f"Visit of {organisation}",
        status=status,
        created_by=requester,
        submitted_at=timezone.now() if submitted else None,
    )
    return Recommendation.objects.create(
        report=report,
        administration=world.administration,
        organisation=organisation,
        facility=facility,
        number=1,
        text=text,
        theme=Theme.ACTIVITIES,
    )


def request_visit(world, scene, actor, *, purpose: str = Purpose.FOLLOW_UP) -> Visit:
    """A visit requested through the visits app, under the scene's MoU, next Tuesday."""
    today = local_today(world.facility)
    window_ = VisitingWindow.objects.create(
        facility=world.facility,
        weekday=Weekday.TUESDAY,
        starts=time(10, 0),
        ends=time(12, 0),
        valid_from=today - timedelta(days=60),
        places=10,
        created_by=actor,
    )
    [visit] = requests.visit_request(
        actor=actor,
        organisation=world.organisation,
        agreement=scene.agreement,
        facility=world.facility,
        window=window_,
        day=next_weekday(today + timedelta(days=3), Weekday.TUESDAY),
        purpose=purpose,
        people=[scene.john],
    )
    return visit
