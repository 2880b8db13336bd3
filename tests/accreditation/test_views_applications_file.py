"""The file of an application: what each reader sees of it, the score sheet and the reviewers'
comments once decided."""

import pytest
from django.urls import reverse

from accreditation.models import Accreditation
from directory.models import Role
from tests.accreditation.factories import (
    ApplicationFactory,
    ClearanceFactory,
    DocumentFactory,
    EvidenceFactory,
    scored,
    staff,
    submitted,
    under_review,
)
from tests.accreditation.pages import url
from tests.conftest import login
from tests.factories import PersonFactory
from tests.support.denied import refusals as denied
from tests.support.pages import count_queries, text

pytestmark = pytest.mark.django_db


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
    from accreditation.services import applications

    submitted(draft, by=ngo_admin)
    applications.application_return(actor=director, application=draft, message="Which prisons?")
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
    from accreditation.services import decisions

    second = staff("raul", Role.REVIEWER, world.administration)
    under_review(submitted(draft, by=ngo_admin), director=director, reviewers=[reviewer, second])
    scored(draft, {reviewer: 3, second: 4}, comment="Scored {score}.")
    login(client, ngo_admin)
    assert "Score sheet" not in text(client.get(url("application_detail", draft.pk)))
    decisions.decision_make(
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


# The reviewers' comments, for the applicant ------------------------------------------------------


@pytest.fixture
def decided_with_comments(world, draft, ngo_admin, director, reviewer):
    """Decided on two reviews; Rita kept her comment on the second criterion internal."""
    from accreditation.services import decisions, review

    second = staff("raul", Role.REVIEWER, world.administration)
    under_review(submitted(draft, by=ngo_admin), director=director, reviewers=[reviewer, second])
    first_criterion, second_criterion = draft.framework.criteria.all()
    for user, notes in (
        (reviewer, ("Reports are thin.", "Their treasurer is my neighbour.")),
        (second, ("Good annual reports.", "Funding is secured.")),
    ):
        assignment = draft.assignments.get(reviewer=user)
        review.review_declare(actor=user, assignment=assignment, conflict=False, statement="")
        review.review_save_scores(
            actor=user,
            assignment=assignment,
            scores={first_criterion.pk: (3, notes[0]), second_criterion.pk: (4, notes[1])},
            internal=[second_criterion.pk] if user == reviewer else [],
        )
        review.review_submit(actor=user, assignment=assignment)
    decisions.decision_make(
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
