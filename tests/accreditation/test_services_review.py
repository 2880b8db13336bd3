"""Review: assignment of at least two reviewers, the conflict declaration before the file, and
independent scoring on the criteria's scales."""

import pytest

from accreditation import permissions, selectors
from accreditation.models import Application, ReviewAssignment, Score
from accreditation.services import review
from activity.audit_actions import readable
from activity.errors import DomainError
from activity.models import AuditEntry, Reminder
from directory.models import Role
from tests.accreditation.factories import (
    complete_application,
    framework_in_force,
)
from tests.factories import staff
from tests.support.audit import written

pytestmark = pytest.mark.django_db


def assignment_of(application, user) -> ReviewAssignment:
    return application.assignments.get(reviewer=user)


def declared(application, user) -> ReviewAssignment:
    assignment = assignment_of(application, user)
    review.review_declare(actor=user, assignment=assignment, conflict=False, statement="")
    assignment.refresh_from_db()
    return assignment


# Assignment -------------------------------------------------------------------------------------


def test_two_reviewers_put_the_application_under_review_and_are_told(
    sent, director, reviewer, second_reviewer
):
    assignments = review.reviewers_assign(
        actor=director, application=sent, reviewers=[reviewer, second_reviewer]
    )
    sent.refresh_from_db()
    assert sent.status == Application.Status.UNDER_REVIEW
    assert {a.reviewer for a in assignments} == {reviewer, second_reviewer}
    assert all(a.status == ReviewAssignment.Status.AWAITING_DECLARATION for a in assignments)
    assert Reminder.objects.filter(recipient=reviewer, kind="accreditation.review_assigned")
    overdue = Reminder.objects.get(recipient=reviewer, kind="accreditation.review_overdue")
    assert overdue.due_at == assignments[0].due_at
    assert AuditEntry.objects.filter(action="application.sent_to_review")


def test_one_reviewer_is_not_enough(sent, director, reviewer):
    with pytest.raises(DomainError, match="At least two reviewers"):
        review.reviewers_assign(actor=director, application=sent, reviewers=[reviewer])
    sent.refresh_from_db()
    assert sent.status == Application.Status.SUBMITTED
    assert not sent.assignments.exists()


def test_a_third_reviewer_can_be_added_later(reviewing, director, world):
    third = staff("rosa", Role.REVIEWER, world.administration)
    review.reviewers_assign(actor=director, application=reviewing, reviewers=[third])
    assert reviewing.assignments.count() == 3


def test_a_recused_reviewer_does_not_count_towards_the_two(reviewing, director, reviewer, world):
    review.review_declare(
        actor=reviewer,
        assignment=assignment_of(reviewing, reviewer),
        conflict=True,
        statement="I chair its board.",
    )
    # Naming the recused reviewer again does not bring the count back to two.
    with pytest.raises(DomainError, match="At least two reviewers"):
        review.reviewers_assign(actor=director, application=reviewing, reviewers=[reviewer])
    third = staff("rosa", Role.REVIEWER, world.administration)
    review.reviewers_assign(actor=director, application=reviewing, reviewers=[third])
    assert reviewing.assignments.exclude(status=ReviewAssignment.Status.RECUSED).count() == 2


def test_the_director_who_decides_cannot_be_assigned_as_reviewer(sent, director, reviewer, world):
    # Even a director who also holds the reviewer role.
    from directory.services import membership_grant

    membership_grant(actor=None, user=director, role=Role.REVIEWER, scope=world.administration)
    with pytest.raises(DomainError, match="you cannot also review it"):
        review.reviewers_assign(actor=director, application=sent, reviewers=[director, reviewer])
    assert not sent.assignments.exists()


def test_only_reviewers_of_the_administration_can_be_assigned(
    sent, director, reviewer, coordinator
):
    with pytest.raises(DomainError, match="is not an accreditation reviewer"):
        review.reviewers_assign(actor=director, application=sent, reviewers=[reviewer, coordinator])


def test_reviewers_cannot_be_assigned_to_a_draft(
    world, director, reviewer, second_reviewer, ngo_admin
):
    framework = framework_in_force(world.administration)
    draft = complete_application(framework, world.organisation, created_by=ngo_admin)
    with pytest.raises(DomainError, match="only to a submitted application"):
        review.reviewers_assign(
            actor=director, application=draft, reviewers=[reviewer, second_reviewer]
        )


def test_assignment_lets_the_reviewer_see_the_application_but_not_the_file(reviewing, reviewer):
    assert permissions.applications_for_user(reviewer).filter(pk=reviewing.pk).exists()
    assert not permissions.can_see_file(reviewer, reviewing)


