"""Decisions, accreditations and their conditions, suspension, revocation and appeals."""

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, TypedDict

from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
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
from activity.transitions import change_state, transition
from activity.typing import User
from directory.models import Administration, Role
from directory.selectors import administration_users, earliest_local_date, organisation_users

from .. import effects, reminders, selectors
from ..models import (
    Accreditation,
    Appeal,
    Application,
    Condition,
    ConditionResponse,
    Decision,
)
from .clearances import EXPIRY_NOTICES


class ConditionSpec(TypedDict):
    description: str
    owner: User
    due_date: date


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


def _grant(decision: Decision) -> dict[str, Any]:
    """Accredit the decision's organisation for the framework's period, in place of the
    accreditation it holds from the same administration (a renewal), and announce the expiry.
    Part of a decision or of an upheld appeal: returns what that act's audit entry records."""
    application = decision.application
    today = earliest_local_date(application.administration)
    superseded = []
    for previous in Accreditation.objects.select_for_update(of=("self",)).filter(
        organisation=application.organisation,
        decision__application__administration=application.administration,
        status=Accreditation.Status.ACTIVE,
    ):
        change_state(
            previous, Accreditation.Status.SUPERSEDED, transitions=Accreditation.TRANSITIONS
        )
        superseded.append(previous.pk)
    accreditation = Accreditation.objects.create(
        organisation=application.organisation,
        decision=decision,
        valid_from=today,
        valid_until=today
        + relativedelta(months=application.framework.validity_months)
        - timedelta(days=1),
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
    return {
        "valid_until": accreditation.valid_until,
        "code": accreditation.verification_code,
        "superseded": superseded,
    }


def _condition_set(decision: Decision, spec: ConditionSpec) -> Condition:
    """A condition of the decision, with reminders to its owner a week before and on the day."""
    condition = Condition.objects.create(decision=decision, **spec)
    today = timezone.localdate()
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
    return condition


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
    wide disagreement between reviewers needs a moderation note. A grant accredits the
    organisation, in place of the accreditation it held from the administration."""
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
    sheet = selectors.application_score_sheet(application)
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
    # In the future wherever the administration's facilities are: in the evening in Guatemala
    # their tomorrow is already the server's today.
    if conditions:
        first_day = earliest_local_date(application.administration)
        if any(c["due_date"] <= first_day for c in conditions):
            raise DomainError(
                _("Each condition needs a deadline in the future."), field="conditions"
            )
    today = timezone.localdate()
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
    details: dict[str, Any] = {
        "outcome": outcome,
        "score": sheet.weighted_score,
        "passed": sheet.passed,
        "conditions": [_condition_set(decision, spec).pk for spec in conditions],
    }
    if grants:
        details.update(_grant(decision))
    if moderation_note:
        application.moderation_note = moderation_note
    transition(
        application,
        Application.Status.DECIDED,
        actor=actor,
        transitions=Application.TRANSITIONS,
        extra_fields=("moderation_note",) if moderation_note else (),
        details=details,
    )
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


# Conditions -------------------------------------------------------------------------------------


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


def _met(condition: Condition, *, actor: User, note: str) -> ConditionResponse:
    """The administration's finding that the condition is met, on the condition's history;
    the caller changes its state."""
    response = ConditionResponse.objects.create(
        condition=condition, kind=ConditionResponse.Kind.MET, note=note, by=actor
    )
    condition.met_at = response.at
    condition.met_by = actor  # type: ignore[assignment]
    return response


def _tell_met(condition: Condition, response: ConditionResponse) -> None:
    """No more deadline reminders or requests to verify; the organisation hears it is met."""
    notify.cancel(key=notify.reminder_key(condition))
    notify.remind(
        recipients=organisation_users(condition.decision.application.organisation),
        kind=reminders.CONDITION_VERIFIED,
        key=notify.reminder_key(response, "verified"),
        subject=gettext_lazy("A condition of your accreditation is met"),
        body="%(condition)s\n\n%(note)s",
        params={"condition": condition.description, "note": response.note},
        url=condition.get_absolute_url(),
    )


@transaction.atomic
def condition_mark_met(*, actor: User, condition: Condition, note: str) -> ConditionResponse:
    """The administration confirms that a condition is met: usually on the organisation's
    answer, or on its own verification. (An upheld appeal lifts conditions too.)"""
    condition = _locked_condition(condition)
    if condition.status == Condition.Status.MET:
        raise DomainError(_("This condition is already met."))
    if not note.strip():
        raise DomainError(_("Say how the condition was met."), field="note")
    response = _met(condition, actor=actor, note=note)
    transition(
        condition,
        Condition.Status.MET,
        actor=actor,
        transitions=Condition.TRANSITIONS,
        extra_fields=("met_at", "met_by"),
        details={"note": note},
    )
    _tell_met(condition, response)
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
        event="marked_not_met",
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


# Suspension, revocation, reinstatement ----------------------------------------------------------


def _locked_accreditation(
    accreditation: Accreditation, refusals: Mapping[str, str] | None = None
) -> Accreditation:
    """The accreditation, locked and read again; refused, with the reason ``refusals`` gives
    for its current status, when that status does not allow the change."""
    accreditation = (
        Accreditation.objects.select_for_update(of=("self",))
        .select_related("organisation", "decision__application__framework")
        .get(pk=accreditation.pk)
    )
    refusal = (refusals or {}).get(accreditation.status)
    if refusal is not None:
        raise DomainError(refusal)
    return accreditation


def _renewed() -> str:
    return _("This accreditation was replaced by its renewal; act on the renewal.")


def _set_status(
    accreditation: Accreditation,
    to: str,
    *,
    actor: User,
    reason: str,
    audited: bool = True,
    event: str = "",
) -> None:
    """Put the locked accreditation in ``to`` for ``reason``, which the organisation reads;
    then tell the modules that subscribed (agreements, visits) through `accreditation.effects`,
    and the organisation. ``audited`` is false when the change is part of an upheld appeal,
    whose entry records it."""
    if not reason.strip():
        raise DomainError(_("Give the reason."), field="reason")
    previous = accreditation.status
    accreditation.status_reason = reason
    accreditation.status_changed_at = timezone.now()
    accreditation.status_changed_by = actor
    fields = ("status_reason", "status_changed_at", "status_changed_by")
    if audited:
        transition(
            accreditation,
            to,
            actor=actor,
            transitions=Accreditation.TRANSITIONS,
            extra_fields=fields,
            details={"reason": reason},
            event=event,
        )
    else:
        change_state(accreditation, to, transitions=Accreditation.TRANSITIONS, extra_fields=fields)
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
def accreditation_suspend(
    *, actor: User, accreditation: Accreditation, reason: str
) -> Accreditation:
    """Suspend an active accreditation at once, with a reason the organisation sees. It may
    then be reinstated, revoked, or restored by an upheld appeal."""
    accreditation = _locked_accreditation(
        accreditation,
        {
            Accreditation.Status.SUSPENDED: _("This accreditation is already suspended."),
            Accreditation.Status.REVOKED: _(
                "This accreditation was revoked, so it cannot be suspended."
            ),
            Accreditation.Status.SUPERSEDED: _renewed(),
        },
    )
    _set_status(accreditation, Accreditation.Status.SUSPENDED, actor=actor, reason=reason)
    return accreditation


@transaction.atomic
def accreditation_reinstate(
    *, actor: User, accreditation: Accreditation, reason: str
) -> Accreditation:
    """Lift a suspension, with a reason the organisation sees. A revocation is undone only by
    an upheld appeal."""
    accreditation = _locked_accreditation(
        accreditation,
        {
            Accreditation.Status.ACTIVE: _(
                "Only a suspended accreditation can be reinstated. This one is active."
            ),
            Accreditation.Status.REVOKED: _(
                "Only a suspended accreditation can be reinstated. A revoked one is restored "
                "only when an appeal against the revocation is upheld."
            ),
            Accreditation.Status.SUPERSEDED: _renewed(),
        },
    )
    _set_status(
        accreditation, Accreditation.Status.ACTIVE, actor=actor, reason=reason, event="reinstated"
    )
    return accreditation


@transaction.atomic
def accreditation_revoke(
    *, actor: User, accreditation: Accreditation, reason: str
) -> Accreditation:
    """Revoke an active or suspended accreditation, with a reason the organisation sees. The
    organisation may appeal, and apply again after the framework's waiting period."""
    accreditation = _locked_accreditation(
        accreditation,
        {
            Accreditation.Status.REVOKED: _("This accreditation is already revoked."),
            Accreditation.Status.SUPERSEDED: _renewed(),
        },
    )
    _set_status(accreditation, Accreditation.Status.REVOKED, actor=actor, reason=reason)
    return accreditation


# Appeals ----------------------------------------------------------------------------------------


@transaction.atomic
def appeal_lodge(*, actor: User, decision: Decision, subject: str, grounds: str) -> Appeal:
    """Appeal a refusal, conditions, a suspension or a revocation, within the deadline. One
    appeal on each of them waits for a decision at a time."""
    # Not locked: the decision does not change, and the database keeps a second waiting appeal
    # out (appeal_one_waiting_per_subject), however close together two are lodged.
    decision = Decision.objects.select_related(
        "application__framework", "application__organisation"
    ).get(pk=decision.pk)
    deadline = selectors.appeal_deadline(decision, subject)
    if deadline is None:
        raise DomainError(_("There is nothing to appeal here."))
    # Still on time while the deadline is the date at one of the administration's facilities.
    if earliest_local_date(decision.application.administration) > deadline:
        raise DomainError(
            _("The deadline to appeal was %(date)s.") % {"date": date_format(deadline)}
        )
    already_waiting = _("An appeal on this is already waiting for a decision.")
    if decision.appeals.filter(subject=subject, decided_at__isnull=True).exists():
        raise DomainError(already_waiting)
    if not grounds.strip():
        raise DomainError(_("State the grounds of the appeal."), field="grounds")
    original: User | None
    if subject == Appeal.Subject.DECISION:
        original = decision.decided_by
    else:
        original = decision.accreditation.status_changed_by
        assert original is not None  # set with the date appeal_deadline checked
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                decision=decision,
                subject=subject,
                appealed_by_user=actor,
                original_decider=original,
                grounds=grounds,
            )
    except IntegrityError:
        # Another appeal on the same subject was lodged at the same moment: the database holds
        # the rule (appeal_one_waiting_per_subject).
        raise DomainError(already_waiting) from None
    audit_record(actor=actor, action="appeal.lodged", target=appeal, changes={"subject": subject})
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


