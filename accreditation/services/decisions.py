"""Decisions, accreditations and their conditions, suspension, revocation and appeals."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypedDict

from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import IntegerField, Max
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activity import notify
from activity.dates import at_start_of
from activity.errors import DomainError
from activity.services import audit_record, document_add
from activity.transitions import transition
from activity.typing import User
from directory.models import Administration, Organisation, Role
from directory.selectors import administration_users, organisation_users

from .. import effects, reminders
from ..models import (
    Accreditation,
    Appeal,
    Application,
    Condition,
    ConditionResponse,
    Decision,
    Framework,
    ReviewAssignment,
    Score,
)
from ..scoring import ScoreSheet, score_sheet
from .clearances import EXPIRY_NOTICES


class ConditionSpec(TypedDict):
    description: str
    owner: User
    due_date: date


def application_score_sheet(application: Application) -> ScoreSheet:
    """The combined result of the submitted reviews. Each criterion's scores are listed in the
    order the reviewers were assigned, so that a column of the sheet is one reviewer."""
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    for score in (
        Score.objects.filter(
            assignment__application=application,
            assignment__status=ReviewAssignment.Status.SUBMITTED,
        )
        .only("assignment_id", "criterion_id", "score")
        .order_by("assignment_id", "criterion_id")
    ):
        scores[score.assignment_id][score.criterion_id] = score.score
    criteria = list(application.framework.criteria.prefetch_related("levels"))
    return score_sheet(application.framework, criteria, scores)


def _next_reference(application: Application) -> str:
    """The next number in the administration's series of decisions for this year. The
    administration's row is locked until the decision commits, so two decisions taken at the
    same moment cannot draw the same number."""
    administration = Administration.objects.select_for_update().get(
        pk=application.framework.administration_id
    )
    prefix = Decision.reference_prefix(administration.pk, timezone.localdate().year)
    last = (
        Decision.objects.filter(reference__startswith=prefix)
        .annotate(number=Cast(Substr("reference", len(prefix) + 1), IntegerField()))
        .aggregate(last=Max("number"))["last"]
    )
    return f"{prefix}{(last or 0) + 1:04d}"


def _letter_schedule(decision: Decision) -> None:
    """Prepare the decision's letter once the decision is committed. Should the queue be
    unreachable, the decision stands: the letter is asked for again when someone downloads it."""
    from ..tasks import decision_letter_render

    pk = decision.pk
    transaction.on_commit(lambda: decision_letter_render.delay(pk), robust=True)


def _letter_renew(decision: Decision) -> None:
    """The decision changed (on appeal): the kept letter no longer says what was decided.
    It is discarded and a new one is prepared, under the same reference."""
    old = decision.letter.name
    storage = decision.letter.storage
    decision.letter = ""  # type: ignore[assignment]
    decision.letter_rendered_at = None
    decision.save(update_fields=["letter", "letter_rendered_at"])
    if old:
        transaction.on_commit(lambda: storage.delete(old), robust=True)
    _letter_schedule(decision)


@dataclass(frozen=True)
class ReviewerComment:
    criterion_name: str
    reviewer: str
    score: int
    comment: str
    internal: bool


def application_score_comments(application: Application, *, named: bool) -> list[ReviewerComment]:
    """What each reviewer wrote on each criterion, criterion by criterion. With ``named``
    (for the people running the process) every comment, under the reviewer's name and marked
    when internal; otherwise (for the applicant) "Reviewer 1, 2…" in the columns of the score
    sheet, and no internal comment."""
    scores = list(
        Score.objects.filter(
            assignment__application=application,
            assignment__status=ReviewAssignment.Status.SUBMITTED,
        )
        .select_related("assignment__reviewer", "criterion")
        .order_by("criterion__order", "criterion_id", "assignment_id")
    )
    # Numbered as the score sheet numbers its columns: in the order the reviews were assigned.
    numbers = {pk: n for n, pk in enumerate(sorted({s.assignment_id for s in scores}), start=1)}
    comments = []
    for score in scores:
        if score.internal and not named:
            continue
        reviewer = score.assignment.reviewer
        comments.append(
            ReviewerComment(
                criterion_name=score.criterion.name,
                reviewer=(reviewer.get_full_name() or reviewer.get_username())
                if named
                else _("Reviewer %(number)s") % {"number": numbers[score.assignment_id]},
                score=score.score,
                comment=score.comment,
                internal=score.internal,
            )
        )
    return comments


def _grant(decision: Decision, *, actor: User) -> Accreditation:
    application = decision.application
    today = timezone.localdate()
    for previous in Accreditation.objects.select_for_update().filter(
        organisation=application.organisation, status=Accreditation.Status.ACTIVE
    ):
        transition(
            previous,
            Accreditation.Status.SUPERSEDED,
            actor=actor,
            transitions=Accreditation.TRANSITIONS,
        )
    accreditation = Accreditation.objects.create(
        organisation=application.organisation,
        decision=decision,
        valid_from=today,
        valid_until=today
        + relativedelta(months=application.framework.validity_months)
        - timedelta(days=1),
    )
    audit_record(
        actor=actor,
        action="accreditation.grant",
        target=accreditation,
        changes={"valid_until": accreditation.valid_until, "code": accreditation.verification_code},
    )
    recipients = list(organisation_users(application.organisation))
    for days in EXPIRY_NOTICES:
        notify.remind(
            recipients=recipients,
            kind=reminders.EXPIRING,
            key=notify.reminder_key(accreditation, f"expiring:{days}d"),
            subject=gettext_lazy("Your accreditation expires on %(date)s"),
            body=gettext_lazy("Apply for renewal in time: your last application will be copied."),
            params={"date": accreditation.valid_until},
            url=accreditation.get_absolute_url(),
            due_at=at_start_of(accreditation.valid_until - timedelta(days=days)),
        )
    return accreditation


@transaction.atomic
def decision_make(
    *,
    actor: User,
    application: Application,
    outcome: str,
    reasons: str,
    justification: str = "",
    moderation_note: str = "",
    conditions: list[ConditionSpec] | None = None,
) -> Decision:
    """Decide an application on the reviewers' scores. The decider cannot have reviewed it;
    reasons are always given; going against the reviewers' result needs a justification; a
    wide disagreement between reviewers needs a moderation note."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    conditions = conditions or []
    if application.status != Application.Status.UNDER_REVIEW:
        raise DomainError(_("Only an application under review can be decided."))
    assignments = list(application.assignments.all())
    if any(a.reviewer_id == actor.pk and a.status != a.Status.RECUSED for a in assignments):
        raise DomainError(_("You reviewed this application, so someone else must decide it."))
    if any(a.status in {a.Status.AWAITING_DECLARATION, a.Status.SCORING} for a in assignments):
        raise DomainError(_("Wait until every assigned reviewer has submitted their scores."))
    if sum(a.status == a.Status.SUBMITTED for a in assignments) < Application.MIN_REVIEWERS:
        raise DomainError(_("At least two reviewers must have scored the application."))
    if not reasons.strip():
        raise DomainError(_("Give the reasons for the decision."), field="reasons")
    sheet = application_score_sheet(application)
    if sheet.needs_moderation and not moderation_note.strip():
        raise DomainError(
            _("The reviewers disagree widely on %(criteria)s. Record how this was moderated.")
            % {"criteria": ", ".join(c.name for c in sheet.flagged)},
            field="moderation_note",
        )
    grants = outcome != Decision.Outcome.REFUSED
    if grants != sheet.passed and not justification.strip():
        raise DomainError(
            _("This decision goes against the reviewers' result; justify it in writing."),
            field="justification",
        )
    if outcome == Decision.Outcome.CONDITIONAL and not conditions:
        raise DomainError(_("Set at least one condition."), field="conditions")
    if outcome != Decision.Outcome.CONDITIONAL and conditions:
        raise DomainError(_("Conditions go with an accreditation with conditions."))
    today = timezone.localdate()
    if any(c["due_date"] <= today for c in conditions):
        raise DomainError(_("Each condition needs a deadline in the future."), field="conditions")
    if moderation_note:
        application.moderation_note = moderation_note
        application.save(update_fields=["moderation_note"])
    decision = Decision.objects.create(
        application=application,
        outcome=outcome,
        reasons=reasons,
        justification=justification,
        weighted_score=sheet.weighted_score,
        reviewers_passed=sheet.passed,
        decided_by=actor,
        appeal_deadline=today + timedelta(days=application.framework.appeal_days),
        reference=_next_reference(application),
    )
    transition(
        application,
        Application.Status.DECIDED,
        actor=actor,
        transitions=Application.TRANSITIONS,
        details={"outcome": outcome, "score": sheet.weighted_score, "passed": sheet.passed},
    )
    for spec in conditions:
        condition = Condition.objects.create(decision=decision, **spec)
        for suffix, due in (
            ("due-soon", spec["due_date"] - timedelta(days=7)),
            ("due", spec["due_date"]),
        ):
            notify.remind(
                recipients=[spec["owner"]],
                kind=reminders.CONDITION_DUE,
                key=notify.reminder_key(condition, suffix),
                subject=gettext_lazy("Accreditation condition due on %(date)s"),
                body="%(condition)s",
                params={"date": spec["due_date"], "condition": spec["description"]},
                url=condition.get_absolute_url(),
                due_at=at_start_of(max(due, today)),
            )
    if grants:
        _grant(decision, actor=actor)
    recipients = list(organisation_users(application.organisation))
    notify.remind(
        recipients=recipients,
        kind=reminders.DECIDED,
        key=notify.reminder_key(application, "decided"),
        subject=gettext_lazy("Decision on your application: %(outcome)s"),
        body=gettext_lazy("The reasons and the score sheet are on the application page."),
        params={"outcome": Decision.Outcome(decision.outcome).label},
        url=application.get_absolute_url(),
    )
    if outcome != Decision.Outcome.ACCREDITED:
        notify.remind(
            recipients=recipients,
            kind=reminders.APPEAL_DEADLINE,
            key=notify.reminder_key(decision, "appeal-deadline"),
            subject=gettext_lazy("The deadline to appeal the decision is %(date)s"),
            params={"date": decision.appeal_deadline},
            url=application.get_absolute_url(),
            due_at=at_start_of(max(decision.appeal_deadline - timedelta(days=7), today)),
        )
    _letter_schedule(decision)
    return decision


