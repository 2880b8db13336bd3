"""Writing, submitting and publishing a report."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from activity.errors import DomainError
from activity.models import AuditEntry, Reminder
from recommendations import reminders
from recommendations.models import Finding, Priority, Recommendation, Report, Theme
from recommendations.services import publication, reports, window
from tests.recommendations.conftest import past_visit, write_report
from visits.models import Visit


def test_a_report_is_written_after_the_visit_only(world, scene, ngo_admin):
    tomorrow = past_visit(world, scene.agreement, ngo_admin, days_ago=-1)
    with pytest.raises(DomainError):
        reports.report_create(actor=ngo_admin, visit=tomorrow, title="Too early")
    refused = past_visit(world, scene.agreement, ngo_admin, status=Visit.Status.REFUSED)
    with pytest.raises(DomainError):
        reports.report_create(actor=ngo_admin, visit=refused, title="Never happened")


def test_the_report_takes_its_scope_from_the_visit(draft, scene, world):
    assert draft.administration == world.administration
    assert draft.organisation == world.organisation
    assert draft.facility == world.facility
    assert draft.agreement == scene.agreement
    assert list(draft.recommendations.values_list("number", flat=True)) == [1, 2]
    assert set(draft.recommendations.values_list("administration", flat=True)) == {
        world.administration.pk
    }


def test_a_report_without_recommendations_is_not_submitted(scene, ngo_admin):
    report = reports.report_create(actor=ngo_admin, visit=scene.visit, title="Empty")
    with pytest.raises(DomainError):
        reports.report_submit(actor=ngo_admin, report=report)


def test_a_submitted_report_is_not_changed(submitted, ngo_admin):
    with pytest.raises(DomainError):
        reports.finding_add(
            actor=ngo_admin, report=submitted, kind=Finding.Kind.CONCERN, text="Later thought"
        )
    with pytest.raises(DomainError):
        reports.recommendation_remove(
            actor=ngo_admin, recommendation=submitted.recommendations.first()
        )


def test_submission_is_told_to_the_administration_only(director, coordinator, outsider, submitted):
    told = Reminder.objects.filter(kind=reminders.REPORT_SUBMITTED)
    assert sorted(told.values_list("recipient__username", flat=True)) == ["carla", "martha"]
    assert not Reminder.objects.filter(recipient=outsider).exists()


def test_a_repeat_links_an_earlier_recommendation_of_the_same_facility(
    world, scene, submitted, ngo_admin
):
    earlier = submitted.recommendations.get(number=1)
    later = reports.report_create(
        actor=ngo_admin,
        visit=past_visit(world, scene.agreement, ngo_admin, days_ago=1),
        title="Second visit",
    )
    repeat = reports.recommendation_add(
        actor=ngo_admin,
        report=later,
        text="Again: keep classes running.",
        theme=Theme.ACTIVITIES,
        priority=Priority.URGENT,
        repeats=earlier,
    )
    assert list(earlier.repeated_by.all()) == [repeat]
    other_facility_visit = past_visit(
        world, scene.agreement, ngo_admin, days_ago=1, facility=world.other_facility
    )
    elsewhere = reports.report_create(actor=ngo_admin, visit=other_facility_visit, title="Other")
    with pytest.raises(DomainError) as error:
        reports.recommendation_add(
            actor=ngo_admin,
            report=elsewhere,
            text="Not the same place.",
            theme=Theme.ACTIVITIES,
            priority=Priority.LOW,
            repeats=earlier,
        )
    assert error.value.field == "repeats"


def test_an_area_of_another_facility_is_refused(draft, world, ngo_admin):
    workshop = world.other_facility.areas.get()
    with pytest.raises(DomainError) as error:
        reports.recommendation_add(
            actor=ngo_admin,
            report=draft,
            text="Wrong place.",
            theme=Theme.HEALTH,
            priority=Priority.LOW,
            area=workshop,
        )
    assert error.value.field == "area"


def _released(submitted: Report) -> Report:
    assert submitted.respond_by is not None
    with time_machine.travel(submitted.respond_by + timedelta(minutes=1), tick=False):
        window.embargo_sweep()
    submitted.refresh_from_db()
    return submitted


def test_nothing_is_published_under_embargo(submitted, ngo_admin):
    with pytest.raises(DomainError):
        publication.report_publish(actor=ngo_admin, report=submitted, terms=[])
    with pytest.raises(DomainError):
        publication.report_preview(report=submitted, terms=[])


def test_the_redaction_suggests_the_people_and_numbers_the_report_names(scene, ngo_admin):
    report = write_report(scene, ngo_admin, recommendations=1)
    reports.finding_add(
        actor=ngo_admin,
        report=report,
        kind=Finding.Kind.CONCERN,
        text="John Representative saw a detainee, prisoner no. 4471203, kept in the yard.",
        evidence=f"Passport of the interpreter: {scene.john.document_number}.",
    )
    suggested = publication.redaction_suggestions(report)
    assert "John Representative" in suggested
    assert "4471203" in suggested
    assert scene.john.document_number in suggested


def test_publishing_takes_out_the_personal_data_the_organisation_reviewed(scene, ngo_admin):
    report = write_report(scene, ngo_admin, recommendations=1)
    reports.finding_add(
        actor=ngo_admin,
        report=report,
        kind=Finding.Kind.CONCERN,
        text="Ahmed Karim, prisoner 4471203, has waited nine months for a dentist.",
    )
    report = _released(reports.report_submit(actor=ngo_admin, report=report))
    published = publication.report_publish(
        actor=ngo_admin, report=report, terms=["ahmed karim", "4471203", "", "Ahmed Karim"]
    )
    assert published.status == Report.Status.PUBLISHED
    assert published.redactions == ["ahmed karim", "4471203"]
    public_text = str(published.public_version)
    assert "Ahmed" not in public_text
    assert "4471203" not in public_text
    assert publication.REDACTED in public_text
    concern = published.public_version["findings"][-1]
    assert concern["text"].startswith(publication.REDACTED)
    assert AuditEntry.objects.filter(action="report.published").count() == 1


def test_good_practices_come_first_in_the_public_version(submitted, ngo_admin):
    published = publication.report_publish(actor=ngo_admin, report=_released(submitted), terms=[])
    kinds = [f["kind"] for f in published.public_version["findings"]]
    assert kinds == [Finding.Kind.GOOD_PRACTICE, Finding.Kind.CONCERN]


def test_the_public_version_does_not_follow_later_answers(
    submitted, recommendation, ngo_admin, director
):
    published = publication.report_publish(actor=ngo_admin, report=_released(submitted), terms=[])
    window.recommendation_answer(
        actor=director,
        recommendation=recommendation,
        response=Recommendation.Response.REJECTED,
        reason="Budget for Dr. Smith withdrawn.",
    )
    published.refresh_from_db()
    assert "Smith" not in str(published.public_version)
    assert timezone.now() >= published.published_at


def test_a_draft_stays_out_of_the_administrations_audit_trail(draft, director, ngo_admin):
    from activity.permissions import audit_entries_for_user

    seen = audit_entries_for_user(director)
    assert not seen.filter(object_type__startswith="recommendations.").exists()
    reports.report_submit(actor=ngo_admin, report=draft)
    assert seen.filter(action="report.submitted").count() == 1
