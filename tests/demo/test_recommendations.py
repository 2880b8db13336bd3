"""The demo's reports: one in every state, the plan of action with an overdue action, a follow-up
visit with its checklist; made once however often the demo is loaded, and every page of the
module opens for every demo account."""

from collections.abc import Iterator, Sequence

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from activity.models import AuditEntry, Reminder
from recommendations import demo, reminders
from recommendations import urls as recommendation_urls
from recommendations.models import (
    Action,
    Engagement,
    Finding,
    Priority,
    ProgressUpdate,
    Recommendation,
    Report,
    Verification,
)
from recommendations.permissions import reports_for_user
from recommendations.services.publication import REDACTED
from tests.conftest import login
from visits.models import Purpose, Visit

# One load of the demo for the package (see conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

COUNTED = (
    Report,
    Finding,
    Recommendation,
    Engagement,
    Action,
    ProgressUpdate,
    Verification,
    Visit,
    Reminder,
)


def report(title: str) -> Report:
    return Report.objects.get(title=title)


def test_loading_the_recommendations_again_adds_nothing(loaded):
    assert loaded.counts(COUNTED, again=True) == loaded.counts(COUNTED)
    assert "Recommendations: the demo reports are already there." in loaded.second
    assert loaded.counts([Report]) == {"recommendations.Report": 5}


def test_the_reports_are_in_every_state(loaded):
    assert set(Report.objects.values_list("status", flat=True)) == set(Report.Status.values)
    assert report(demo.DRAFT).status == Report.Status.DRAFT
    assert report(demo.MANDATE).monitoring
    assert report(demo.MANDATE).status == Report.Status.SUBMITTED
    assert report(demo.MANDATE).respond_by is None


def test_the_open_window_is_answered_in_part_by_the_director(loaded):
    answering = report(demo.ANSWERING)
    assert answering.status == Report.Status.SUBMITTED
    assert answering.respond_by > timezone.now()
    answers = answering.recommendations.exclude(response="")
    assert 0 < answers.count() < answering.recommendations.count()
    assert set(answers.values_list("responded_by__username", flat=True)) == {"martha"}
    assert answering.engaged_at is not None


def test_the_unanswered_report_was_released_by_the_sweep_when_its_window_closed(loaded):
    released = report(demo.RELEASED)
    assert released.status == Report.Status.RELEASED
    assert released.release_reason == Report.ReleaseReason.WINDOW_CLOSED
    assert released.engaged_at is None
    assert released.respond_by < released.released_at
    entry = AuditEntry.objects.get(action="report.released", object_id=str(released.pk))
    assert entry.actor is None
    assert Reminder.objects.filter(
        kind=reminders.EMBARGO_LIFTED, key__startswith=f"recommendations.report:{released.pk}:"
    ).exists()
    # The notices of the window's end, scheduled at the submission, are not left pending.
    assert not Reminder.objects.filter(
        kind=reminders.WINDOW_CLOSING,
        key__startswith=f"recommendations.report:{released.pk}:",
        state=Reminder.State.PENDING,
    ).exists()


def test_the_published_report_has_the_detainee_taken_out(loaded):
    published = report(demo.PUBLISHED)
    assert published.status == Report.Status.PUBLISHED
    assert published.release_reason == Report.ReleaseReason.CONSENT
    assert {demo.DETAINEE, demo.PRISONER_NUMBER} <= set(published.redactions)
    public = str(published.public_version)
    assert demo.DETAINEE not in public
    assert demo.PRISONER_NUMBER not in public
    assert REDACTED in public
    responses = set(published.recommendations.values_list("response", flat=True))
    assert responses == set(Recommendation.Response.values)


def test_findings_put_good_practices_first_and_concerns_with_evidence(loaded):
    for written in Report.objects.prefetch_related("findings"):
        kinds = [f.kind for f in written.findings.all()]
        assert kinds[0] == Finding.Kind.GOOD_PRACTICE
        assert kinds == sorted(kinds, key=Finding.KIND_ORDER.__getitem__)
    concerns = Finding.objects.filter(kind=Finding.Kind.CONCERN)
    assert concerns.exists()
    assert not concerns.filter(evidence="").exists()