# Declaration ------------------------------------------------------------------------------------


def test_declaring_no_conflict_opens_the_file(reviewing, reviewer):
    assignment = declared(reviewing, reviewer)
    assert assignment.status == ReviewAssignment.Status.SCORING
    assert assignment.declared_at is not None
    assert permissions.can_see_file(reviewer, reviewing)
    assert AuditEntry.objects.filter(action="reviewassignment.no_conflict_declared")


def test_declaring_a_conflict_recuses_the_reviewer_and_tells_the_directors(
    reviewing, reviewer, director
):
    assignment = assignment_of(reviewing, reviewer)
    review.review_declare(
        actor=reviewer, assignment=assignment, conflict=True, statement="My sister works there."
    )
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.RECUSED
    assert assignment.conflict_statement == "My sister works there."
    assert not permissions.can_see_file(reviewer, reviewing)
    assert Reminder.objects.filter(recipient=director, kind="accreditation.reviewer_recused")
    overdue = Reminder.objects.get(recipient=reviewer, kind="accreditation.review_overdue")
    assert overdue.state == Reminder.State.CANCELLED


def test_a_conflict_must_be_described(reviewing, reviewer):
    assignment = assignment_of(reviewing, reviewer)
    with pytest.raises(DomainError, match="Describe the conflict"):
        review.review_declare(actor=reviewer, assignment=assignment, conflict=True, statement="")
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.AWAITING_DECLARATION


def test_only_the_assigned_reviewer_declares(reviewing, reviewer, second_reviewer):
    with pytest.raises(DomainError, match="Only the assigned reviewer"):
        review.review_declare(
            actor=second_reviewer,
            assignment=assignment_of(reviewing, reviewer),
            conflict=False,
            statement="",
        )


def test_a_declaration_cannot_be_changed(reviewing, reviewer):
    assignment = declared(reviewing, reviewer)
    with pytest.raises(DomainError, match="cannot change from"):
        review.review_declare(
            actor=reviewer, assignment=assignment, conflict=True, statement="Changed my mind."
        )


# Scoring ----------------------------------------------------------------------------------------


def test_scores_cannot_be_saved_before_the_declaration(reviewing, reviewer):
    assignment = assignment_of(reviewing, reviewer)
    criterion = reviewing.framework.criteria.first()
    with pytest.raises(DomainError, match="only while reviewing"):
        review.review_save_scores(
            actor=reviewer, assignment=assignment, scores={criterion.pk: (3, "Good.")}
        )
    assert not Score.objects.exists()


def test_a_score_must_be_a_level_of_the_scale(reviewing, reviewer):
    assignment = declared(reviewing, reviewer)
    criterion = reviewing.framework.criteria.first()
    with pytest.raises(DomainError, match="7 is not a level of the scale"):
        review.review_save_scores(
            actor=reviewer, assignment=assignment, scores={criterion.pk: (7, "Great.")}
        )
    assert not Score.objects.exists()


def test_scores_are_saved_changed_and_cleared_until_submission(reviewing, reviewer):
    assignment = declared(reviewing, reviewer)
    first, second = reviewing.framework.criteria.all()
    review.review_save_scores(
        actor=reviewer,
        assignment=assignment,
        scores={first.pk: (2, "Adequate."), second.pk: (4, "Excellent.")},
    )
    review.review_save_scores(
        actor=reviewer,
        assignment=assignment,
        scores={first.pk: (3, "Better on reflection."), second.pk: (None, "")},
    )
    saved = {s.criterion_id: (s.score, s.comment) for s in assignment.scores.all()}
    assert saved == {first.pk: (3, "Better on reflection.")}


def test_saving_scores_writes_one_entry_naming_the_criteria_but_not_the_scores(reviewing, reviewer):
    assignment = declared(reviewing, reviewer)
    first, second = reviewing.framework.criteria.all()
    with written() as scored:
        review.review_save_scores(
            actor=reviewer,
            assignment=assignment,
            scores={first.pk: (2, "Adequate."), second.pk: (4, "Excellent.")},
        )
    with written() as changed:
        review.review_save_scores(
            actor=reviewer,
            assignment=assignment,
            scores={first.pk: (3, "Better on reflection."), second.pk: (None, "")},
        )
    assert scored == changed == ["reviewassignment.scored"]
    entries = AuditEntry.objects.filter(action="reviewassignment.scored").order_by("seq")
    assert [(e.actor, e.object_id) for e in entries] == [(reviewer, str(assignment.pk))] * 2
    # Which criteria, never the scores: a review is the reviewer's own until submitted.
    assert [e.changes for e in entries] == [
        {"scored": [first.code, second.code], "unscored": []},
        {"scored": [first.code], "unscored": [second.code]},
    ]
    told = readable([entries.last()])[0]
    assert told.sentence.endswith(f"saved scores on the application of {reviewing.organisation}")
    assert f"criteria scored: {first.code}" in [str(c) for c in told.changes]