def _condition_staff(condition: Condition) -> list[User]:
    administration = condition.decision.application.framework.administration
    return list(administration_users(administration, (Role.DIRECTOR, Role.COORDINATOR)))


def _locked_condition(condition: Condition) -> Condition:
    return (
        Condition.objects.select_for_update(of=("self",))
        .select_related("decision__application__organisation", "decision__application__framework")
        .get(pk=condition.pk)
    )


@transaction.atomic
def condition_answer(
    *,
    actor: User,
    condition: Condition,
    note: str,
    uploads: Iterable[UploadedFile] = (),
) -> ConditionResponse:
    """The organisation answers a condition with a note and documents, for the administration
    to verify. A condition found not met may be answered again, until its deadline."""
    condition = _locked_condition(condition)
    if condition.status == Condition.Status.MET:
        raise DomainError(_("This condition is already met."))
    if condition.status == Condition.Status.ANSWERED:
        raise DomainError(_("Your answer is waiting for the administration's verification."))
    if not condition.may_be_answered():
        raise DomainError(
            _("The deadline to answer this condition was %(date)s. Contact the administration.")
            % {"date": date_format(condition.due_date)}
        )
    if not note.strip():
        raise DomainError(_("Say how the condition is met."), field="note")
    application = condition.decision.application
    documents = [
        document_add(actor=actor, organisation=application.organisation, uploaded=f)
        for f in uploads
    ]
    response = ConditionResponse.objects.create(
        condition=condition, kind=ConditionResponse.Kind.ANSWER, note=note, by=actor
    )
    response.documents.set(documents)
    transition(
        condition,
        Condition.Status.ANSWERED,
        actor=actor,
        transitions=Condition.TRANSITIONS,
        details={"note": note, "documents": [d.pk for d in documents]},
    )
    notify.cancel(key=notify.reminder_key(condition))
    notify.remind(
        recipients=_condition_staff(condition),
        kind=reminders.CONDITION_ANSWERED,
        key=notify.reminder_key(condition, f"answered:{response.pk}"),
        subject=gettext_lazy("%(organisation)s answered a condition: verify it"),
        body="%(condition)s",
        params={"organisation": application.organisation, "condition": condition.description},
        url=condition.get_absolute_url(),
    )
    return response


