"""The reviewer's pages: assignments, the declaration before the file, scoring, submission and
the combined sheet afterwards."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accreditation.models import Framework, ReviewAssignment, Score
from accreditation.services import review
from activity.models import AuditEntry
from tests.accreditation.factories import (
    CriterionFactory,
    DocumentFactory,
    ReviewAssignmentFactory,
    complete_application,
    framework_in_force,
    scored,
    submitted,
    under_review,
)
from tests.accreditation.pages import url
from tests.conftest import login
from tests.support.denied import refusals
from tests.support.pages import assert_login_redirect, count_queries, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(reviewing, reviewer) -> ReviewAssignment:
    return reviewing.assignments.get(reviewer=reviewer)


def declare(assignment: ReviewAssignment) -> ReviewAssignment:
    review.review_declare(
        actor=assignment.reviewer, assignment=assignment, conflict=False, statement=""
    )
    assignment.refresh_from_db()
    return assignment


def score_form(application, score: str = "3", comment: str = "Good evidence.") -> dict:
    data = {}
    for criterion in application.framework.criteria.all():
        data[f"score_{criterion.pk}"] = score
        data[f"comment_{criterion.pk}"] = comment
    return data


# Anonymous and other people ---------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, assignment):
    for path in [url("review_list"), url("review", assignment.pk)]:
        assert_login_redirect(client.get(path), path)
    for path in [
        url("review_declare", assignment.pk),
        url("review_scores", assignment.pk),
        url("review_submit", assignment.pk),
    ]:
        assert_login_redirect(client.post(path, {"conflict": "no"}), path)
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.AWAITING_DECLARATION


@pytest.mark.parametrize("persona", ["second_reviewer", "director", "ngo_admin", "outsider"])
def test_a_review_is_not_found_by_anyone_but_its_reviewer(client, request, assignment, persona):
    user = request.getfixturevalue(persona)
    login(client, user)
    assert client.get(url("review", assignment.pk)).status_code == 404
    response = client.post(url("review_declare", assignment.pk), {"conflict": "no"})
    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.AWAITING_DECLARATION
    assert refusals(user, "review.view").exists()


def test_actions_need_post(client, assignment, reviewer):
    login(client, reviewer)
    for name in ["review_declare", "review_scores", "review_submit"]:
        assert client.get(url(name, assignment.pk)).status_code == 405


# The list ---------------------------------------------------------------------------------------


def test_the_reviewer_lists_own_assignments_with_due_dates_and_overdue_flags(
    client, world, assignment, reviewer, second_reviewer
):
    other = ReviewAssignmentFactory(
        reviewer=second_reviewer, application__organisation=world.other_organisation
    )
    ReviewAssignment.objects.filter(pk=assignment.pk).update(
        due_at=timezone.now() - timedelta(days=1)
    )
    page = text(login(client, reviewer).get(url("review_list")))
    assert "Local Human Rights Centre" in page
    assert "Awaiting conflict declaration" in page
    assert "Overdue" in page
    assert url("review", other.pk) not in page


def test_the_list_filters_by_status(client, assignment, reviewer, world):
    done = ReviewAssignmentFactory(
        reviewer=reviewer,
        status=ReviewAssignment.Status.SUBMITTED,
        application__organisation=world.other_organisation,
    )
    page = text(login(client, reviewer).get(url("review_list"), {"status": "submitted"}))
    assert url("review", done.pk) in page
    assert url("review", assignment.pk) not in page


def test_the_list_makes_the_same_queries_for_one_row_and_fifty(client, reviewer):
    login(client, reviewer)
    path = url("review_list")
    ReviewAssignmentFactory(reviewer=reviewer)
    client.get(path)
    one = count_queries(client, path)
    for _n in range(49):
        ReviewAssignmentFactory(reviewer=reviewer)
    fifty = count_queries(client, path)
    assert len(client.get(path).context["page"].items) == 50
    assert fifty == one


# Declaration ------------------------------------------------------------------------------------


def test_before_declaring_the_reviewer_sees_the_declaration_and_not_the_file(
    client, assignment, reviewer
):
    response = login(client, reviewer).get(url("review", assignment.pk))
    assert response.status_code == 200
    page = text(response)
    assert "Do you have a conflict of interest with this organisation?" in page
    assert url("review_declare", assignment.pk) in page
    assert "Local Human Rights Centre" in page
    assert "Ten years of literacy classes" not in page
    assert url("review_scores", assignment.pk) not in page


def test_declaring_no_conflict_opens_the_file_and_the_scoring_form(client, assignment, reviewer):
    login(client, reviewer)
    response = client.post(url("review_declare", assignment.pk), {"conflict": "no"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.SCORING
    assert AuditEntry.objects.filter(action="reviewassignment.no_conflict_declared", actor=reviewer)
    page = text(client.get(url("review", assignment.pk)))
    assert "Ten years of literacy classes" in page
    assert "Level 4" in page  # the anchored levels as choices
    assert 'type="radio"' in page


def test_a_conflict_without_a_statement_is_refused_and_the_choice_kept(
    client, assignment, reviewer
):
    response = login(client, reviewer).post(
        url("review_declare", assignment.pk), {"conflict": "yes", "statement": ""}
    )
    assert response.status_code == 200
    page = text(response)
    assert "Describe the conflict of interest." in page
    assert re.search(r'value="yes"[^>]*checked', page)
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.AWAITING_DECLARATION


def test_declaring_a_conflict_recuses_the_reviewer(client, assignment, reviewer, director):
    login(client, reviewer).post(
        url("review_declare", assignment.pk),
        {"conflict": "yes", "statement": "My sister runs it."},
    )
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.RECUSED
    page = text(client.get(url("review", assignment.pk)))
    assert "You declared a conflict of interest" in page
    assert "Ten years of literacy classes" not in page
    page = text(client.get(url("application_detail", assignment.application_id)))
    assert "Ten years of literacy classes" not in page


def test_a_second_declaration_is_refused_with_the_reason(client, assignment, reviewer):
    declare(assignment)
    response = login(client, reviewer).post(
        url("review_declare", assignment.pk), {"conflict": "yes", "statement": "Changed."}
    )
    assert "cannot change from" in text(response)
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.SCORING


# Scoring ----------------------------------------------------------------------------------------


def test_scores_are_saved_and_shown_again(client, reviewing, assignment, reviewer):
    declare(assignment)
    login(client, reviewer)
    first = reviewing.framework.criteria.first()
    data = {f"score_{first.pk}": "2", f"comment_{first.pk}": "Adequate only."}
    response = client.post(url("review_scores", assignment.pk), data)
    assert response.status_code == 302
    score = Score.objects.get(assignment=assignment)
    assert (score.criterion, score.score, score.comment) == (first, 2, "Adequate only.")
    page = text(client.get(url("review", assignment.pk)))
    assert "Adequate only." in page
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.SCORING


def test_a_score_outside_the_scale_is_refused_and_the_comment_kept(
    client, reviewing, assignment, reviewer
):
    declare(assignment)
    first = reviewing.framework.criteria.first()
    response = login(client, reviewer).post(
        url("review_scores", assignment.pk),
        {f"score_{first.pk}": "9", f"comment_{first.pk}": "Typed and kept."},
    )
    assert response.status_code == 200
    page = text(response)
    assert "Select a valid choice" in page
    assert "Typed and kept." in page
    assert not Score.objects.exists()


def test_scores_before_the_declaration_are_refused(client, reviewing, assignment, reviewer):
    response = login(client, reviewer).post(
        url("review_scores", assignment.pk), score_form(reviewing)
    )
    assert response.status_code == 200
    assert "Scores can be changed only while reviewing" in text(response)
    assert not Score.objects.exists()


def test_submitting_an_incomplete_sheet_is_refused_and_nothing_is_lost(
    client, reviewing, assignment, reviewer
):
    declare(assignment)
    first, second = reviewing.framework.criteria.all()
    data = {
        f"score_{first.pk}": "3",
        f"comment_{first.pk}": "Typed comment.",
        f"score_{second.pk}": "2",
        f"comment_{second.pk}": "",
    }
    response = login(client, reviewer).post(url("review_submit", assignment.pk), data)
    assert response.status_code == 200
    page = text(response)
    assert f"Score and comment every criterion first. Missing: {second.name}." in page
    assert "Typed comment." in page
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.SCORING
    assert not Score.objects.exists()  # refused as a whole


def test_submitting_saves_what_is_on_screen_and_closes_the_sheet(
    client, reviewing, assignment, reviewer
):
    declare(assignment)
    login(client, reviewer)
    response = client.post(url("review_submit", assignment.pk), score_form(reviewing, "4"))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.SUBMITTED
    assert set(assignment.scores.values_list("score", flat=True)) == {4}
    assert AuditEntry.objects.filter(action="reviewassignment.submitted", actor=reviewer)
    page = text(client.get(url("review", assignment.pk)))
    assert "Your submitted scores" in page
    assert url("review_scores", assignment.pk) not in page
    # Further changes are refused.
    response = client.post(url("review_scores", assignment.pk), score_form(reviewing, "0"))
    assert "Scores can be changed only while reviewing" in text(response)
    assert set(assignment.scores.values_list("score", flat=True)) == {4}


def test_other_reviewers_scores_are_visible_only_after_ones_own_are_in(
    client, reviewing, assignment, reviewer, second_reviewer
):
    scored(reviewing, {second_reviewer: 1})
    declare(assignment)
    login(client, reviewer)
    page = text(client.get(url("review", assignment.pk)))
    assert "All submitted scores" not in page
    assert "Scored 1 by raul" not in page
    client.post(url("review_submit", assignment.pk), score_form(reviewing, "4"))
    page = text(client.get(url("review", assignment.pk)))
    assert "All submitted scores" in page
    assert "Reviewer 1" in page and "Reviewer 2" in page
    assert "Raúl" not in page and "raul" not in page


def test_the_scoring_page_makes_the_same_queries_for_one_row_and_fifty(
    client, world, ngo_admin, director, reviewer, second_reviewer
):
    framework = framework_in_force(world.administration, criteria=1)
    draft = complete_application(framework, world.organisation, created_by=ngo_admin)
    application = under_review(
        submitted(draft, by=ngo_admin), director=director, reviewers=[reviewer, second_reviewer]
    )
    assignment = declare(application.assignments.get(reviewer=reviewer))
    evidence = application.evidence.get()
    evidence.documents.add(DocumentFactory(organisation=world.organisation))
    login(client, reviewer)
    path = url("review", assignment.pk)
    client.get(path)
    one = count_queries(client, path)
    for n in range(49):
        CriterionFactory(framework=framework, name=f"Criterion added {n:02d}")
        evidence.documents.add(DocumentFactory(organisation=world.organisation))
    fifty = count_queries(client, path)
    assert "Criterion added 48" in text(client.get(path))
    assert fifty == one


def test_the_submitted_page_makes_the_same_queries_for_one_row_and_fifty(
    client, world, ngo_admin, director, reviewer, second_reviewer
):
    def scored_page(criteria: int) -> int:
        framework = framework_in_force(world.administration, criteria=criteria)
        organisation = world.organisation if criteria == 1 else world.other_organisation
        draft = complete_application(framework, organisation, created_by=ngo_admin)
        application = under_review(
            submitted(draft, by=ngo_admin),
            director=director,
            reviewers=[reviewer, second_reviewer],
        )
        scored(application, {reviewer: 3, second_reviewer: 2})
        path = url("review", application.assignments.get(reviewer=reviewer).pk)
        client.get(path)
        return count_queries(client, path)

    login(client, reviewer)
    one = scored_page(1)
    Framework.objects.filter(status="published").update(status="superseded")
    fifty = scored_page(50)
    assert fifty == one


# Internal comments ------------------------------------------------------------------------------


def test_a_reviewer_marks_a_comment_internal_on_the_scoring_form(client, reviewing, assignment):
    declare(assignment)
    first, second = reviewing.framework.criteria.all()
    login(client, assignment.reviewer)
    page = text(client.get(url("review", assignment.pk)))
    assert f'name="internal_{second.pk}"' in page
    assert "Keep this comment internal" in page
    data = {**score_form(reviewing), f"internal_{second.pk}": "on"}
    client.post(url("review_scores", assignment.pk), data)
    internal = dict(Score.objects.values_list("criterion_id", "internal"))
    assert internal == {first.pk: False, second.pk: True}
    # The form shows the mark again, and the submitted scores say it.
    page = text(client.get(url("review", assignment.pk)))
    assert re.search(rf'name="internal_{second.pk}"[^>]*checked', page)
    client.post(url("review_submit", assignment.pk), data)
    page = text(client.get(url("review", assignment.pk)))
    assert "Your submitted scores" in page and "Internal" in page