def test_declaring_and_submitting_write_one_entry_each(reviewing, reviewer):
    assignment = assignment_of(reviewing, reviewer)
    with written() as declaration:
        review.review_declare(actor=reviewer, assignment=assignment, conflict=False, statement="")
    scores = {c.pk: (3, "Good.") for c in reviewing.framework.criteria.all()}
    review.review_save_scores(actor=reviewer, assignment=assignment, scores=scores)
    with written() as submission:
        review.review_submit(actor=reviewer, assignment=assignment)
    assert declaration == ["reviewassignment.no_conflict_declared"]
    assert submission == ["reviewassignment.submitted"]


def test_scores_sent_from_a_page_opened_before_submitting_are_refused(reviewing, reviewer):
    assignment = declared(reviewing, reviewer)
    stale = ReviewAssignment.objects.get(pk=assignment.pk)  # the scoring page, still open
    scores = {c.pk: (3, "Good.") for c in reviewing.framework.criteria.all()}
    review.review_save_scores(actor=reviewer, assignment=assignment, scores=scores)
    review.review_submit(actor=reviewer, assignment=assignment)
    with written() as entries, pytest.raises(DomainError, match="only while reviewing"):
        review.review_save_scores(
            actor=reviewer, assignment=stale, scores={c: (1, "Changed.") for c in scores}
        )
    assert entries == []
    assert {s.score for s in assignment.scores.all()} == {3}
    with pytest.raises(DomainError, match="already submitted"):
        review.review_submit(actor=reviewer, assignment=stale)


def test_a_third_reviewer_added_during_review_is_one_entry(reviewing, director, world):
    third = staff("rosa", Role.REVIEWER, world.administration)
    with written() as entries:
        review.reviewers_assign(actor=director, application=reviewing, reviewers=[third])
    assert entries == ["application.reviewers_assigned"]
    entry = AuditEntry.objects.get(action="application.reviewers_assigned")
    assert entry.changes == {"reviewers": ["rosa"]}


def test_scores_of_a_criterion_of_other_rules_are_refused(reviewing, reviewer):
    from tests.accreditation.factories import CriterionFactory

    assignment = declared(reviewing, reviewer)
    with pytest.raises(DomainError, match="not part of the application's rules"):
        review.review_save_scores(
            actor=reviewer, assignment=assignment, scores={CriterionFactory().pk: (1, "x")}
        )