@transaction.atomic
def condition_mark_met(*, actor: User, condition: Condition, note: str) -> ConditionResponse:
    """The administration confirms that a condition is met: usually on the organisation's
    answer, or on its own verification, or because an appeal lifted it."""
    condition = _locked_condition(condition)
    if condition.status == Condition.Status.MET:
        raise DomainError(_("This condition is already met."))
    if not note.strip():
        raise DomainError(_("Say how the condition was met."), field="note")
    response = ConditionResponse.objects.create(
        condition=condition, kind=ConditionResponse.Kind.MET, note=note, by=actor
    )
    condition.met_at = response.at
    condition.met_by = actor  # type: ignore[assignment]
    transition(
        condition,
        Condition.Status.MET,
        actor=actor,
        transitions=Condition.TRANSITIONS,
        extra_fields=("met_at", "met_by"),
        details={"note": note},
    )
    notify.cancel(key=notify.reminder_key(condition))
    notify.remind(
        recipients=organisation_users(condition.decision.application.organisation),
        kind=reminders.CONDITION_VERIFIED,
        key=notify.reminder_key(response, "verified"),
        subject=gettext_lazy("A condition of your accreditation is met"),
        body="%(condition)s\n\n%(note)s",
        params={"condition": condition.description, "note": note},
        url=condition.get_absolute_url(),
    )
    return response