def _overturn(appeal: Appeal, *, actor: User, reasons: str) -> dict[str, Any]:
    """Undo what an upheld appeal was against: a refusal becomes an accreditation, conditions
    are lifted, a suspension or revocation is undone. Returns what the appeal's audit entry
    records of it."""
    decision = appeal.decision
    if appeal.subject == Appeal.Subject.DECISION:
        overturned: dict[str, Any] = {}
        granted = Accreditation.objects.filter(decision=decision).exists()  # on an earlier appeal
        if decision.outcome == Decision.Outcome.REFUSED and not granted:
            overturned.update(_grant(decision))
        note = _("Lifted on appeal: %(reasons)s") % {"reasons": reasons}
        lifted = []
        for condition in decision.conditions.not_met().select_for_update(of=("self",)):
            condition.decision = decision
            response = _met(condition, actor=actor, note=note)
            change_state(
                condition,
                Condition.Status.MET,
                transitions=Condition.TRANSITIONS,
                extra_fields=("met_at", "met_by"),
            )
            _tell_met(condition, response)
            lifted.append(condition.pk)
        overturned["lifted"] = lifted
        _letter_renew(decision)
        return overturned
    accreditation = _locked_accreditation(decision.accreditation)
    if accreditation.status != Appeal.APPEALED_STATUS[Appeal.Subject(appeal.subject)]:
        raise DomainError(
            _(
                "Since the appeal was lodged, the accreditation became “%(status)s”: there is "
                "nothing left to overturn. Dismiss the appeal and say so in the reasons."
            )
            % {"status": accreditation.get_status_display()}
        )
    _set_status(
        accreditation,
        Accreditation.Status.ACTIVE,
        actor=actor,
        reason=_("Appeal upheld: %(reasons)s") % {"reasons": reasons},
        audited=False,
    )
    return {"reinstated": True}