def test_submission_needs_every_criterion_scored_and_commented(reviewing, reviewer):
    assignment = declared(reviewing, reviewer)
    first, second = reviewing.framework.criteria.all()
    review.review_save_scores(
        actor=reviewer,
        assignment=assignment,
        scores={first.pk: (2, "Adequate."), second.pk: (3, "  ")},
    )
    with pytest.raises(DomainError, match=f"Missing: {second.name}"):
        review.review_submit(actor=reviewer, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.SCORING


def submit_all(application, user, score: int = 3) -> ReviewAssignment:
    assignment = declared(application, user)
    scores = {c.pk: (score, "Good.") for c in application.framework.criteria.all()}
    review.review_save_scores(actor=user, assignment=assignment, scores=scores)
    review.review_submit(actor=user, assignment=assignment)
    return assignment


def test_submitted_scores_are_final_and_the_combined_sheet_waits_for_every_review(
    reviewing, reviewer, second_reviewer
):
    assignment = declared(reviewing, reviewer)
    scores = {c.pk: (3, "Good.") for c in reviewing.framework.criteria.all()}
    review.review_save_scores(actor=reviewer, assignment=assignment, scores=scores)
    assert not permissions.can_see_scores(reviewer, reviewing)

    review.review_submit(actor=reviewer, assignment=assignment)

    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.SUBMITTED
    assert assignment.submitted_at is not None
    # Their own is in, the other's is not: no combined result yet.
    assert not permissions.can_see_scores(reviewer, reviewing)
    submit_all(reviewing, second_reviewer)
    assert permissions.can_see_scores(reviewer, reviewing)
    with pytest.raises(DomainError, match="before submitting"):
        review.review_save_scores(actor=reviewer, assignment=assignment, scores=scores)
    overdue = Reminder.objects.get(recipient=reviewer, kind="accreditation.review_overdue")
    assert overdue.state == Reminder.State.CANCELLED


def test_the_combined_sheet_counts_only_submitted_reviews(reviewing, reviewer, second_reviewer):
    first = declared(reviewing, reviewer)
    second = declared(reviewing, second_reviewer)
    criteria = list(reviewing.framework.criteria.all())
    review.review_save_scores(
        actor=reviewer, assignment=first, scores={c.pk: (4, "Excellent.") for c in criteria}
    )
    review.review_submit(actor=reviewer, assignment=first)
    review.review_save_scores(
        actor=second_reviewer, assignment=second, scores={c.pk: (0, "None.") for c in criteria}
    )

    sheet = selectors.application_score_sheet(reviewing)

    assert sheet.reviewer_count == 1
    assert [row.scores for row in sheet.rows] == [[4], [4]]


# Ready for a decision ---------------------------------------------------------------------------


def test_the_last_review_tells_the_directors_once_that_it_is_ready(
    reviewing, director, reviewer, second_reviewer
):
    ready = Reminder.objects.filter(kind="accreditation.ready_for_decision")
    submit_all(reviewing, reviewer)
    assert not ready.exists()
    assert not reviewing.is_ready_for_decision()
    submit_all(reviewing, second_reviewer)
    assert list(ready.values_list("recipient", flat=True)) == [director.pk]
    assert "ready for a decision" in ready.get().subject.lower()
    assert reviewing.is_ready_for_decision()
    assert list(Application.objects.ready_for_decision()) == [reviewing]


def test_a_recusal_that_leaves_every_remaining_review_in_makes_it_ready(
    reviewing, director, reviewer, second_reviewer, world
):
    third = staff("rosa", Role.REVIEWER, world.administration)
    review.reviewers_assign(actor=director, application=reviewing, reviewers=[third])
    submit_all(reviewing, reviewer)
    submit_all(reviewing, second_reviewer)
    assert not reviewing.is_ready_for_decision()
    review.review_declare(
        actor=third,
        assignment=assignment_of(reviewing, third),
        conflict=True,
        statement="I sit on its board.",
    )
    assert reviewing.is_ready_for_decision()
    assert Reminder.objects.filter(
        kind="accreditation.ready_for_decision", recipient=director
    ).exists()


def test_review_progress_counts_reviewers_who_did_not_step_back(reviewing, reviewer):
    submit_all(reviewing, reviewer)
    annotated = Application.objects.with_review_progress().get(pk=reviewing.pk)
    assert annotated.review_progress() == (1, 2)
    assert reviewing.review_progress() == (1, 2)


# Comments the applicant reads -------------------------------------------------------------------


def test_a_reviewer_keeps_a_comment_internal(reviewing, reviewer):
    assignment = declared(reviewing, reviewer)
    first, second = reviewing.framework.criteria.all()
    review.review_save_scores(
        actor=reviewer,
        assignment=assignment,
        scores={first.pk: (3, "Clear reports."), second.pk: (2, "The treasurer is my cousin.")},
        internal=[second.pk],
    )
    internal = dict(assignment.scores.values_list("criterion_id", "internal"))
    assert internal == {first.pk: False, second.pk: True}
    # Saving again without the mark makes the comment one the applicant reads.
    review.review_save_scores(
        actor=reviewer, assignment=assignment, scores={second.pk: (2, "Weak accounts.")}
    )
    assert not assignment.scores.get(criterion=second).internal


def test_the_applicant_reads_the_comments_anonymised_without_the_internal_ones(
    reviewing, reviewer, second_reviewer
):
    first, second = reviewing.framework.criteria.all()
    for user, internal in ((reviewer, [second.pk]), (second_reviewer, [])):
        assignment = declared(reviewing, user)
        review.review_save_scores(
            actor=user,
            assignment=assignment,
            scores={c.pk: (3, f"{c.name} by {user.username}.") for c in (first, second)},
            internal=internal,
        )
        review.review_submit(actor=user, assignment=assignment)
    shown = [
        (c.criterion_name, c.reviewer, c.comment)
        for c in selectors.application_score_comments(reviewing, named=False)
    ]
    assert shown == [
        (first.name, "Reviewer 1", f"{first.name} by rita."),
        (first.name, "Reviewer 2", f"{first.name} by raul."),
        (second.name, "Reviewer 2", f"{second.name} by raul."),
    ]
    named = selectors.application_score_comments(reviewing, named=True)
    assert len(named) == 4
    assert [(c.reviewer, c.internal) for c in named if c.criterion_name == second.name] == [
        (reviewer.get_full_name(), True),
        (second_reviewer.get_full_name(), False),
    ]