@transaction.atomic
def condition_mark_not_met(*, actor: User, condition: Condition, reason: str) -> ConditionResponse:
    """The administration finds the organisation's answer does not meet the condition, and
    says why. The organisation may answer again until the deadline."""
    condition = _locked_condition(condition)
    if condition.status != Condition.Status.ANSWERED:
        raise DomainError(
            _("Only a condition the organisation has answered can be marked not met.")
        )
    if not reason.strip():
        raise DomainError(_("Say why the condition is not met."), field="reason")
    response = ConditionResponse.objects.create(
        condition=condition, kind=ConditionResponse.Kind.NOT_MET, note=reason, by=actor
    )
    transition(
        condition,
        Condition.Status.NOT_MET,
        actor=actor,
        transitions=Condition.TRANSITIONS,
        details={"reason": reason},
    )
    if condition.may_be_answered():
        body = gettext_lazy("Reason: %(reason)s\n\nYou may answer again until %(date)s.")
    else:
        body = gettext_lazy("Reason: %(reason)s\n\nThe deadline, %(date)s, has passed.")
    notify.remind(
        recipients=organisation_users(condition.decision.application.organisation),
        kind=reminders.CONDITION_VERIFIED,
        key=notify.reminder_key(response, "verified"),
        subject=gettext_lazy("A condition of your accreditation is not met"),
        body=body,
        params={"reason": reason, "date": condition.due_date},
        url=condition.get_absolute_url(),
    )
    return response


def _change_status(
    accreditation: Accreditation,
    to: str,
    *,
    actor: User,
    reason: str,
    only_from: str | None = None,
    refusal: str = "",
) -> None:
    """Change the status under a row lock, then tell the modules that subscribed (agreements,
    visits) through `accreditation.effects`."""
    if not reason.strip():
        raise DomainError(_("Give the reason."), field="reason")
    # Lock the row, then read it again: the caller's instance sees the state it changes.
    Accreditation.objects.select_for_update().filter(pk=accreditation.pk).exists()
    accreditation.refresh_from_db()
    previous = accreditation.status
    if only_from is not None and previous != only_from:
        raise DomainError(refusal)
    accreditation.status_reason = reason
    accreditation.status_changed_at = timezone.now()
    accreditation.status_changed_by = actor
    transition(
        accreditation,
        to,
        actor=actor,
        transitions=Accreditation.TRANSITIONS,
        extra_fields=("status_reason", "status_changed_at", "status_changed_by"),
        details={"reason": reason},
    )
    effects.publish(
        effects.StatusChange(
            accreditation_id=accreditation.pk,
            organisation_id=accreditation.organisation_id,
            administration_id=accreditation.decision.application.framework.administration_id,
            previous_status=previous,
            status=to,
            reason=reason,
            actor_id=actor.pk,
        )
    )
    notify.remind(
        recipients=organisation_users(accreditation.organisation),
        kind=reminders.STATUS_CHANGED,
        key=notify.reminder_key(
            accreditation, f"{to}:{accreditation.status_changed_at:%Y%m%d%H%M%S}"
        ),
        subject=gettext_lazy("Your accreditation is now: %(status)s"),
        body=gettext_lazy("Reason: %(reason)s"),
        params={"status": accreditation.get_status_display(), "reason": reason},
        url=accreditation.get_absolute_url(),
    )


