"""Decisions, accreditations and their conditions, suspension, revocation and appeals."""

from collections import defaultdict
from datetime import date, timedelta
from typing import TypedDict

from dateutil.relativedelta import relativedelta
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
from activity.services import audit_record
from activity.transitions import transition
from activity.typing import User
from directory.models import Administration, Role
from directory.selectors import administration_users, organisation_users

from .. import effects
from ..models import (
    Accreditation,
    Appeal,
    Application,
    Condition,
    Decision,
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
            kind="accreditation.expiring",
            key=f"accreditation:{accreditation.pk}:expiring:{days}d",
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
                kind="accreditation.condition_due",
                key=f"condition:{condition.pk}:{suffix}",
                subject=gettext_lazy("Accreditation condition due on %(date)s"),
                body="%(condition)s",
                params={"date": spec["due_date"], "condition": spec["description"]},
                url=application.get_absolute_url(),
                due_at=at_start_of(max(due, today)),
            )
    if grants:
        _grant(decision, actor=actor)
    recipients = list(organisation_users(application.organisation))
    notify.remind(
        recipients=recipients,
        kind="accreditation.decided",
        key=f"application:{application.pk}:decided",
        subject=gettext_lazy("Decision on your application: %(outcome)s"),
        body=gettext_lazy("The reasons and the score sheet are on the application page."),
        params={"outcome": Decision.Outcome(decision.outcome).label},
        url=application.get_absolute_url(),
    )
    if outcome != Decision.Outcome.ACCREDITED:
        notify.remind(
            recipients=recipients,
            kind="accreditation.appeal_deadline",
            key=f"decision:{decision.pk}:appeal-deadline",
            subject=gettext_lazy("The deadline to appeal the decision is %(date)s"),
            params={"date": decision.appeal_deadline},
            url=application.get_absolute_url(),
            due_at=at_start_of(max(decision.appeal_deadline - timedelta(days=7), today)),
        )
    _letter_schedule(decision)
    return decision


@transaction.atomic
def condition_mark_met(*, actor: User, condition: Condition, note: str) -> None:
    if condition.is_met:
        raise DomainError(_("This condition is already met."))
    if not note.strip():
        raise DomainError(_("Say how the condition was met."), field="note")
    condition.met_at = timezone.now()
    condition.met_by = actor  # type: ignore[assignment]
    condition.met_note = note
    condition.save(update_fields=["met_at", "met_by", "met_note"])
    audit_record(actor=actor, action="condition.met", target=condition, changes={"note": note})
    notify.cancel(key=f"condition:{condition.pk}")


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
        kind="accreditation.status_changed",
        key=f"accreditation:{accreditation.pk}:{to}:{accreditation.status_changed_at:%Y%m%d%H%M%S}",
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
    notify.cancel(key=f"decision:{decision.pk}:appeal-deadline")
    notify.remind(
        recipients=administration_users(
            decision.application.framework.administration, (Role.DIRECTOR,)
        ).exclude(pk=original.pk),
        kind="accreditation.appeal_lodged",
        key=f"appeal:{appeal.pk}:lodged",
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
            for condition in decision.conditions.filter(met_at__isnull=True):
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
        kind="accreditation.appeal_decided",
        key=f"appeal:{appeal.pk}:decided",
        subject=gettext_lazy("Your appeal was decided: %(outcome)s"),
        body="%(reasons)s",
        params={"outcome": appeal.get_outcome_display(), "reasons": reasons},
        url=decision.application.get_absolute_url(),
    )