@transaction.atomic
def appeal_decide(*, actor: User, appeal: Appeal, upheld: bool, reasons: str) -> Appeal:
    """Decide an appeal. Someone other than the author of the decision appealed decides it.
    Upholding an appeal overturns what was appealed: a refusal becomes an accreditation,
    conditions are lifted, a suspension or revocation is undone."""
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("decision__application__framework", "decision__application__organisation")
        .get(pk=appeal.pk)
    )
    if not appeal.is_open:
        raise DomainError(_("This appeal was already decided."))
    if appeal.original_decider_id == actor.pk:
        raise DomainError(
            _("You took the decision under appeal; someone else must decide the appeal.")
        )
    if not reasons.strip():
        raise DomainError(_("Give the reasons for the decision on the appeal."), field="reasons")
    details: dict[str, Any] = {"reasons": reasons}
    if upheld:
        details.update(_overturn(appeal, actor=actor, reasons=reasons))
    appeal.outcome = Appeal.Outcome.UPHELD if upheld else Appeal.Outcome.DISMISSED
    appeal.reasons = reasons
    appeal.decided_by = actor  # type: ignore[assignment]
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["outcome", "reasons", "decided_by", "decided_at"])
    audit_record(actor=actor, action=f"appeal.{appeal.outcome}", target=appeal, changes=details)
    application = appeal.decision.application
    notify.remind(
        recipients=organisation_users(application.organisation),
        kind=reminders.APPEAL_DECIDED,
        key=notify.reminder_key(appeal, "decided"),
        subject=gettext_lazy("Your appeal was decided: %(outcome)s"),
        body="%(reasons)s",
        params={"outcome": appeal.get_outcome_display(), "reasons": reasons},
        url=application.get_absolute_url(),
    )
    return appeal