@transaction.atomic
def accreditation_suspend(*, actor: User, accreditation: Accreditation, reason: str) -> None:
    """Suspend an accreditation at once, with a reason the organisation sees."""
    _change_status(accreditation, Accreditation.Status.SUSPENDED, actor=actor, reason=reason)


@transaction.atomic
def accreditation_reinstate(*, actor: User, accreditation: Accreditation, reason: str) -> None:
    _change_status(
        accreditation,
        Accreditation.Status.ACTIVE,
        actor=actor,
        reason=reason,
        only_from=Accreditation.Status.SUSPENDED,
        refusal=_("Only a suspended accreditation can be reinstated."),
    )


@transaction.atomic
def accreditation_revoke(*, actor: User, accreditation: Accreditation, reason: str) -> None:
    _change_status(accreditation, Accreditation.Status.REVOKED, actor=actor, reason=reason)


def appeal_deadline(decision: Decision, subject: str) -> date | None:
    """The last day an appeal against this may be lodged, or None if it cannot be appealed."""
    if subject == Appeal.Subject.DECISION:
        if decision.outcome == Decision.Outcome.ACCREDITED:
            return None
        return decision.appeal_deadline
    accreditation = getattr(decision, "accreditation", None)
    expected = {
        Appeal.Subject.SUSPENSION: Accreditation.Status.SUSPENDED,
        Appeal.Subject.REVOCATION: Accreditation.Status.REVOKED,
    }[Appeal.Subject(subject)]
    if (
        accreditation is None
        or accreditation.status != expected
        or not accreditation.status_changed_at
    ):
        return None
    days = decision.application.framework.appeal_days
    return timezone.localdate(accreditation.status_changed_at) + timedelta(days=days)


@dataclass(frozen=True)
class ApplicationBar:
    """Why an organisation cannot apply under a framework now, and what it can do about it."""

    framework: Framework
    accreditation: Accreditation
    reapply_from: date | None  # after a revocation; None while suspended
    appeal_pending: bool
    appeal_until: date | None  # the last day to appeal, when an appeal can still be lodged


def application_bars(
    organisation: Organisation, frameworks: Iterable[Framework]
) -> list[ApplicationBar]:
    """What stops the organisation from starting an application or a renewal under each of
    ``frameworks``: its accreditation suspended by that administration (until reinstated, or
    an appeal is upheld), or revoked less than the framework's waiting period ago."""
    frameworks = list(frameworks)
    barring = Accreditation.objects.barring_application(organisation, frameworks)
    today = timezone.localdate()
    bars = []
    for framework in frameworks:
        accreditation = barring.get(framework.pk)
        if accreditation is None:
            continue
        suspended = accreditation.status == Accreditation.Status.SUSPENDED
        subject = Appeal.Subject.SUSPENSION if suspended else Appeal.Subject.REVOCATION
        decision = accreditation.decision
        pending = any(a.subject == subject and a.is_open for a in decision.appeals.all())
        deadline = appeal_deadline(decision, subject)
        reapply_from = None
        if not suspended and accreditation.status_changed_at is not None:
            reapply_from = framework.reapply_from(accreditation.status_changed_at)
        bars.append(
            ApplicationBar(
                framework=framework,
                accreditation=accreditation,
                reapply_from=reapply_from,
                appeal_pending=pending,
                appeal_until=deadline
                if deadline is not None and deadline >= today and not pending
                else None,
            )
        )
    return bars


def check_may_apply(organisation: Organisation, framework: Framework) -> None:
    """Refuse, in words the organisation understands, an application or renewal that
    ``application_bar`` stops."""
    bars = application_bars(organisation, [framework])
    if not bars:
        return
    bar = bars[0]
    if bar.reapply_from is None:
        raise DomainError(
            _(
                "Your accreditation is suspended, so you cannot apply or renew until it is "
                "reinstated. You may appeal the suspension."
            )
        )
    raise DomainError(
        _(
            "Your accreditation was revoked. Under the rules in force you may apply again "
            "from %(date)s."
        )
        % {"date": date_format(bar.reapply_from)}
    )


