"""The applicant's pages: the organisation's overview, the list and the file of applications,
editing, evidence, submission, withdrawal, renewal and documents; each as allowed, forbidden,
invisible and anonymous."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accreditation.models import Accreditation, Application, Clearance, Framework
from activity.models import AuditEntry, Document
from directory.models import ActivityType, Organisation, Role
from tests.accreditation.factories import (
    PDF_BYTES,
    AccreditationFactory,
    ApplicationFactory,
    ClearanceFactory,
    DecisionFactory,
    DocumentFactory,
    EvidenceFactory,
    FrameworkFactory,
    ReviewAssignmentFactory,
    complete_application,
    framework_in_force,
    scored,
    staff,
    submitted,
    under_review,
)
from tests.conftest import login
from tests.factories import (
    AdministrationFactory,
    FacilityFactory,
    OrganisationFactory,
    PersonFactory,
)
from tests.support.denied import refusals
from tests.support.pages import assert_login_redirect, count_queries, text

pytestmark = pytest.mark.django_db


def url(name: str, *args: int) -> str:
    return reverse(f"accreditation:{name}", args=args)


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }


@pytest.fixture
def framework(world):
    return framework_in_force(world.administration, criteria=2)


@pytest.fixture
def draft(world, framework, ngo_admin):
    return complete_application(framework, world.organisation, created_by=ngo_admin)


def npm_with_an_administrator() -> Organisation:
    """An organisation recognised as a National Preventive Mechanism after it was given an
    administrator (a mechanism is normally given monitors only)."""
    npm = OrganisationFactory.create(name="National Preventive Mechanism")
    staff("nora", Role.NGO_ADMIN, npm)
    Organisation.objects.filter(pk=npm.pk).update(kind=Organisation.Kind.NPM)
    npm.refresh_from_db()
    return npm


denied = refusals


# Anonymous --------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in_from_every_page(client, world, draft):
    document = DocumentFactory(organisation=world.organisation)
    criterion = draft.framework.criteria.first()
    for path in [
        url("application_list"),
        url("organisation_overview", world.organisation.pk),
        url("application_detail", draft.pk),
        url("application_edit", draft.pk),
        url("evidence_edit", draft.pk, criterion.pk),
        reverse("activity:document_download", args=[document.pk]),
    ]:
        assert_login_redirect(client.get(path), path)


def test_anonymous_actions_are_sent_to_log_in_and_change_nothing(client, world, draft):
    for path in [
        url("application_create", world.organisation.pk),
        url("application_submit", draft.pk),
        url("application_withdraw", draft.pk),
        url("application_renew", draft.pk),
    ]:
        assert_login_redirect(client.post(path), path)
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT
    assert Application.objects.count() == 1


# The organisation's overview --------------------------------------------------------------------


def test_the_organisation_sees_its_accreditations_applications_and_peoples_clearance(
    client, world, framework, ngo_admin
):
    person = world.organisation.people.get()
    ClearanceFactory(person=person, cleared=True)
    accreditation = AccreditationFactory(
        decision__application__organisation=world.organisation,
        decision__application__framework=framework,
    )
    response = login(client, ngo_admin).get(url("organisation_overview", world.organisation.pk))
    assert response.status_code == 200
    page = text(response)
    assert accreditation.verification_code in page
    assert "John Representative" in page
    assert "Cleared" in page
    assert url("clearance_request", person.pk) in page
    assert "Apply for accreditation" in page
    assert f'name="framework" value="{framework.pk}"' in page


def test_the_latest_accredited_application_offers_renewal(client, world, ngo_admin, framework):
    accreditation = AccreditationFactory(
        decision__application__organisation=world.organisation,
        decision__application__framework=framework,
    )
    page = text(login(client, ngo_admin).get(url("organisation_overview", world.organisation.pk)))
    assert url("application_renew", accreditation.decision.application_id) in page


def test_a_refused_application_offers_no_renewal(client, world, ngo_admin, framework):
    decision = DecisionFactory(
        application__organisation=world.organisation,
        application__framework=framework,
        outcome="refused",
    )
    page = text(login(client, ngo_admin).get(url("organisation_overview", world.organisation.pk)))
    assert url("application_renew", decision.application_id) not in page


def test_a_member_sees_the_overview_without_the_apply_button(client, world, ngo_member, framework):
    page = text(login(client, ngo_member).get(url("organisation_overview", world.organisation.pk)))
    assert "Local Human Rights Centre" in page
    assert "Apply for accreditation" not in page


def test_the_director_sees_any_organisations_overview(client, world, director, framework):
    ApplicationFactory(organisation=world.other_organisation, framework=framework)
    response = login(client, director).get(
        url("organisation_overview", world.other_organisation.pk)
    )
    assert response.status_code == 200
    assert "Lucía Lawyer" in text(response)
    assert "Apply for accreditation" not in text(response)


def test_several_rules_in_force_let_the_organisation_choose(client, world, ngo_admin, framework):
    other = framework_in_force(AdministrationFactory(name="State B Prison Service"))
    page = text(login(client, ngo_admin).get(url("organisation_overview", world.organisation.pk)))
    assert '<select name="framework"' in page
    assert str(other) in page


def test_a_formal_mechanism_is_told_it_does_not_apply(client, world, framework):
    npm = npm_with_an_administrator()
    admin = npm.memberships.get().user
    page = text(login(client, admin).get(url("organisation_overview", npm.pk)))
    assert "Apply for accreditation" not in page
    assert "registered with their mandate" in page


@pytest.mark.parametrize("persona", ["outsider", "facility_officer"])
def test_another_organisations_overview_is_not_found(client, request, world, persona):
    user = request.getfixturevalue(persona)
    response = login(client, user).get(url("organisation_overview", world.organisation.pk))
    assert response.status_code == 404


def test_the_overview_makes_the_same_queries_for_one_row_and_fifty(
    client, world, director, framework
):
    org = world.organisation
    login(client, director)
    path = url("organisation_overview", org.pk)
    AccreditationFactory(decision__application__organisation=org)
    ClearanceFactory(person=org.people.get(), cleared=True)
    client.get(path)
    one = count_queries(client, path)
    for n in range(49):
        AccreditationFactory(decision__application__organisation=org)
        ClearanceFactory(person=PersonFactory(organisation=org, full_name=f"Person {n:02d}"))
    fifty = count_queries(client, path)
    assert "Person 48" in text(client.get(path))
    assert fifty == one


# Starting and renewing --------------------------------------------------------------------------


def test_the_administrator_starts_an_application_and_lands_on_its_form(
    client, world, framework, ngo_admin
):
    response = login(client, ngo_admin).post(
        url("application_create", world.organisation.pk), {"framework": framework.pk}
    )
    application = Application.objects.get(organisation=world.organisation)
    assert response.status_code == 302
    assert response["Location"] == url("application_edit", application.pk)
    assert application.framework == framework and application.created_by == ngo_admin
    assert AuditEntry.objects.filter(action="application.create", actor=ngo_admin)


def test_starting_a_second_application_shows_the_services_reason(client, world, draft, ngo_admin):
    response = login(client, ngo_admin).post(
        url("application_create", world.organisation.pk),
        {"framework": draft.framework_id},
        follow=True,
    )
    assert "already has an application in progress" in text(response)
    assert Application.objects.count() == 1


def test_a_formal_mechanism_is_refused_with_the_services_reason(client, world, framework):
    npm = npm_with_an_administrator()
    admin = npm.memberships.get().user
    response = login(client, admin).post(
        url("application_create", npm.pk), {"framework": framework.pk}, follow=True
    )
    assert "is a formal mechanism: it is registered with its mandate" in text(response)
    assert not Application.objects.exists()


def test_starting_under_a_draft_version_is_refused(client, world, ngo_admin, framework):
    draft_rules = FrameworkFactory(administration=world.administration)
    response = login(client, ngo_admin).post(
        url("application_create", world.organisation.pk), {"framework": draft_rules.pk}, follow=True
    )
    assert "Select a valid choice" in text(response)
    assert not Application.objects.exists()


def test_a_member_cannot_start_an_application(client, world, framework, ngo_member):
    response = login(client, ngo_member).post(
        url("application_create", world.organisation.pk), {"framework": framework.pk}
    )
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_an_outsider_cannot_start_an_application_for_another_organisation(
    client, world, framework, outsider
):
    response = login(client, outsider).post(
        url("application_create", world.organisation.pk), {"framework": framework.pk}
    )
    assert response.status_code == 404
    assert not Application.objects.exists()


def test_starting_an_application_needs_post(client, world, framework, ngo_admin):
    response = login(client, ngo_admin).get(url("application_create", world.organisation.pk))
    assert response.status_code == 405


def test_renewal_starts_from_the_last_application(client, world, framework, ngo_admin):
    previous = complete_application(framework, world.organisation, created_by=ngo_admin)
    Application.objects.filter(pk=previous.pk).update(status=Application.Status.DECIDED)
    AccreditationFactory(decision__application=previous)
    response = login(client, ngo_admin).post(url("application_renew", previous.pk))
    renewal = Application.objects.get(previous=previous)
    assert response["Location"] == url("application_edit", renewal.pk)
    assert renewal.summary == previous.summary
    assert renewal.evidence.count() == 2
    assert AuditEntry.objects.filter(action="application.renew", object_id=str(renewal.pk))


def test_renewal_under_new_rules_uses_the_version_in_force(client, world, framework, ngo_admin):
    previous = complete_application(framework, world.organisation, created_by=ngo_admin)
    Application.objects.filter(pk=previous.pk).update(status=Application.Status.DECIDED)
    Framework.objects.filter(pk=framework.pk).update(status=Framework.Status.SUPERSEDED)
    new_rules = framework_in_force(world.administration)
    login(client, ngo_admin).post(url("application_renew", previous.pk))
    assert Application.objects.get(previous=previous).framework == new_rules


def test_renewal_without_rules_in_force_is_refused(client, world, framework, ngo_admin):
    previous = complete_application(framework, world.organisation, created_by=ngo_admin)
    Application.objects.filter(pk=previous.pk).update(status=Application.Status.DECIDED)
    Framework.objects.filter(pk=framework.pk).update(status=Framework.Status.SUPERSEDED)
    response = login(client, ngo_admin).post(url("application_renew", previous.pk), follow=True)
    assert "No accreditation rules are in force" in text(response)
    assert not Application.objects.filter(previous=previous).exists()


def test_a_member_cannot_renew(client, world, framework, ngo_member, ngo_admin):
    previous = complete_application(framework, world.organisation, created_by=ngo_admin)
    Application.objects.filter(pk=previous.pk).update(status=Application.Status.DECIDED)
    assert login(client, ngo_member).post(url("application_renew", previous.pk)).status_code == 403
    assert not Application.objects.filter(previous=previous).exists()


def test_an_outsider_cannot_renew_another_organisations_application(
    client, world, framework, outsider, ngo_admin
):
    previous = complete_application(framework, world.organisation, created_by=ngo_admin)
    assert login(client, outsider).post(url("application_renew", previous.pk)).status_code == 404


# The list ---------------------------------------------------------------------------------------


def test_the_organisation_lists_only_its_own_applications(
    client, world, framework, draft, ngo_admin
):
    ApplicationFactory(organisation=world.other_organisation, framework=framework)
    page = text(login(client, ngo_admin).get(url("application_list")))
    assert "Local Human Rights Centre" in page
    assert "Legal Aid Clinic" not in page


def test_the_director_lists_every_application_and_filters_by_status(
    client, world, framework, draft, director, ngo_admin
):
    other = ApplicationFactory(
        organisation=world.other_organisation,
        framework=framework,
        status=Application.Status.RETURNED,
    )
    submitted(draft, by=ngo_admin)
    login(client, director)
    assert "Legal Aid Clinic" in text(client.get(url("application_list")))
    page = text(client.get(url("application_list"), {"status": "submitted"}))
    assert url("application_detail", draft.pk) in page
    assert url("application_detail", other.pk) not in page


def test_the_list_filters_by_activity_facility_and_organisation(
    client, world, framework, draft, ngo_admin, director
):
    submitted(draft, by=ngo_admin)
    other = ApplicationFactory(
        organisation=world.other_organisation,
        framework=framework,
        status=Application.Status.SUBMITTED,
    )
    other.activity_types.set(ActivityType.objects.filter(code="legal_aid"))
    other.facilities.set([world.other_facility])
    login(client, director)
    legal = ActivityType.objects.get(code="legal_aid")
    page = text(client.get(url("application_list"), {"activity_type": legal.pk}))
    assert url("application_detail", other.pk) in page
    assert url("application_detail", draft.pk) not in page
    page = text(client.get(url("application_list"), {"facility": world.facility.pk}))
    assert url("application_detail", draft.pk) in page
    assert url("application_detail", other.pk) not in page
    page = text(client.get(url("application_list"), {"organisation": world.other_organisation.pk}))
    assert url("application_detail", other.pk) in page
    assert url("application_detail", draft.pk) not in page


def test_a_reviewer_lists_only_assigned_applications(client, world, framework, draft, reviewer):
    other = ApplicationFactory(organisation=world.other_organisation, framework=framework)
    ReviewAssignmentFactory(application=other, reviewer=reviewer)
    from guardian.shortcuts import assign_perm

    assign_perm("accreditation.view_application", reviewer, other)
    page = text(login(client, reviewer).get(url("application_list")))
    assert url("application_detail", other.pk) in page
    assert url("application_detail", draft.pk) not in page


def test_an_overdue_application_is_flagged_in_the_list(client, world, draft, ngo_admin, director):
    submitted(draft, by=ngo_admin)
    Application.objects.filter(pk=draft.pk).update(submitted_at=timezone.now() - timedelta(days=45))
    assert "Overdue" in text(login(client, director).get(url("application_list")))


def test_the_list_makes_the_same_queries_for_one_row_and_fifty(client, world, framework, director):
    login(client, director)
    path = url("application_list")
    education = ActivityType.objects.filter(code="education")
    ApplicationFactory(
        framework=framework, activity_types=education, status=Application.Status.SUBMITTED
    )
    client.get(path)
    one = count_queries(client, path)
    for _n in range(49):
        ApplicationFactory(
            framework=framework, activity_types=education, status=Application.Status.SUBMITTED
        )
    fifty = count_queries(client, path)
    assert len(client.get(path).context["page"].items) == 50
    assert fifty == one


def test_the_list_pages_by_keyset(client, world, framework, director):
    for _n in range(55):
        ApplicationFactory(framework=framework, status=Application.Status.SUBMITTED)
    login(client, director)
    first = client.get(url("application_list"))
    assert len(first.context["page"].items) == 50
    second = client.get(url("application_list"), {"after": first.context["page"].next_cursor})
    assert len(second.context["page"].items) == 5


# The file ---------------------------------------------------------------------------------------


def test_the_applicant_sees_the_file_what_is_missing_and_the_clock(
    client, world, framework, ngo_admin
):
    application = ApplicationFactory(
        organisation=world.organisation, framework=framework, summary="We teach literacy."
    )
    document = DocumentFactory(organisation=world.organisation, original_name="annual.pdf")
    criterion = framework.criteria.first()
    EvidenceFactory(
        application=application, criterion=criterion, text="Ten years.", documents=[document]
    )
    response = login(client, ngo_admin).get(url("application_detail", application.pk))
    assert response.status_code == 200
    page = text(response)
    assert "We teach literacy." in page
    assert "Ten years." in page
    assert reverse("activity:document_download", args=[document.pk]) in page
    assert "Still missing before you can submit" in page
    assert "Choose at least one activity." in page
    assert url("application_edit", application.pk) in page
    assert url("evidence_edit", application.pk, criterion.pk) in page
    assert url("application_submit", application.pk) in page
    assert url("decision_make", application.pk) not in page


def test_the_file_shows_the_strategic_planning_answers(client, draft, ngo_admin):
    page = text(login(client, ngo_admin).get(url("application_detail", draft.pk)))
    for answer in [
        "Trained volunteers.",
        "Small budget.",
        "Two donors until 2027.",
        "Bar Association",
    ]:
        assert answer in page
    assert "The application is complete and can be submitted." in page


def test_a_returned_application_shows_the_message_and_the_paused_clock(
    client, draft, ngo_admin, director
):
    from accreditation import services

    submitted(draft, by=ngo_admin)
    services.application_return(actor=director, application=draft, message="Which prisons?")
    page = text(login(client, ngo_admin).get(url("application_detail", draft.pk)))
    assert "Which prisons?" in page
    assert "the clock is paused" in page


def test_the_director_sees_process_actions_but_no_applicant_actions(
    client, draft, ngo_admin, director
):
    submitted(draft, by=ngo_admin)
    page = text(login(client, director).get(url("application_detail", draft.pk)))
    assert url("application_return", draft.pk) in page
    assert url("reviewers_assign", draft.pk) in page
    assert url("application_edit", draft.pk) not in page
    assert url("application_withdraw", draft.pk) not in page


def test_a_member_reads_the_file_without_actions(client, draft, ngo_member):
    page = text(login(client, ngo_member).get(url("application_detail", draft.pk)))
    assert "Trained volunteers." in page
    assert url("application_edit", draft.pk) not in page
    assert url("application_submit", draft.pk) not in page


def test_a_reviewer_who_has_not_declared_sees_only_the_name_and_the_declaration(
    client, world, draft, ngo_admin, director, reviewer
):
    second = staff("raul", Role.REVIEWER, world.administration)
    under_review(submitted(draft, by=ngo_admin), director=director, reviewers=[reviewer, second])
    response = login(client, reviewer).get(url("application_detail", draft.pk))
    assert response.status_code == 200
    page = text(response)
    assert "Local Human Rights Centre" in page
    assert "Trained volunteers." not in page
    assert "Declare whether you have a conflict of interest" in page
    assignment = draft.assignments.get(reviewer=reviewer)
    assert url("review_declare", assignment.pk) in page


@pytest.mark.parametrize("persona", ["outsider", "reviewer", "facility_officer", "monitor"])
def test_the_file_is_not_found_for_those_who_may_not_see_it(client, request, draft, persona):
    user = request.getfixturevalue(persona)
    response = login(client, user).get(url("application_detail", draft.pk))
    assert response.status_code == 404
    assert "Trained volunteers." not in text(response)
    assert denied(user, "application.view").exists()


def test_the_applicant_sees_the_score_sheet_with_anonymous_reviewers_once_decided(
    client, world, draft, ngo_admin, director, reviewer
):
    from accreditation import services

    second = staff("raul", Role.REVIEWER, world.administration)
    under_review(submitted(draft, by=ngo_admin), director=director, reviewers=[reviewer, second])
    scored(draft, {reviewer: 3, second: 4}, comment="Scored {score}.")
    login(client, ngo_admin)
    assert "Score sheet" not in text(client.get(url("application_detail", draft.pk)))
    services.decision_make(
        actor=director, application=draft, outcome="accredited", reasons="Strong evidence."
    )
    page = text(client.get(url("application_detail", draft.pk)))
    assert "Score sheet" in page
    assert "Reviewer 1" in page and "Reviewer 2" in page
    assert "rita" not in page and reviewer.get_full_name() not in page
    assert "Strong evidence." in page
    assert "87.50 %" in page
    assert Accreditation.objects.get().verification_code in page
    assert url("decision_letter", draft.pk) in page


def test_the_file_makes_the_same_queries_for_one_row_and_fifty(client, world, framework, ngo_admin):
    org = world.organisation
    application = ApplicationFactory(organisation=org, framework=framework)
    evidence = EvidenceFactory(application=application, criterion=framework.criteria.first())
    login(client, ngo_admin)
    path = url("application_detail", application.pk)

    def add_row(n: int) -> None:
        person = PersonFactory(organisation=org, full_name=f"Person {n:02d}")
        ClearanceFactory(person=person)
        application.people.add(person)
        evidence.documents.add(DocumentFactory(organisation=org, original_name=f"doc{n:02d}.pdf"))

    add_row(0)
    client.get(path)
    one = count_queries(client, path)
    for n in range(1, 50):
        add_row(n)
    fifty = count_queries(client, path)
    page = text(client.get(path))
    assert "Person 49" in page and "doc49.pdf" in page
    assert fifty == one


# Editing ----------------------------------------------------------------------------------------


def edit_form(world, **changes) -> dict:
    data = {
        "summary": "Literacy classes in two prisons.",
        "activity_types": [ActivityType.objects.get(code="education").pk],
        "facilities": [world.facility.pk],
        "people": [world.organisation.people.get().pk],
        "swot_strengths": "Volunteers.",
        "swot_weaknesses": "",
        "swot_opportunities": "",
        "swot_threats": "",
        "sustainability_plan": "",
        "partner_mapping": "",
    }
    return {**data, **changes}


def test_the_edit_form_shows_the_current_answers(client, draft, ngo_admin):
    response = login(client, ngo_admin).get(url("application_edit", draft.pk))
    assert response.status_code == 200
    page = text(response)
    assert "Trained volunteers." in page
    assert "Central Penitentiary" in page
    assert "John Representative" in page
    assert "member_organisations" not in page  # not a network


def test_the_administrator_saves_the_draft(client, world, framework, ngo_admin):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    response = login(client, ngo_admin).post(
        url("application_edit", application.pk), edit_form(world)
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.summary == "Literacy classes in two prisons."
    assert application.swot_strengths == "Volunteers."
    assert list(application.facilities.all()) == [world.facility]
    assert list(application.people.all()) == [world.organisation.people.get()]
    assert AuditEntry.objects.filter(action="application.update", actor=ngo_admin)


def test_a_network_names_its_member_organisations(client, world, framework, network, network_admin):
    application = ApplicationFactory(organisation=network, framework=framework)
    member = network.members.get()
    login(client, network_admin)
    assert "Women's Handcraft Collective" in text(
        client.get(url("application_edit", application.pk))
    )
    client.post(
        url("application_edit", application.pk),
        edit_form(world, people=[], member_organisations=[member.pk]),
    )
    assert list(application.member_organisations.all()) == [member]


def test_another_organisations_person_is_refused_and_the_typed_text_kept(
    client, world, framework, ngo_admin
):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    stranger = world.other_organisation.people.get()
    response = login(client, ngo_admin).post(
        url("application_edit", application.pk),
        edit_form(world, people=[stranger.pk], summary="Typed and kept."),
    )
    assert response.status_code == 200
    page = text(response)
    assert "Select a valid choice" in page
    assert "Typed and kept." in page
    application.refresh_from_db()
    assert application.summary == "We teach reading and writing."


def test_a_submitted_application_cannot_be_edited_and_says_why(client, world, draft, ngo_admin):
    submitted(draft, by=ngo_admin)
    response = login(client, ngo_admin).post(
        url("application_edit", draft.pk), edit_form(world, summary="Too late.")
    )
    assert response.status_code == 200
    page = text(response)
    assert "cannot be changed now" in page
    assert "Too late." in page
    draft.refresh_from_db()
    assert draft.summary != "Too late."


@pytest.mark.parametrize("persona", ["ngo_member", "director"])
def test_only_the_organisations_administrators_edit(
    client, request, world, draft, ngo_admin, persona
):
    """A member reads the application and may not change it; the director may not either
    (returned to the organisation, the application is visible to the administration)."""
    from accreditation.models import Application as Model

    Model.objects.filter(pk=draft.pk).update(
        status=Model.Status.RETURNED, submitted_at=timezone.now()
    )
    user = request.getfixturevalue(persona)
    login(client, user)
    assert client.get(url("application_edit", draft.pk)).status_code == 403
    response = client.post(url("application_edit", draft.pk), edit_form(world, summary="Hijack"))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.summary != "Hijack"
    assert denied(user, "application.change").exists()


def test_an_outsider_cannot_find_the_edit_form(client, draft, outsider):
    assert login(client, outsider).get(url("application_edit", draft.pk)).status_code == 404


# Evidence ---------------------------------------------------------------------------------------


def test_the_evidence_form_shows_the_criterion_and_its_scale(client, draft, ngo_admin):
    criterion = draft.framework.criteria.first()
    page = text(login(client, ngo_admin).get(url("evidence_edit", draft.pk, criterion.pk)))
    assert criterion.name in page
    assert "Level 4" in page
    assert "Ten years of literacy classes" in page


def test_evidence_is_saved_with_several_documents(client, world, framework, ngo_admin):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    criterion = framework.criteria.first()
    files = [
        SimpleUploadedFile("report.pdf", PDF_BYTES, content_type="application/pdf"),
        SimpleUploadedFile("statutes.pdf", PDF_BYTES, content_type="application/pdf"),
    ]
    response = login(client, ngo_admin).post(
        url("evidence_edit", application.pk, criterion.pk),
        {"text": "See our reports.", "documents": files},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#criterion-{criterion.pk}")
    evidence = application.evidence.get(criterion=criterion)
    assert evidence.text == "See our reports."
    assert sorted(d.original_name for d in evidence.documents.all()) == [
        "report.pdf",
        "statutes.pdf",
    ]
    assert AuditEntry.objects.filter(action="evidence.save", actor=ngo_admin)


def test_a_document_is_taken_off(client, world, framework, ngo_admin):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    criterion = framework.criteria.first()
    document = DocumentFactory(organisation=world.organisation)
    EvidenceFactory(application=application, criterion=criterion, documents=[document])
    login(client, ngo_admin).post(
        url("evidence_edit", application.pk, criterion.pk),
        {"text": "Still here.", "remove": [document.pk]},
    )
    assert not application.evidence.get(criterion=criterion).documents.exists()


def test_a_file_that_is_not_a_document_is_refused_by_name_and_the_text_kept(
    client, world, framework, ngo_admin
):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    criterion = framework.criteria.first()
    fake = SimpleUploadedFile("report.pdf", b"<html><script>x</script></html>", "application/pdf")
    response = login(client, ngo_admin).post(
        url("evidence_edit", application.pk, criterion.pk),
        {"text": "Typed evidence.", "documents": [fake]},
    )
    assert response.status_code == 200
    page = text(response)
    assert "report.pdf: This file is not one of the accepted types" in page
    assert "a web page or other markup" in page
    assert "Typed evidence." in page
    assert not Document.objects.exists()
    assert not application.evidence.exists()


def test_evidence_for_a_criterion_of_other_rules_is_not_found(client, draft, ngo_admin):
    from tests.accreditation.factories import CriterionFactory

    foreign = CriterionFactory()
    response = login(client, ngo_admin).get(url("evidence_edit", draft.pk, foreign.pk))
    assert response.status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("ngo_member", 403), ("outsider", 404)])
def test_only_the_organisations_administrators_add_evidence(
    client, request, draft, persona, status
):
    user = request.getfixturevalue(persona)
    criterion = draft.framework.criteria.first()
    response = login(client, user).post(
        url("evidence_edit", draft.pk, criterion.pk), {"text": "Hijack"}
    )
    assert response.status_code == status
    assert not draft.evidence.filter(text="Hijack").exists()


# Submission and withdrawal ----------------------------------------------------------------------


def test_the_administrator_submits_a_complete_application(client, draft, ngo_admin):
    response = login(client, ngo_admin).post(url("application_submit", draft.pk), follow=True)
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED
    assert "The application was submitted" in text(response)
    assert AuditEntry.objects.filter(action="application.submitted", actor=ngo_admin)
    assert Clearance.objects.filter(person__organisation=draft.organisation).exists()


def test_an_incomplete_application_is_not_submitted_and_says_what_is_missing(
    client, world, framework, ngo_admin
):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    response = login(client, ngo_admin).post(url("application_submit", application.pk), follow=True)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert "The application is not complete yet" in text(response)
    assert "Choose at least one target facility." in text(response)


def test_submission_needs_post(client, draft, ngo_admin):
    assert login(client, ngo_admin).get(url("application_submit", draft.pk)).status_code == 405


@pytest.mark.parametrize(
    ("persona", "status"), [("ngo_member", 403), ("director", 404), ("outsider", 404)]
)
def test_only_the_organisations_administrators_submit(client, request, draft, persona, status):
    user = request.getfixturevalue(persona)
    assert login(client, user).post(url("application_submit", draft.pk)).status_code == status
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT


def test_the_administrator_withdraws_the_application(client, draft, ngo_admin):
    login(client, ngo_admin).post(url("application_withdraw", draft.pk))
    draft.refresh_from_db()
    assert draft.status == Application.Status.WITHDRAWN
    assert AuditEntry.objects.filter(action="application.withdrawn", actor=ngo_admin)


def test_a_decided_application_cannot_be_withdrawn_and_says_why(
    client, world, framework, ngo_admin
):
    decision = DecisionFactory(application__organisation=world.organisation)
    response = login(client, ngo_admin).post(
        url("application_withdraw", decision.application_id), follow=True
    )
    assert "cannot change from “Decided” to “Withdrawn”" in text(response)


def test_a_member_cannot_withdraw(client, draft, ngo_member):
    assert login(client, ngo_member).post(url("application_withdraw", draft.pk)).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT


# Documents --------------------------------------------------------------------------------------


def test_the_organisation_downloads_its_document_as_an_attachment(client, world, ngo_member):
    document = DocumentFactory(organisation=world.organisation, original_name="annual report.pdf")
    response = login(client, ngo_member).get(
        reverse("activity:document_download", args=[document.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "annual report.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_opening_a_document_is_written_to_the_audit_trail(client, world, ngo_member):
    document = DocumentFactory(organisation=world.organisation)
    login(client, ngo_member).get(reverse("activity:document_download", args=[document.pk]))
    entry = AuditEntry.objects.get(action="document.read")
    assert entry.actor == ngo_member
    assert entry.object_id == str(document.pk)


def test_another_organisations_document_is_not_found(client, world, outsider):
    document = DocumentFactory(organisation=world.organisation)
    response = login(client, outsider).get(
        reverse("activity:document_download", args=[document.pk])
    )
    assert response.status_code == 404
    assert denied(outsider, "document.view").exists()


def test_a_reviewer_downloads_evidence_only_after_declaring(
    client, world, draft, ngo_admin, director, reviewer
):
    from accreditation import services

    document = DocumentFactory(organisation=world.organisation)
    draft.evidence.first().documents.add(document)
    second = staff("raul", Role.REVIEWER, world.administration)
    under_review(submitted(draft, by=ngo_admin), director=director, reviewers=[reviewer, second])
    login(client, reviewer)
    assert client.get(reverse("activity:document_download", args=[document.pk])).status_code == 404
    services.review_declare(
        actor=reviewer,
        assignment=draft.assignments.get(reviewer=reviewer),
        conflict=False,
        statement="",
    )
    assert client.get(reverse("activity:document_download", args=[document.pk])).status_code == 200


def test_the_list_filters_offer_only_what_the_organisation_applied_with(
    client, world, framework, draft, ngo_admin
):
    draft.facilities.set([world.facility])
    unrelated = OrganisationFactory(name="Unrelated Charity")
    ApplicationFactory(organisation=unrelated, framework=framework).facilities.set(
        [world.other_facility]
    )
    login(client, ngo_admin)
    page = client.get(url("application_list")).content.decode()
    assert f'<option value="{world.facility.pk}">' in page
    assert f'<option value="{world.organisation.pk}">' in page
    # Facilities it did not name and organisations whose applications it cannot see are not
    # offered, however many there are in the country.
    assert f'<option value="{world.other_facility.pk}">' not in page
    assert f'<option value="{unrelated.pk}">' not in page
    assert f'<option value="{world.other_organisation.pk}">' not in page


def test_the_list_filters_offer_staff_their_administrations_facilities(
    client, world, framework, draft, ngo_admin, director
):
    submitted(draft, by=ngo_admin)
    elsewhere = FacilityFactory(name="Another System's Prison")
    login(client, director)
    page = client.get(url("application_list")).content.decode()
    assert f'<option value="{world.facility.pk}">' in page
    assert f'<option value="{world.other_facility.pk}">' in page
    assert f'<option value="{elsewhere.pk}">' not in page
    assert f'<option value="{world.organisation.pk}">' in page
    assert f'<option value="{world.other_organisation.pk}">' not in page


# The reviewers' comments, for the applicant ------------------------------------------------------


@pytest.fixture
def decided_with_comments(world, draft, ngo_admin, director, reviewer):
    """Decided on two reviews; Rita kept her comment on the second criterion internal."""
    from accreditation import services

    second = staff("raul", Role.REVIEWER, world.administration)
    under_review(submitted(draft, by=ngo_admin), director=director, reviewers=[reviewer, second])
    first_criterion, second_criterion = draft.framework.criteria.all()
    for user, notes in (
        (reviewer, ("Reports are thin.", "Their treasurer is my neighbour.")),
        (second, ("Good annual reports.", "Funding is secured.")),
    ):
        assignment = draft.assignments.get(reviewer=user)
        services.review_declare(actor=user, assignment=assignment, conflict=False, statement="")
        services.review_save_scores(
            actor=user,
            assignment=assignment,
            scores={first_criterion.pk: (3, notes[0]), second_criterion.pk: (4, notes[1])},
            internal=[second_criterion.pk] if user == reviewer else [],
        )
        services.review_submit(actor=user, assignment=assignment)
    services.decision_make(
        actor=director, application=draft, outcome="accredited", reasons="Strong evidence."
    )
    return draft


def test_the_applicant_reads_each_reviewers_comments_without_names_or_internal_ones(
    client, decided_with_comments, ngo_admin, reviewer
):
    page = text(login(client, ngo_admin).get(url("application_detail", decided_with_comments.pk)))
    comments = page[page.index("Reviewers' comments") :]
    assert "Reports are thin." in comments and "Good annual reports." in comments
    assert "Funding is secured." in comments
    assert "Their treasurer is my neighbour." not in page
    assert "Reviewer 1" in comments and "Reviewer 2" in comments
    assert reviewer.get_full_name() not in page and "raul" not in page


def test_the_directors_read_every_comment_with_names_and_see_which_are_internal(
    client, decided_with_comments, director, reviewer
):
    page = text(login(client, director).get(url("application_detail", decided_with_comments.pk)))
    comments = page[page.index("Reviewers' comments") :]
    assert "Their treasurer is my neighbour." in comments
    assert reviewer.get_full_name() in comments
    assert comments.count("Internal: not shown to the applicant") == 1


def test_before_the_decision_the_applicant_reads_no_comment(
    client, world, draft, ngo_admin, director, reviewer
):
    second = staff("raul", Role.REVIEWER, world.administration)
    under_review(submitted(draft, by=ngo_admin), director=director, reviewers=[reviewer, second])
    scored(draft, {reviewer: 3, second: 4}, comment="Comment {score}.")
    page = text(login(client, ngo_admin).get(url("application_detail", draft.pk)))
    assert "Comment 3." not in page and "Reviewers' comments" not in page


# A suspended or revoked organisation --------------------------------------------------------


def barred(world, framework, status):
    deciding_director = staff("martin", Role.DIRECTOR, world.administration)
    return AccreditationFactory(
        decision__application__organisation=world.organisation,
        decision__application__framework=framework,
        decision__decided_by=deciding_director,
        status=status,
        status_reason="Photographs taken in the segregation unit.",
        status_changed_at=timezone.now(),
        status_changed_by=deciding_director,
    )


def test_a_suspended_organisation_is_told_why_and_pointed_to_the_appeal(
    client, world, framework, ngo_admin
):
    accreditation = barred(world, framework, Accreditation.Status.SUSPENDED)
    page = text(login(client, ngo_admin).get(url("organisation_overview", world.organisation.pk)))
    assert "While it is suspended you cannot apply or renew." in page
    assert "Photographs taken in the segregation unit." in page
    assert url("appeal_lodge", accreditation.decision_id) in page
    assert "Appeal the suspension" in page
    assert "Apply for accreditation" not in page
    assert url("application_renew", accreditation.decision.application_id) not in page
    # Sent anyway, the application is refused with the reason.
    response = client.post(
        url("application_create", world.organisation.pk), {"framework": framework.pk}, follow=True
    )
    assert "Your accreditation is suspended" in text(response)
    response = client.post(
        url("application_renew", accreditation.decision.application_id), follow=True
    )
    assert "Your accreditation is suspended" in text(response)
    assert not Application.objects.filter(status=Application.Status.DRAFT).exists()


def test_a_pending_appeal_against_the_suspension_is_shown_instead_of_the_button(
    client, world, framework, ngo_admin
):
    from accreditation import services

    accreditation = barred(world, framework, Accreditation.Status.SUSPENDED)
    services.appeal_lodge(
        actor=ngo_admin,
        decision=accreditation.decision,
        subject="suspension",
        grounds="The photographs were authorised.",
    )
    page = text(login(client, ngo_admin).get(url("organisation_overview", world.organisation.pk)))
    assert "Your appeal is waiting for a decision." in page
    assert accreditation.get_absolute_url() in page
    assert url("appeal_lodge", accreditation.decision_id) not in page


def test_a_revoked_organisation_is_told_when_it_may_apply_again(
    client, world, framework, ngo_admin
):
    Framework.objects.filter(pk=framework.pk).update(reapply_after_days=365)
    accreditation = barred(world, framework, Accreditation.Status.REVOKED)
    page = text(login(client, ngo_admin).get(url("organisation_overview", world.organisation.pk)))
    assert "Your accreditation was revoked on" in page
    assert "you may apply again from" in page
    assert "Appeal the revocation" in page
    assert "Apply for accreditation" not in page
    Framework.objects.filter(pk=framework.pk).update(reapply_after_days=0)
    page = text(client.get(url("organisation_overview", world.organisation.pk)))
    assert "Apply for accreditation" in page and "was revoked" not in page
    assert accreditation.status == Accreditation.Status.REVOKED