def test_the_recommendations_cover_priorities_themes_standards_and_a_repeat(loaded):
    recs = Recommendation.objects.all()
    assert set(recs.values_list("priority", flat=True)) == set(Priority.values)
    assert recs.filter(quick_win=True).count() >= 2
    assert len(set(recs.values_list("theme", flat=True))) >= 5
    assert all(rec.standards for rec in recs.exclude(report__status=Report.Status.DRAFT))
    repeat = recs.get(repeats__isnull=False)
    assert repeat.report.title == demo.ANSWERING
    assert repeat.repeats.report.title == demo.PUBLISHED


def test_the_plan_gives_actions_to_the_official_with_progress_and_one_overdue(loaded):
    actions = Action.objects.all()
    assert actions.count() >= 5
    assert set(actions.values_list("responsible__username", flat=True)) == {"oscar"}
    assert {"planned", "in_progress", "completed", "cancelled"} == set(
        actions.values_list("status", flat=True)
    )
    assert ProgressUpdate.objects.filter(author__username="oscar").count() >= 5
    [overdue] = Action.objects.overdue()
    assert overdue.days_overdue() == 12
    told = Reminder.objects.filter(kind=reminders.ACTION_OVERDUE)
    assert set(told.values_list("recipient__username", flat=True)) == {"oscar", "carla"}
    assert not Reminder.objects.filter(
        kind=reminders.ACTION_DUE,
        state=Reminder.State.PENDING,
        key__startswith=f"recommendations.action:{overdue.pk}:",
    ).exists()


def test_the_follow_up_visit_has_its_checklist_and_results(loaded):
    visit = Visit.objects.get(purpose=Purpose.FOLLOW_UP, organisation__name=demo.CENTRE)
    checklist = Verification.objects.filter(visit=visit)
    assert checklist.count() >= 5
    results = set(checklist.values_list("result", flat=True))
    assert {"implemented", "partly", "not_implemented", ""} <= results
    medicines = Recommendation.objects.get(text__startswith="Keep a reserve of essential")
    assert medicines.verified_status == Recommendation.Verified.IMPLEMENTED
    assert medicines.implemented_at is not None
    assert medicines.claimed_status == Recommendation.Claimed.IMPLEMENTED


# Every page of the module, for every demo account ----------------------------------------------


def _objects() -> dict[str, Sequence[Model]]:
    """What a page taking an id may show, by the first word of its URL name."""
    reports = list(Report.objects.order_by("pk"))
    recommendations = [
        r.recommendations.order_by("number").first() for r in reports if r.recommendations.exists()
    ]
    visits = list(Visit.objects.filter(checklist__isnull=False).distinct())
    return {
        "report": reports,
        "public": reports,
        "recommendation": [r for r in recommendations if r is not None],
        "action": list(Action.objects.order_by("pk")),
        "followup": visits,
        "checklist": visits,
    }


def _pages() -> Iterator[tuple[str, str, Model | None]]:
    """(URL name, URL, object) for each page the module has: those without arguments once, those
    taking an id once for each object it may show. A page whose argument is not an id of a
    known kind is left out."""
    objects = _objects()
    for pattern in recommendation_urls.urlpatterns:
        if not isinstance(pattern, URLPattern) or not pattern.name:
            continue
        name = f"recommendations:{pattern.name}"
        arguments = list(pattern.pattern.converters)
        if not arguments:
            yield name, reverse(name), None
        elif arguments == ["pk"]:
            first = pattern.name.split("_")[0]
            for obj in objects.get(first, []):
                yield name, reverse(name, args=[obj.pk]), obj


def test_every_demo_account_opens_the_modules_pages_without_an_error(loaded):
    pages = list(_pages())
    assert {"recommendations:report_detail", "recommendations:action_detail"} <= {
        name for name, _url, _obj in pages
    }
    users = list(get_user_model().objects.filter(memberships__isnull=False).distinct())
    assert len(users) >= 20
    failures = []
    anonymous = Client()
    for name, url, _obj in pages:
        status = anonymous.get(url).status_code
        if status >= 500 or (not name.split(":")[1].startswith("public") and status == 200):
            failures.append(("anonymous", url, status))
    for user in users:
        client = login(Client(), user)
        visible = set(reports_for_user(user).values_list("pk", flat=True))
        for name, url, obj in pages:
            status = client.get(url).status_code
            # A report's page opens exactly for those who may see it; no page fails.
            wrong = (
                name == "recommendations:report_detail"
                and obj is not None
                and (status == 200) != (obj.pk in visible)
            )
            if status >= 500 or wrong:
                failures.append((user.username, url, status))
    assert failures == []