@transaction.atomic
def appeal_lodge(*, actor: User, decision: Decision, subject: str, grounds: str) -> Appeal:
    """Appeal a refusal, conditions, a suspension or a revocation, within the deadline."""
    deadline = appeal_deadline(decision, subject)
    if deadline is None:
        raise DomainError(_("There is nothing to appeal here."))
    if timezone.localdate() > deadline:
        raise DomainError(
            _("The deadline to appeal was %(date)s.") % {"date": date_format(deadline)}
        )
    if not grounds.strip():
        raise DomainError(_("State the grounds of the appeal."), field="grounds")
    if decision.appeals.filter(subject=subject, decided_at__isnull=True).exists():
        raise DomainError(_("An appeal on this is already waiting for a decision."))
    original: User | None
    if subject == Appeal.Subject.DECISION:
        original = decision.decided_by
    else:
        original = decision.accreditation.status_changed_by
        assert original is not None  # _change_status sets it with the date appeal_deadline checked
    appeal = Appeal.objects.create(
        decision=decision,
        subject=subject,
        appealed_by_user=actor,
        original_decider=original,
        grounds=grounds,
    )
    audit_record(actor=actor, action="appeal.lodge", target=appeal, changes={"subject": subject})
    notify.cancel(key=notify.reminder_key(decision, "appeal-deadline"))
    notify.remind(
        recipients=administration_users(
            decision.application.framework.administration, (Role.DIRECTOR,)
        ).exclude(pk=original.pk),
        kind=reminders.APPEAL_LODGED,
        key=notify.reminder_key(appeal, "lodged"),
        subject=gettext_lazy("%(organisation)s appealed: decide the appeal"),
        params={"organisation": decision.application.organisation},
        url=decision.application.get_absolute_url(),
    )
    return appeal


@transaction.atomic
def appeal_decide(*, actor: User, appeal: Appeal, upheld: bool, reasons: str) -> None:
    """Decide an appeal. Someone other than the author of the decision appealed decides it.
    Upholding an appeal overturns what was appealed: a refusal becomes an accreditation,
    conditions are lifted, a suspension or revocation is undone."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if not appeal.is_open:
        raise DomainError(_("This appeal was already decided."))
    if appeal.original_decider_id == actor.pk:
        raise DomainError(
            _("You took the decision under appeal; someone else must decide the appeal.")
        )
    if not reasons.strip():
        raise DomainError(_("Give the reasons for the decision on the appeal."), field="reasons")
    appeal.outcome = Appeal.Outcome.UPHELD if upheld else Appeal.Outcome.DISMISSED
    appeal.reasons = reasons
    appeal.decided_by = actor  # type: ignore[assignment]
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["outcome", "reasons", "decided_by", "decided_at"])
    audit_record(
        actor=actor, action=f"appeal.{appeal.outcome}", target=appeal, changes={"reasons": reasons}
    )
    decision = appeal.decision
    if upheld:
        if appeal.subject == Appeal.Subject.DECISION:
            if decision.outcome == Decision.Outcome.REFUSED:
                _grant(decision, actor=actor)
            for condition in decision.conditions.not_met():
                condition_mark_met(
                    actor=actor,
                    condition=condition,
                    note=_("Lifted on appeal: %(reasons)s") % {"reasons": reasons},
                )
            _letter_renew(decision)
        else:
            _change_status(
                decision.accreditation,
                Accreditation.Status.ACTIVE,
                actor=actor,
                reason=_("Appeal upheld: %(reasons)s") % {"reasons": reasons},
            )
    notify.remind(
        recipients=organisation_users(decision.application.organisation),
        kind=reminders.APPEAL_DECIDED,
        key=notify.reminder_key(appeal, "decided"),
        subject=gettext_lazy("Your appeal was decided: %(outcome)s"),
        body="%(reasons)s",
        params={"outcome": appeal.get_outcome_display(), "reasons": reasons},
        url=decision.application.get_absolute_url(),
    )
