"""Applying: starting and renewing, completeness, submission, returns and the decision clock,
withdrawal, and the draft's answers and evidence."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.formats import date_format

from accreditation import selectors
from accreditation.models import (
    Accreditation,
    Application,
    Clearance,
    Evidence,
    Framework,
    ReviewAssignment,
)
from accreditation.services import applications, decisions
from activity.errors import DomainError
from activity.models import AuditEntry, Reminder
from directory.models import ActivityType, Organisation
from tests.accreditation.factories import (
    PDF_BYTES,
    AccreditationFactory,
    ApplicationFactory,
    CriterionFactory,
    DecisionFactory,
    DocumentFactory,
    EvidenceFactory,
    FrameworkFactory,
    complete_application,
    framework_in_force,
    submitted,
    under_review,
)
from tests.factories import AdministrationFactory, OrganisationFactory, staff
from tests.support.audit import written

pytestmark = pytest.mark.django_db


# Starting and renewing --------------------------------------------------------------------------


def test_an_application_starts_as_a_draft_under_the_rules_in_force(world, framework, ngo_admin):
    application = applications.application_create(
        actor=ngo_admin, organisation=world.organisation, framework=framework
    )
    assert application.status == Application.Status.DRAFT
    assert application.framework == framework
    assert AuditEntry.objects.filter(action="application.created", object_id=str(application.pk))


def test_a_formal_mechanism_cannot_apply(world, framework, ngo_admin):
    npm = OrganisationFactory(kind=Organisation.Kind.NPM)
    with pytest.raises(DomainError, match="formal mechanism"):
        applications.application_create(actor=ngo_admin, organisation=npm, framework=framework)
    assert not Application.objects.filter(organisation=npm).exists()


def test_an_application_cannot_start_under_a_draft_version(world, ngo_admin):
    draft_rules = FrameworkFactory(administration=world.administration)
    with pytest.raises(DomainError, match="rules in force"):
        applications.application_create(
            actor=ngo_admin, organisation=world.organisation, framework=draft_rules
        )


def test_a_second_application_cannot_start_while_one_is_in_progress(world, draft, ngo_admin):
    with pytest.raises(DomainError, match="already has an application in progress"):
        applications.application_create(
            actor=ngo_admin, organisation=world.organisation, framework=draft.framework
        )


def test_a_renewal_copies_answers_scope_people_evidence_and_documents(world, framework, ngo_admin):
    previous = complete_application(framework, world.organisation, created_by=ngo_admin)
    document = DocumentFactory(organisation=world.organisation)
    first = previous.evidence.order_by("criterion__order").first()
    first.documents.add(document)
    previous.status = Application.Status.DECIDED
    previous.save(update_fields=["status"])
    DecisionFactory(application=previous)

    renewal = applications.application_create(
        actor=ngo_admin, organisation=world.organisation, framework=framework, previous=previous
    )

    assert renewal.previous == previous and renewal.is_renewal
    assert renewal.status == Application.Status.DRAFT
    assert renewal.summary == previous.summary
    assert renewal.sustainability_plan == previous.sustainability_plan
    assert set(renewal.activity_types.all()) == set(previous.activity_types.all())
    assert set(renewal.facilities.all()) == set(previous.facilities.all())
    assert set(renewal.people.all()) == set(previous.people.all())
    copied = {e.criterion_id: e for e in renewal.evidence.prefetch_related("documents")}
    assert {e.criterion_id for e in previous.evidence.all()} == set(copied)
    assert list(copied[first.criterion_id].documents.all()) == [document]
    assert selectors.missing_items(renewal) == []
    assert AuditEntry.objects.filter(action="application.renewed", object_id=str(renewal.pk))


def test_a_renewal_under_new_rules_keeps_only_the_evidence_of_criteria_still_in_force(
    world, framework, ngo_admin, director
):
    previous = complete_application(framework, world.organisation, created_by=ngo_admin)
    previous.status = Application.Status.DECIDED
    previous.save(update_fields=["status"])
    kept, dropped = previous.framework.criteria.all()
    framework.status = Framework.Status.SUPERSEDED
    framework.save(update_fields=["status"])
    new_rules = FrameworkFactory(administration=world.administration, published=True)
    same = CriterionFactory(framework=new_rules, code=kept.code)
    CriterionFactory(framework=new_rules)

    renewal = applications.application_create(
        actor=ngo_admin, organisation=world.organisation, framework=new_rules, previous=previous
    )

    assert [e.criterion for e in renewal.evidence.all()] == [same]
    assert dropped.code not in {e.criterion.code for e in renewal.evidence.all()}


# Completeness -----------------------------------------------------------------------------------


def test_an_empty_draft_lists_everything_missing(world, framework, ngo_admin):
    application = ApplicationFactory(
        organisation=world.organisation, framework=framework, summary=""
    )
    missing = selectors.missing_items(application)
    text = " ".join(missing)
    for expected in [
        "Who you are and what you propose is empty.",
        "Strengths is empty.",
        "Fundraising and sustainability plan is empty.",
        "Partner mapping is empty.",
        "Choose at least one activity.",
        "Choose at least one target facility.",
        "Name at least one person who will enter.",
    ]:
        assert expected in text
    for criterion in framework.criteria.all():
        assert f"Evidence for “{criterion.name}” is missing." in missing


def test_a_complete_draft_misses_nothing(draft):
    assert selectors.missing_items(draft) == []


def test_a_criterion_that_requires_a_document_is_missing_until_one_is_attached(
    world, framework, ngo_admin
):
    criterion = framework.criteria.first()
    criterion.document_required = True
    criterion.save(update_fields=["document_required"])
    application = complete_application(framework, world.organisation, created_by=ngo_admin)
    assert selectors.missing_items(application) == [
        f"“{criterion.name}” needs at least one document."
    ]
    evidence = application.evidence.get(criterion=criterion)
    evidence.documents.add(DocumentFactory(organisation=world.organisation))
    assert selectors.missing_items(application) == []


def test_an_incomplete_application_cannot_be_submitted_and_is_told_what_is_missing(
    world, framework, ngo_admin
):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    with pytest.raises(DomainError, match=r"not complete yet.*Choose at least one activity"):
        applications.application_submit(actor=ngo_admin, application=application)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.submitted_at is None


# Submission, return and the clock ---------------------------------------------------------------


def test_submission_starts_the_clock_asks_for_vetting_and_tells_the_directors(
    world, draft, ngo_admin, director
):
    applications.application_submit(actor=ngo_admin, application=draft)
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED
    assert draft.submitted_at is not None
    assert draft.decision_due() == draft.submitted_at + timedelta(days=30)
    person = world.organisation.people.get()
    assert Clearance.objects.filter(person=person, status=Clearance.Status.PENDING).exists()
    assert Reminder.objects.filter(recipient=director, kind="accreditation.submitted").exists()
    assert AuditEntry.objects.filter(action="application.submitted", object_id=str(draft.pk))


def test_submission_is_one_entry_naming_the_people_sent_for_vetting(world, draft, ngo_admin):
    with written() as entries:
        applications.application_submit(actor=ngo_admin, application=draft)
    assert entries == ["application.submitted"]
    person = world.organisation.people.get()
    entry = AuditEntry.objects.get(action="application.submitted")
    assert entry.changes["vetting"] == [person.pk]


def test_a_resubmission_back_to_the_reviewers_is_recorded_as_a_submission(
    world, draft, ngo_admin, director, reviewer, second_reviewer
):
    application = under_review(
        submitted(draft, by=ngo_admin), director=director, reviewers=[reviewer, second_reviewer]
    )
    applications.application_return(actor=director, application=application, message="More.")
    with written() as entries:
        applications.application_submit(actor=ngo_admin, application=application)
    assert entries == ["application.submitted"]
    entry = AuditEntry.objects.filter(action="application.submitted").order_by("seq").last()
    assert entry.changes["status"] == ["returned", "under_review"]
    assert entry.changes["vetting"] == []  # asked for at the first submission


def test_a_submitted_application_cannot_be_submitted_again(draft, ngo_admin):
    submitted(draft, by=ngo_admin)
    with pytest.raises(DomainError, match="Only a draft or a returned application"):
        applications.application_submit(actor=ngo_admin, application=draft)


def test_a_return_needs_a_message(draft, ngo_admin, director):
    submitted(draft, by=ngo_admin)
    with pytest.raises(DomainError, match="Say what information is needed"):
        applications.application_return(actor=director, application=draft, message="  ")
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED


def test_a_return_pauses_the_clock_and_tells_the_organisation(draft, ngo_admin, director):
    submitted(draft, by=ngo_admin)
    applications.application_return(
        actor=director, application=draft, message="Send the registration certificate."
    )
    draft.refresh_from_db()
    assert draft.status == Application.Status.RETURNED
    assert draft.paused_at is not None
    assert draft.return_message == "Send the registration certificate."
    assert draft.is_editable
    reminders = Reminder.objects.filter(
        recipient=ngo_admin, kind="accreditation.application_returned"
    )
    assert reminders.count() == 2  # at once, and a follow-up two weeks later


def test_the_decision_date_moves_by_the_time_the_application_was_returned(
    draft, ngo_admin, director
):
    submitted(draft, by=ngo_admin)
    applications.application_return(actor=director, application=draft, message="More, please.")
    # Pretend the application was submitted 20 days ago and returned 12 days ago.
    now = timezone.now()
    Application.objects.filter(pk=draft.pk).update(
        submitted_at=now - timedelta(days=20), paused_at=now - timedelta(days=12)
    )
    draft.refresh_from_db()
    # While returned, the due date keeps moving with the pause.
    assert draft.decision_due() - (draft.submitted_at + timedelta(days=30)) >= timedelta(days=12)
    assert not draft.is_overdue()

    applications.application_submit(actor=ngo_admin, application=draft)
    draft.refresh_from_db()

    assert draft.status == Application.Status.SUBMITTED
    assert draft.paused_at is None
    assert timedelta(days=12) <= draft.paused_for < timedelta(days=12, minutes=1)
    assert draft.decision_due() == draft.submitted_at + timedelta(days=30) + draft.paused_for
    assert draft.submitted_at == now - timedelta(days=20)  # the first submission counts


def test_resubmission_cancels_the_pending_return_reminders(draft, ngo_admin, director):
    submitted(draft, by=ngo_admin)
    applications.application_return(actor=director, application=draft, message="More, please.")
    applications.application_submit(actor=ngo_admin, application=draft)
    follow_up = Reminder.objects.get(
        recipient=ngo_admin, kind="accreditation.application_returned", key__contains="followup"
    )
    assert follow_up.state == Reminder.State.CANCELLED


def test_an_application_returned_during_review_goes_back_to_its_reviewers(
    world, draft, ngo_admin, director, reviewer
):
    second = staff("raul", "reviewer", world.administration)
    under_review(submitted(draft, by=ngo_admin), director=director, reviewers=[reviewer, second])
    applications.application_return(actor=director, application=draft, message="Which prisons?")
    applications.application_submit(actor=ngo_admin, application=draft)
    draft.refresh_from_db()
    assert draft.status == Application.Status.UNDER_REVIEW
    assert draft.assignments.count() == 2


def test_an_overdue_application_is_shown_as_overdue(draft, ngo_admin):
    submitted(draft, by=ngo_admin)
    Application.objects.filter(pk=draft.pk).update(submitted_at=timezone.now() - timedelta(days=31))
    draft.refresh_from_db()
    assert draft.is_overdue()


# Withdrawal -------------------------------------------------------------------------------------


def test_a_draft_or_submitted_application_can_be_withdrawn(draft, ngo_admin):
    submitted(draft, by=ngo_admin)
    applications.application_withdraw(actor=ngo_admin, application=draft)
    draft.refresh_from_db()
    assert draft.status == Application.Status.WITHDRAWN
    assert AuditEntry.objects.filter(action="application.withdrawn", object_id=str(draft.pk))


def test_an_application_withdrawn_meanwhile_cannot_be_submitted(draft, ngo_admin):
    on_the_edit_page = Application.objects.get(pk=draft.pk)  # still a draft there
    applications.application_withdraw(actor=ngo_admin, application=draft)
    with written() as entries, pytest.raises(DomainError, match="Only a draft or a returned"):
        applications.application_submit(actor=ngo_admin, application=on_the_edit_page)
    assert entries == []
    with pytest.raises(DomainError, match="“Withdrawn” and cannot be changed now"):
        applications.application_update(
            actor=ngo_admin,
            application=on_the_edit_page,
            data={"summary": "Changed."},
            activity_types=[],
            facilities=[],
            people=[],
        )
    draft.refresh_from_db()
    assert draft.status == Application.Status.WITHDRAWN


def test_a_decided_application_cannot_be_withdrawn(world, framework):
    application = ApplicationFactory(
        organisation=world.organisation, framework=framework, status=Application.Status.DECIDED
    )
    with pytest.raises(DomainError, match="cannot change from “Decided” to “Withdrawn”"):
        applications.application_withdraw(actor=None, application=application)


def test_a_withdrawn_application_frees_the_organisation_to_start_again(draft, ngo_admin, world):
    applications.application_withdraw(actor=ngo_admin, application=draft)
    again = applications.application_create(
        actor=ngo_admin, organisation=world.organisation, framework=draft.framework
    )
    assert again.status == Application.Status.DRAFT


# The draft's answers and evidence ---------------------------------------------------------------


def test_the_draft_saves_answers_and_scope(world, framework, ngo_admin):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    education = ActivityType.objects.get(code="education")
    person = world.organisation.people.get()
    applications.application_update(
        actor=ngo_admin,
        application=application,
        data={"summary": "Literacy classes.", "partner_mapping": "The Ministry."},
        activity_types=[education],
        facilities=[world.facility],
        people=[person],
    )
    application.refresh_from_db()
    assert application.summary == "Literacy classes."
    assert application.partner_mapping == "The Ministry."
    assert list(application.activity_types.all()) == [education]
    assert list(application.facilities.all()) == [world.facility]
    assert list(application.people.all()) == [person]
    entry = AuditEntry.objects.get(action="application.updated", object_id=str(application.pk))
    assert set(entry.changes["fields"]) == {"summary", "partner_mapping"}


def test_only_the_organisations_own_people_can_be_named(world, framework, ngo_admin):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    stranger = world.other_organisation.people.get()
    with pytest.raises(DomainError, match="Only your organisation's own people"):
        applications.application_update(
            actor=ngo_admin,
            application=application,
            data={},
            activity_types=[],
            facilities=[],
            people=[stranger],
        )
    assert not application.people.exists()


def test_a_network_covers_only_its_own_members(network, framework, network_admin):
    application = ApplicationFactory(organisation=network, framework=framework)
    member = network.members.get()
    outsider = OrganisationFactory()
    applications.application_update(
        actor=network_admin,
        application=application,
        data={},
        activity_types=[],
        facilities=[],
        people=[],
        member_organisations=[member],
    )
    assert list(application.member_organisations.all()) == [member]
    with pytest.raises(DomainError, match="Only member organisations of the network"):
        applications.application_update(
            actor=network_admin,
            application=application,
            data={},
            activity_types=[],
            facilities=[],
            people=[],
            member_organisations=[outsider],
        )


def test_a_submitted_application_cannot_be_changed(draft, ngo_admin):
    submitted(draft, by=ngo_admin)
    with pytest.raises(DomainError, match="cannot be changed now"):
        applications.application_update(
            actor=ngo_admin,
            application=draft,
            data={"summary": "Changed."},
            activity_types=[],
            facilities=[],
            people=[],
        )
    with pytest.raises(DomainError, match="cannot be changed now"):
        applications.evidence_save(
            actor=ngo_admin,
            application=draft,
            criterion_id=draft.framework.criteria.first().pk,
            text="Changed.",
        )


def test_evidence_keeps_text_and_uploaded_documents_and_takes_documents_off(
    world, framework, ngo_admin
):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    criterion = framework.criteria.first()
    upload = SimpleUploadedFile("report.pdf", PDF_BYTES, content_type="text/html")
    evidence = applications.evidence_save(
        actor=ngo_admin,
        application=application,
        criterion_id=criterion.pk,
        text="Our annual report.",
        uploads=[upload],
    )
    document = evidence.documents.get()
    assert evidence.text == "Our annual report."
    assert document.content_type == "application/pdf"  # from the content, not the browser
    assert document.organisation == world.organisation
    assert document.original_name == "report.pdf"

    applications.evidence_save(
        actor=ngo_admin,
        application=application,
        criterion_id=criterion.pk,
        text="Our annual report.",
        remove_document_ids=[document.pk],
    )
    assert not Evidence.objects.get(pk=evidence.pk).documents.exists()
    assert AuditEntry.objects.filter(action="document.uploaded", object_id=str(document.pk))


def test_evidence_rejects_a_file_that_is_not_a_document(world, framework, ngo_admin):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    criterion = framework.criteria.first()
    upload = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError):
        applications.evidence_save(
            actor=ngo_admin,
            application=application,
            criterion_id=criterion.pk,
            text="x",
            uploads=[upload],
        )


def test_evidence_for_a_criterion_of_other_rules_is_refused(world, framework, ngo_admin):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    foreign = CriterionFactory()
    with pytest.raises(DomainError, match="not part of the application's rules"):
        applications.evidence_save(
            actor=ngo_admin, application=application, criterion_id=foreign.pk, text="x"
        )


def test_evidence_documents_of_another_application_cannot_be_taken_off_through_this_one(
    world, framework, ngo_admin
):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    other = EvidenceFactory(
        application=ApplicationFactory(organisation=world.other_organisation),
        documents=[DocumentFactory(organisation=world.other_organisation)],
    )
    document = other.documents.get()
    applications.evidence_save(
        actor=ngo_admin,
        application=application,
        criterion_id=framework.criteria.first().pk,
        text="x",
        remove_document_ids=[document.pk],
    )
    assert list(other.documents.all()) == [document]


def test_people_named_again_after_a_return_are_not_vetted_twice(draft, ngo_admin, director):
    submitted(draft, by=ngo_admin)
    applications.application_return(actor=director, application=draft, message="More.")
    applications.application_submit(actor=ngo_admin, application=draft)
    person = draft.people.get()
    assert person.clearances.count() == 1


def test_assignments_survive_a_return(world, draft, ngo_admin, director, reviewer):
    second = staff("raul", "reviewer", world.administration)
    under_review(submitted(draft, by=ngo_admin), director=director, reviewers=[reviewer, second])
    applications.application_return(actor=director, application=draft, message="More.")
    assert set(
        ReviewAssignment.objects.filter(application=draft).values_list("status", flat=True)
    ) == {ReviewAssignment.Status.AWAITING_DECLARATION}


# Suspension and revocation ----------------------------------------------------------------------


def _accreditation(world, framework, status, *, changed_days_ago=0):
    return AccreditationFactory(
        decision__application__organisation=world.organisation,
        decision__application__framework=framework,
        status=status,
        status_reason="Staff reported a breach of the conduct rules.",
        status_changed_at=timezone.now() - timedelta(days=changed_days_ago),
    )


def test_a_suspended_organisation_can_neither_apply_nor_renew(world, framework, ngo_admin):
    suspended = _accreditation(world, framework, Accreditation.Status.SUSPENDED)
    with pytest.raises(DomainError, match="Your accreditation is suspended"):
        applications.application_create(
            actor=ngo_admin, organisation=world.organisation, framework=framework
        )
    with pytest.raises(DomainError, match="You may appeal the suspension"):
        applications.application_create(
            actor=ngo_admin,
            organisation=world.organisation,
            framework=framework,
            previous=suspended.decision.application,
        )
    assert not Application.objects.filter(status=Application.Status.DRAFT).exists()


def test_a_reinstated_organisation_may_renew(world, framework, ngo_admin, director):
    suspended = _accreditation(world, framework, Accreditation.Status.SUSPENDED)
    decisions.accreditation_reinstate(actor=director, accreditation=suspended, reason="Resolved.")
    renewal = applications.application_create(
        actor=ngo_admin,
        organisation=world.organisation,
        framework=framework,
        previous=suspended.decision.application,
    )
    assert renewal.is_renewal


def test_a_suspension_by_another_administration_does_not_bar_applying_here(
    world, framework, ngo_admin
):
    elsewhere = framework_in_force(AdministrationFactory(name="Region B"), criteria=1)
    _accreditation(world, elsewhere, Accreditation.Status.SUSPENDED)
    with pytest.raises(DomainError, match="suspended"):
        applications.application_create(
            actor=ngo_admin, organisation=world.organisation, framework=elsewhere
        )
    application = applications.application_create(
        actor=ngo_admin, organisation=world.organisation, framework=framework
    )
    assert application.framework == framework


def test_after_a_revocation_the_framework_sets_the_waiting_period(world, framework, ngo_admin):
    Framework.objects.filter(pk=framework.pk).update(reapply_after_days=90)
    framework.refresh_from_db()
    _accreditation(world, framework, Accreditation.Status.REVOKED, changed_days_ago=30)
    reopens = date_format(timezone.localdate() + timedelta(days=60))
    with pytest.raises(DomainError, match=re.escape(f"you may apply again from {reopens}")):
        applications.application_create(
            actor=ngo_admin, organisation=world.organisation, framework=framework
        )
    # The last day of the waiting period is still refused; the day after, it opens.
    Accreditation.objects.update(status_changed_at=timezone.now() - timedelta(days=89))
    with pytest.raises(DomainError, match="revoked"):
        applications.application_create(
            actor=ngo_admin, organisation=world.organisation, framework=framework
        )
    Accreditation.objects.update(status_changed_at=timezone.now() - timedelta(days=90))
    application = applications.application_create(
        actor=ngo_admin, organisation=world.organisation, framework=framework
    )
    assert application.status == Application.Status.DRAFT


def test_with_no_waiting_period_a_revoked_organisation_applies_at_once(world, framework, ngo_admin):
    assert framework.reapply_after_days == 0
    _accreditation(world, framework, Accreditation.Status.REVOKED)
    application = applications.application_create(
        actor=ngo_admin, organisation=world.organisation, framework=framework
    )
    assert application.status == Application.Status.DRAFT


def test_the_waiting_period_is_bounded(world, framework):
    Framework.objects.filter(pk=framework.pk).update(reapply_after_days=3651)
    framework.refresh_from_db()
    with pytest.raises(ValidationError, match="3650"):
        framework.full_clean()
