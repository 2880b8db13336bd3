"""Review: assignment, conflict declarations and independent scoring."""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm

from activity import notify
from activity.errors import DomainError
from activity.services import audit_record
from activity.transitions import transition
from activity.typing import User
from directory.models import Role
from directory.selectors import administration_users, holds_role

from .. import reminders
from ..models import Application, ReviewAssignment, Score

ACTIVE = {
    ReviewAssignment.Status.AWAITING_DECLARATION,
    ReviewAssignment.Status.SCORING,
    ReviewAssignment.Status.SUBMITTED,
}


@transaction.atomic
def reviewers_assign(
    *,
    actor: User,
    application: Application,
    reviewers: Iterable[User],
    due_at: datetime | None = None,
) -> list[ReviewAssignment]:
    """Assign reviewers to a submitted application; at least two must be reviewing it. The
    director who assigns, and will decide, cannot be one of them."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in {Application.Status.SUBMITTED, Application.Status.UNDER_REVIEW}:
        raise DomainError(_("Reviewers can be assigned only to a submitted application."))
    reviewers = list(reviewers)
    administration = application.framework.administration
    for reviewer in reviewers:
        if reviewer.pk == actor.pk:
            raise DomainError(
                _("You decide this application, so you cannot also review it."), field="reviewers"
            )
        if not holds_role(reviewer, administration, Role.REVIEWER):
            raise DomainError(
                _("%(user)s is not an accreditation reviewer of this administration.")
                % {"user": reviewer.get_full_name() or reviewer.get_username()},
                field="reviewers",
            )
    existing = set(application.assignments.values_list("reviewer_id", flat=True))
    active = application.assignments.filter(status__in=ACTIVE).count()
    new = [r for r in reviewers if r.pk not in existing]
    if active + len(new) < Application.MIN_REVIEWERS:
        raise DomainError(
            _("At least two reviewers must review each application; choose more."),
            field="reviewers",
        )
    due_at = due_at or min(
        timezone.now() + timedelta(days=14),
        application.decision_due() or timezone.now() + timedelta(days=14),
    )
    assignments = []
    for reviewer in new:
        assignment = ReviewAssignment.objects.create(
            application=application, reviewer=reviewer, assigned_by=actor, due_at=due_at
        )
        assign_perm("accreditation.view_application", reviewer, application)
        assignments.append(assignment)
        _remind_reviewer(assignment)
    details = {"reviewers": [r.get_username() for r in new]}
    if application.status == Application.Status.SUBMITTED:
        transition(
            application,
            Application.Status.UNDER_REVIEW,
            actor=actor,
            transitions=Application.TRANSITIONS,
            details=details,
            event="sent_to_review",
        )
    elif new:
        # Under review already: a reviewer added, in place of one who recused, say.
        audit_record(
            actor=actor,
            action="application.reviewers_assigned",
            target=application,
            changes=details,
        )
    return assignments


def _remind_reviewer(assignment: ReviewAssignment) -> None:
    params = {"organisation": assignment.application.organisation}
    url = assignment.get_absolute_url()
    notify.remind(
        recipients=[assignment.reviewer],
        kind=reminders.REVIEW_ASSIGNED,
        key=notify.reminder_key(assignment, "assigned"),
        subject=gettext_lazy("You are asked to review the application of %(organisation)s"),
        body=gettext_lazy("Declare any conflict of interest first; then score each criterion."),
        params=params,
        url=url,
    )
    notify.remind(
        recipients=[assignment.reviewer],
        kind=reminders.REVIEW_OVERDUE,
        key=notify.reminder_key(assignment, "overdue"),
        subject=gettext_lazy("Your review of %(organisation)s is overdue"),
        params=params,
        url=url,
        due_at=assignment.due_at,
    )


def _locked_assignment(assignment: ReviewAssignment, actor: User) -> ReviewAssignment:
    """The reviewer's own assignment, locked, with its application."""
    assignment = (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("application__organisation", "application__framework__administration")
        .get(pk=assignment.pk)
    )
    if assignment.reviewer_id != actor.pk:
        raise DomainError(_("Only the assigned reviewer can do this."))
    return assignment


@transaction.atomic
def review_declare(
    *, actor: User, assignment: ReviewAssignment, conflict: bool, statement: str
) -> None:
    """Declare, before seeing the file, whether the reviewer has a conflict of interest.
    Declaring one recuses the reviewer; the directors are told to assign someone else."""
    assignment = _locked_assignment(assignment, actor)
    if conflict and not statement.strip():
        raise DomainError(_("Describe the conflict of interest."), field="statement")
    assignment.conflict_statement = statement
    assignment.declared_at = timezone.now()
    target = ReviewAssignment.Status.RECUSED if conflict else ReviewAssignment.Status.SCORING
    # A second declaration is refused by the state machine, which names the state reached.
    transition(
        assignment,
        target,
        actor=actor,
        transitions=ReviewAssignment.TRANSITIONS,
        extra_fields=("conflict_statement", "declared_at"),
        details={"conflict": conflict},
        event="" if conflict else "no_conflict_declared",  # or "recused", the state reached
    )
    if conflict:
        notify.cancel(key=notify.reminder_key(assignment, "overdue"))
        notify.remind(
            recipients=administration_users(
                assignment.application.framework.administration, (Role.DIRECTOR,)
            ),
            kind=reminders.REVIEWER_RECUSED,
            key=notify.reminder_key(assignment, "recused"),
            subject=gettext_lazy("A reviewer of %(organisation)s declared a conflict of interest"),
            body=gettext_lazy("Assign another reviewer."),
            params={"organisation": assignment.application.organisation},
            url=assignment.application.get_absolute_url(),
        )
        _tell_directors_if_ready(assignment.application_id)


@transaction.atomic
def review_save_scores(
    *,
    actor: User,
    assignment: ReviewAssignment,
    scores: Mapping[int, tuple[int | None, str]],
    internal: Iterable[int] = (),
) -> None:
    """Save the reviewer's scores and comments (criterion id → (score, comment); a score of
    None takes it back), which they may change until they submit. The comments on the criteria
    in ``internal`` are for the administration only; the others are shown to the applicant,
    without the reviewer's name, once the application is decided."""
    assignment = _locked_assignment(assignment, actor)
    if assignment.status != ReviewAssignment.Status.SCORING:
        raise DomainError(_("Scores can be changed only while reviewing, before submitting."))
    internal_ids = set(internal)
    criteria = {
        c.pk: c for c in assignment.application.framework.criteria.prefetch_related("levels")
    }
    saved = {s.criterion_id: s for s in assignment.scores.all()}
    created: list[Score] = []
    changed: list[Score] = []
    taken_back: list[Score] = []
    for criterion_id, (value, comment) in scores.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            raise DomainError(_("This criterion is not part of the application's rules."))
        score = saved.get(criterion_id)
        if value is None:
            if score is not None:
                taken_back.append(score)
            continue
        if value not in {level.score for level in criterion.levels.all()}:
            raise DomainError(
                _("%(score)s is not a level of the scale of “%(name)s”.")
                % {"score": value, "name": criterion.name}
            )
        is_internal = criterion_id in internal_ids
        if score is None:
            created.append(
                Score(
                    assignment=assignment,
                    criterion=criterion,
                    score=value,
                    comment=comment,
                    internal=is_internal,
                )
            )
        elif (score.score, score.comment, score.internal) != (value, comment, is_internal):
            score.score, score.comment, score.internal = value, comment, is_internal
            changed.append(score)
    Score.objects.filter(pk__in=[s.pk for s in taken_back]).delete()
    Score.objects.bulk_create(created)
    Score.objects.bulk_update(changed, ["score", "comment", "internal"])
    # Which criteria, not the scores: a review in progress is the reviewer's own until it is
    # submitted, and the submitted scores are on the score sheet.
    audit_record(
        actor=actor,
        action="reviewassignment.scored",
        target=assignment,
        changes={
            "scored": [criteria[s.criterion_id].code for s in [*created, *changed]],
            "unscored": [criteria[s.criterion_id].code for s in taken_back],
        },
    )


@transaction.atomic
def review_submit(*, actor: User, assignment: ReviewAssignment) -> None:
    """Submit the scores: every criterion scored and commented. The reviewer can no longer
    change them, and sees the combined result once every review is in."""
    assignment = _locked_assignment(assignment, actor)
    if assignment.status == ReviewAssignment.Status.SUBMITTED:
        raise DomainError(_("Your scores were already submitted."))
    if assignment.status == ReviewAssignment.Status.RECUSED:
        raise DomainError(_("You declared a conflict of interest, so you do not score."))
    if assignment.status != ReviewAssignment.Status.SCORING:
        raise DomainError(_("Declare whether you have a conflict of interest first."))
    scored = {s.criterion_id: s for s in assignment.scores.all()}
    missing = [
        c.name
        for c in assignment.application.framework.criteria.all()
        if c.pk not in scored or not scored[c.pk].comment.strip()
    ]
    if missing:
        raise DomainError(
            _("Score and comment every criterion first. Missing: %(names)s.")
            % {"names": ", ".join(missing)}
        )
    assignment.submitted_at = timezone.now()
    transition(
        assignment,
        ReviewAssignment.Status.SUBMITTED,
        actor=actor,
        transitions=ReviewAssignment.TRANSITIONS,
        extra_fields=("submitted_at",),
    )
    notify.cancel(key=notify.reminder_key(assignment, "overdue"))
    _tell_directors_if_ready(assignment.application_id)


def _tell_directors_if_ready(application_id: int) -> None:
    """When the last assigned review is in, the directors hear that the application is ready
    for a decision. The application row is locked so that two last reviews submitted at the
    same moment both see the other; the reminder key makes the message one."""
    application = (
        Application.objects.select_for_update()
        .select_related("organisation", "administration")
        .get(pk=application_id)
    )
    if not application.is_ready_for_decision():
        return
    notify.remind(
        recipients=administration_users(application.administration, (Role.DIRECTOR,)),
        kind=reminders.READY_FOR_DECISION,
        key=notify.reminder_key(application, "ready_for_decision"),
        subject=gettext_lazy("Ready for a decision: the application of %(organisation)s"),
        body=gettext_lazy("Every assigned reviewer has submitted their scores."),
        params={"organisation": application.organisation},
        url=application.get_absolute_url(),
    )
