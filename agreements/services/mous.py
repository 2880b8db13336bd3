"""Drafting an MoU from a template and setting its terms, negotiating it clause by clause,
consulting staff, agreeing on the text and approving it; following the organisation's
accreditation; withdrawing, terminating and amending an MoU; its obligations and the reminders of
its expiry."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accreditation.effects import StatusChange
from accreditation.models import Accreditation
from accreditation.selectors import accreditation_in_force
from activity import notify
from activity.dates import at_start_of
from activity.errors import DomainError
from activity.models import Document
from activity.services import audit_record
from activity.transitions import change_state, transition
from activity.typing import User
from directory.models import (
    ActivityType,
    Administration,
    Area,
    Facility,
    Organisation,
    Person,
    Role,
)
from directory.selectors import administration_users, earliest_local_date, organisation_users

from .. import effects, reminders
from ..models import (
    Agreement,
    AgreementClause,
    AgreementVersion,
    Approval,
    ClauseVersion,
    Comment,
    Consultation,
    Obligation,
    PdfStatus,
    PeopleAnnex,
    Side,
    Template,
)
from ..selectors import (
    people_in_force_ids,
    people_who_may_be_named,
    snapshot,
    term_values,
    wording_in,
)
from ._common import _end, _locked

#: Who speaks for each side in a negotiation, and is told of the other side's comments.
NEGOTIATORS: dict[str, tuple[str, ...]] = {
    Side.ADMINISTRATION: (Role.DIRECTOR, Role.COORDINATOR),
    Side.ORGANISATION: (Role.NGO_ADMIN,),
}


def _require_negotiable(agreement: Agreement) -> None:
    if agreement.status not in Agreement.NEGOTIABLE_STATUSES:
        raise DomainError(
            _("The MoU is “%(status)s”: its text and terms can no longer change.")
            % {"status": agreement.get_status_display()}
        )


def _scope(agreement: Agreement) -> Accreditation:
    organisation, administration = agreement.organisation, agreement.administration
    # Also in force on its last day while that day lasts at one of the administration's
    # facilities (in the evening in Guatemala the server's date is already the next day).
    accreditation = accreditation_in_force(organisation, administration) or accreditation_in_force(
        organisation, administration, earliest_local_date(agreement.administration_id)
    )
    if accreditation is None:
        raise DomainError(
            _(
                "%(organisation)s has no accreditation in force with %(administration)s: an MoU "
                "can be negotiated only while it has one."
            )
            % {
                "organisation": agreement.organisation.name,
                "administration": agreement.administration.name,
            }
        )
    return accreditation


def _other_side(side: str) -> str:
    return Side.ORGANISATION if side == Side.ADMINISTRATION else Side.ADMINISTRATION


def _people_of_side(agreement: Agreement, side: str) -> list[User]:
    if side == Side.ADMINISTRATION:
        return list(administration_users(agreement.administration, NEGOTIATORS[side]))
    return list(organisation_users(agreement.organisation, NEGOTIATORS[side]))


# Drafting ---------------------------------------------------------------------------------------


@transaction.atomic
def agreement_create(
    *,
    actor: User,
    administration: Administration,
    organisation: Organisation,
    template: Template,
    title: str,
    side: str = Side.ADMINISTRATION,
    member_organisations: Iterable[Organisation] = (),
) -> Agreement:
    """Start an MoU from a template of the administration's clause library. Only an
    organisation whose accreditation with the administration is in force can have one; its
    facilities and activities start as those of the accreditation, the widest they may be."""
    if template.administration_id != administration.pk or not template.active:
        raise DomainError(_("Choose one of the administration's templates."), field="template")
    members = list(member_organisations)
    strangers = [m.name for m in members if m.network_id != organisation.pk]
    if strangers:
        raise DomainError(
            _("Not members of %(network)s: %(names)s.")
            % {"network": organisation.name, "names": ", ".join(strangers)},
            field="member_organisations",
        )
    agreement = Agreement(
        administration=administration,
        organisation=organisation,
        template=template,
        title=title,
        language=organisation.language or administration.main_language,
        started_by_side=side,
        created_by=actor,
    )
    accreditation = _scope(agreement)
    agreement.save()
    agreement.member_organisations.set(members)
    application = accreditation.decision.application
    agreement.facilities.set(application.facilities.filter(administration=administration))
    agreement.activity_types.set(application.activity_types.all())
    latest = {
        version.clause_id: version
        for version in ClauseVersion.objects.filter(clause__templates=template).order_by(
            "clause_id", "number"
        )
    }
    AgreementClause.objects.bulk_create(
        AgreementClause(
            agreement=agreement,
            clause_version=latest[entry.clause_id],
            order=entry.order,
            # The library's wording in the MoU's language, or the first language that has it.
            wording=wording_in(latest[entry.clause_id], agreement.language),
        )
        for entry in template.entries.order_by("order")
        if entry.clause_id in latest
    )
    audit_record(actor=actor, action="agreement.created", target=agreement)
    return agreement


@dataclass(frozen=True)
class Terms:
    """The structured terms of an MoU, as a form hands them over."""

    valid_from: date | None
    valid_until: date | None
    facilities: list[Facility]
    permitted_areas: list[Area]
    forbidden_areas: list[Area]
    people: list[Person]
    activity_types: list[ActivityType]
    weekdays: list[int]
    day_starts: time
    day_ends: time
    visits_per_week: int
    visits_per_month: int
    equipment: list[str] = field(default_factory=list)
    escort: str = "always"
    private_interviews: bool = False
    photographs: bool = False
    response_days: int = 30


def terms_problems(agreement: Agreement, terms: Terms) -> dict[str, str]:
    """Why the terms cannot stand, by field: each names what is outside the accreditation's
    scope, not cleared, or inconsistent. Empty when they can."""
    accreditation = _scope(agreement)
    application = accreditation.decision.application
    problems: dict[str, str] = {}

    def names(items: Iterable[object]) -> str:
        return ", ".join(sorted(str(item) for item in items))

    in_scope = set(application.facilities.values_list("pk", flat=True))
    outside = [f for f in terms.facilities if f.pk not in in_scope]
    if outside:
        problems["facilities"] = _(
            "Outside the accreditation's scope: %(names)s. Only the facilities the organisation "
            "is accredited for can be named."
        ) % {"names": names(outside)}
    activities = set(application.activity_types.values_list("pk", flat=True))
    outside_activities = [
        t.get_code_display() for t in terms.activity_types if t.pk not in activities
    ]
    if outside_activities:
        problems["activity_types"] = _("Outside the accreditation's scope: %(names)s.") % {
            "names": names(outside_activities)
        }
    cleared = set(people_who_may_be_named(agreement).values_list("pk", flat=True))
    uncleared = [p.full_name for p in terms.people if p.pk not in cleared]
    if uncleared:
        problems["people"] = _(
            "Not cleared by %(administration)s for the organisation: %(names)s. Only cleared "
            "people can be allowed to enter."
        ) % {"administration": agreement.administration.name, "names": names(uncleared)}
    chosen = {f.pk for f in terms.facilities}
    for name, areas in (
        ("permitted_areas", terms.permitted_areas),
        ("forbidden_areas", terms.forbidden_areas),
    ):
        stray = [a.name for a in areas if a.facility_id not in chosen]
        if stray:
            problems[name] = _("In a facility the MoU does not name: %(names)s.") % {
                "names": names(stray)
            }
    both = {a.pk for a in terms.permitted_areas} & {a.pk for a in terms.forbidden_areas}
    if both:
        problems["forbidden_areas"] = _("An area cannot be both permitted and off limits.")
    if terms.valid_from and terms.valid_until and terms.valid_until < terms.valid_from:
        problems["valid_until"] = _("The term cannot end before it begins.")
    if terms.day_ends <= terms.day_starts:
        problems["day_ends"] = _("The hours must end after they begin.")
    if terms.visits_per_month < terms.visits_per_week:
        problems["visits_per_month"] = _("A month cannot allow fewer visits than a week.")
    return problems


@transaction.atomic
def agreement_set_terms(*, actor: User, agreement: Agreement, terms: Terms) -> Agreement:
    """Set the MoU's structured terms. Refused, with the reason, when they name a facility
    or activity outside the accreditation's scope, a person not cleared, or are inconsistent.
    The clauses whose wording states a term that changed are open again for both sides."""
    agreement = _locked(agreement)
    _require_negotiable(agreement)
    problems = terms_problems(agreement, terms)
    if problems:
        field_name, message = next(iter(problems.items()))
        raise DomainError(message, field=field_name)
    with translation.override(agreement.language):
        before = term_values(agreement)
    for name in (
        "valid_from",
        "valid_until",
        "weekdays",
        "day_starts",
        "day_ends",
        "visits_per_week",
        "visits_per_month",
        "equipment",
        "escort",
        "private_interviews",
        "photographs",
        "response_days",
    ):
        setattr(agreement, name, getattr(terms, name))
    agreement.weekdays = sorted(set(terms.weekdays))
    agreement.equipment = sorted(set(terms.equipment))
    agreement.full_clean(exclude=["pdf"], validate_unique=False, validate_constraints=False)
    agreement.save()
    agreement.facilities.set(terms.facilities)
    agreement.permitted_areas.set(terms.permitted_areas)
    agreement.forbidden_areas.set(terms.forbidden_areas)
    agreement.people.set(terms.people)
    agreement.activity_types.set(terms.activity_types)
    agreement = Agreement.objects.get(pk=agreement.pk)
    with translation.override(agreement.language):
        after = term_values(agreement)
    changed = sorted(name for name in after if before.get(name) != after[name])
    if changed:
        _reopen_clauses_stating(agreement, changed)
    if agreement.status == Agreement.Status.AGREED and changed:
        agreement.status = Agreement.Status.NEGOTIATION
        agreement.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="agreement.terms_changed",
        target=agreement,
        changes={name: [before.get(name), after[name]] for name in changed},
    )
    return agreement


def _reopen_clauses_stating(agreement: Agreement, variables: list[str]) -> None:
    for clause in agreement.clauses.all():
        if any(f"{{{name}}}" in clause.wording for name in variables):
            _reopen(clause)


def _reopen(clause: AgreementClause) -> None:
    clause.administration_position = AgreementClause.Status.OPEN
    clause.organisation_position = AgreementClause.Status.OPEN
    clause.status = AgreementClause.Status.OPEN
    clause.save(update_fields=["administration_position", "organisation_position", "status"])


def _next_version(agreement: Agreement, actor: User, note: str) -> AgreementVersion:
    number = (agreement.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return AgreementVersion.objects.create(
        agreement=agreement, number=number, content=snapshot(agreement), note=note, created_by=actor
    )


@transaction.atomic
def agreement_share(*, actor: User, agreement: Agreement, note: str = "") -> AgreementVersion:
    """Record the text and terms as they stand as a new version for both sides to see; the
    first time, the draft opens for negotiation with the other side."""
    agreement = _locked(agreement)
    _require_negotiable(agreement)
    _scope(agreement)
    version = _next_version(agreement, actor, note)
    if agreement.status == Agreement.Status.DRAFT:
        transition(
            agreement,
            Agreement.Status.NEGOTIATION,
            actor=actor,
            transitions=Agreement.TRANSITIONS,
            details={"version": version.number},
            event="opened_for_negotiation",
        )
    else:
        audit_record(
            actor=actor,
            action="agreement.version_shared",
            target=agreement,
            changes={"version": version.number},
        )
    return version


# Negotiation ------------------------------------------------------------------------------------


@transaction.atomic
def comment_add(
    *,
    actor: User,
    clause: AgreementClause,
    side: str,
    body: str,
    internal: bool = False,
    suggested_wording: str = "",
) -> Comment:
    """Comment on a clause, possibly suggesting new wording for the other side to accept or
    reject. An internal note is for the author's side only and suggests nothing. A suggestion
    reopens the clause for both sides."""
    agreement = _locked(clause.agreement)
    _require_negotiable(agreement)
    clause = AgreementClause.objects.select_for_update().get(pk=clause.pk)
    if internal and suggested_wording:
        raise DomainError(
            _("An internal note cannot suggest wording: the other side would never see it."),
            field="suggested_wording",
        )
    suggested_wording = suggested_wording.strip()
    if suggested_wording == clause.wording.strip():
        raise DomainError(
            _("The suggested wording is the same as the clause's."), field="suggested_wording"
        )
    comment = Comment.objects.create(
        clause=clause,
        side=side,
        author=actor,
        body=body,
        internal=internal,
        suggested_wording=suggested_wording,
        suggestion=Comment.Suggestion.PENDING if suggested_wording else "",
    )
    if suggested_wording:
        _reopen(clause)
    if not internal:
        notify.remind(
            recipients=_people_of_side(agreement, _other_side(side)),
            kind=reminders.COMMENT_AWAITING,
            key=notify.reminder_key(comment, "awaiting_answer"),
            subject=gettext_lazy("A comment on the MoU “%(title)s” awaits your answer"),
            body=gettext_lazy("Clause: %(clause)s"),
            params={"title": agreement.title, "clause": clause.clause_version.clause.title},
            url=agreement.get_absolute_url(),
        )
    audit_record(
        actor=actor,
        action="comment.created",
        target=agreement,
        changes={
            "clause": clause.order,
            "internal": internal,
            "suggestion": bool(suggested_wording),
        },
    )
    return comment


@transaction.atomic
def comment_answer(
    *, actor: User, comment: Comment, side: str, answer: str, accept: bool | None = None
) -> Comment:
    """Answer the other side's comment; where it suggests wording, accept it (the clause
    takes the new wording, and both sides are asked again whether they agree) or reject it."""
    comment = (
        Comment.objects.select_for_update().select_related("clause__agreement").get(pk=comment.pk)
    )
    agreement = _locked(comment.clause.agreement)
    _require_negotiable(agreement)
    if comment.side == side:
        raise DomainError(_("Only the other side answers a comment."))
    if comment.internal:
        raise DomainError(_("An internal note is not answered by the other side."))
    if comment.answered_at is not None:
        raise DomainError(_("This comment has been answered already."))
    changes: dict[str, object] = {"clause": comment.clause.order}
    if comment.suggestion == Comment.Suggestion.PENDING:
        if accept is None:
            raise DomainError(_("Accept or reject the suggested wording."), field="accept")
        clause = AgreementClause.objects.select_for_update().get(pk=comment.clause_id)
        if accept:
            changes["wording"] = [clause.wording, comment.suggested_wording]
            clause.wording = comment.suggested_wording
            clause.save(update_fields=["wording"])
            _reopen(clause)
        comment.suggestion = Comment.Suggestion.ACCEPTED if accept else Comment.Suggestion.REJECTED
        changes["suggestion"] = comment.suggestion
    comment.answer = answer
    comment.answered_by = actor
    comment.answered_at = timezone.now()
    comment.save(update_fields=["answer", "answered_by", "answered_at", "suggestion"])
    notify.cancel(key=notify.reminder_key(comment))
    audit_record(actor=actor, action="comment.answered", target=agreement, changes=changes)
    return comment


@transaction.atomic
def clause_take_position(
    *, actor: User, clause: AgreementClause, side: str, position: str
) -> AgreementClause:
    """One side says it agrees to the clause as worded, disputes it, or leaves it open. The
    clause is agreed when both sides agree; a suggestion still awaiting an answer must be
    answered first."""
    agreement = _locked(clause.agreement)
    _require_negotiable(agreement)
    clause = AgreementClause.objects.select_for_update().get(pk=clause.pk)
    if position not in AgreementClause.Status.values:
        raise DomainError(_("Choose agreed, open or disputed."), field="position")
    if (
        position == AgreementClause.Status.AGREED
        and clause.comments.filter(suggestion=Comment.Suggestion.PENDING).exists()
    ):
        raise DomainError(
            _("A suggested wording of this clause awaits an answer: answer it first.")
        )
    before = clause.status
    if side == Side.ADMINISTRATION:
        clause.administration_position = position
    else:
        clause.organisation_position = position
    clause.status = clause.combined_status()
    clause.save(update_fields=["administration_position", "organisation_position", "status"])
    if agreement.status == Agreement.Status.AGREED and clause.status != before:
        agreement.status = Agreement.Status.NEGOTIATION
        agreement.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="clause.position_taken",
        target=agreement,
        changes={"clause": clause.order, "side": side, "status": [before, clause.status]},
    )
    return clause


@transaction.atomic
def clause_include(*, actor: User, clause: AgreementClause, included: bool) -> AgreementClause:
    """Leave an optional clause out of the MoU, or put it back. Mandatory clauses stay."""
    agreement = _locked(clause.agreement)
    _require_negotiable(agreement)
    clause = (
        AgreementClause.objects.select_for_update()
        .select_related("clause_version__clause")
        .get(pk=clause.pk)
    )
    if not included and clause.clause_version.clause.mandatory:
        raise DomainError(
            _("“%(clause)s” is mandatory: every MoU has it.")
            % {"clause": clause.clause_version.clause.title}
        )
    clause.included = included
    clause.save(update_fields=["included"])
    _reopen(clause)
    audit_record(
        actor=actor,
        action="clause.included" if included else "clause.left_out",
        target=agreement,
        changes={"clause": clause.order},
    )
    return clause


@transaction.atomic
def consultation_ask(
    *, actor: User, agreement: Agreement, facility: Facility, staff: User, question: str
) -> Consultation:
    """Ask a member of a facility's staff for their view of the draft."""
    agreement = _locked(agreement)
    _require_negotiable(agreement)
    if facility.administration_id != agreement.administration_id:
        raise DomainError(_("Choose a facility of the administration."), field="facility")
    if not staff.memberships.filter(facility=facility).exists():
        raise DomainError(
            _("%(name)s does not work at %(facility)s.")
            % {"name": staff.get_full_name() or staff.username, "facility": facility.name},
            field="staff",
        )
    consultation = Consultation.objects.create(
        agreement=agreement, facility=facility, staff=staff, question=question, asked_by=actor
    )
    notify.remind(
        recipients=[staff],
        kind=reminders.CONSULTATION,
        key=notify.reminder_key(consultation, "asked"),
        subject=gettext_lazy("Your view is asked on the draft MoU “%(title)s”"),
        body=gettext_lazy("%(question)s"),
        params={"title": agreement.title, "question": question},
        url=agreement.get_absolute_url(),
    )
    audit_record(
        actor=actor,
        action="consultation.asked",
        target=agreement,
        changes={"staff": staff.username, "facility": facility.name},
    )
    return consultation


@transaction.atomic
def consultation_answer(*, actor: User, consultation: Consultation, remarks: str) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.staff_id != actor.pk:
        raise DomainError(_("Only the staff member asked can answer."))
    if consultation.answered_at is not None:
        raise DomainError(_("These remarks have been recorded already."))
    consultation.remarks = remarks
    consultation.answered_at = timezone.now()
    consultation.save(update_fields=["remarks", "answered_at"])
    notify.cancel(key=notify.reminder_key(consultation))
    audit_record(actor=actor, action="consultation.answered", target=consultation.agreement)
    return consultation


# Agreeing and approving ---------------------------------------------------------------------


def agreement_gaps(agreement: Agreement) -> list[str]:
    """What stands between the MoU and an agreed text, in words: clauses not yet agreed by
    both sides, suggestions awaiting an answer, terms still to fill in."""
    gaps: list[str] = []
    open_clauses = [
        clause.clause_version.clause.title
        for clause in agreement.clauses.filter(included=True)
        .exclude(status=AgreementClause.Status.AGREED)
        .select_related("clause_version__clause")
    ]
    if open_clauses:
        gaps.append(
            _("Not yet agreed by both sides: %(names)s.") % {"names": ", ".join(open_clauses)}
        )
    if Comment.objects.filter(
        clause__agreement=agreement, suggestion=Comment.Suggestion.PENDING
    ).exists():
        gaps.append(_("Suggested wording awaits an answer."))
    if agreement.valid_from is None or agreement.valid_until is None:
        gaps.append(_("The term (first and last day) is not set."))
    if not agreement.facilities.exists():
        gaps.append(_("No facility is named."))
    if not agreement.people.exists():
        gaps.append(_("Nobody is named to enter."))
    if not agreement.weekdays:
        gaps.append(_("No day of the week is set."))
    return gaps


@transaction.atomic
def agreement_agree(*, actor: User, agreement: Agreement) -> AgreementVersion:
    """Close the negotiation: every clause agreed by both sides, every suggestion answered,
    the terms complete. The agreed text is recorded as a version, which both sides approve
    internally and then sign."""
    agreement = _locked(agreement)
    _scope(agreement)
    if agreement.status != Agreement.Status.NEGOTIATION:
        raise DomainError(_("Only an MoU in negotiation can be agreed."))
    gaps = agreement_gaps(agreement)
    if gaps:
        raise DomainError(" ".join(gaps))
    version = _next_version(agreement, actor, _("Agreed text"))
    transition(
        agreement,
        Agreement.Status.AGREED,
        actor=actor,
        transitions=Agreement.TRANSITIONS,
        details={"version": version.number},
    )
    return version


@transaction.atomic
def agreement_approve(*, actor: User, agreement: Agreement, side: str) -> Approval:
    """One side's internal approval of the agreed text, before any signature."""
    agreement = _locked(agreement)
    if agreement.status != Agreement.Status.AGREED:
        raise DomainError(_("Only an agreed text can be approved."))
    version = agreement.versions.order_by("-number").first()
    assert version is not None  # an agreed MoU has its agreed version
    try:
        with transaction.atomic():
            approval = Approval.objects.create(
                agreement=agreement, version=version, side=side, approved_by=actor
            )
    except IntegrityError:
        raise DomainError(_("Your side has approved this text already.")) from None
    audit_record(
        actor=actor,
        action="agreement.approved",
        target=agreement,
        changes={"side": side, "version": version.number},
    )
    return approval


# Following the accreditation ----------------------------------------------------------------


def agreements_follow_accreditation(change: StatusChange) -> None:
    """Subscribed to accreditation's status changes (``AppConfig.ready``). Whether an MoU is
    in force is computed from the accreditation, so nothing is stored here: the MoUs in their
    term are recorded in the audit trail as suspended or restored with the reason, and both
    sides are told."""
    if change.status == Accreditation.Status.ACTIVE:
        action, subject = (
            "agreement.restored",
            gettext_lazy("The MoU “%(title)s” is in force again"),
        )
    elif change.previous_status == Accreditation.Status.ACTIVE:
        action, subject = (
            "agreement.suspended",
            gettext_lazy("The MoU “%(title)s” is suspended with the accreditation"),
        )
    else:
        return
    affected = Agreement.objects.within_term().filter(
        organisation_id=change.organisation_id, administration_id=change.administration_id
    )
    for agreement in affected.select_related("organisation", "administration"):
        entry = audit_record(
            actor=None,
            action=action,
            target=agreement,
            changes={
                "accreditation": [change.previous_status, change.status],
                "reason": change.reason,
            },
        )
        notify.remind(
            recipients=[
                *_people_of_side(agreement, Side.ADMINISTRATION),
                *_people_of_side(agreement, Side.ORGANISATION),
            ],
            kind=reminders.SUSPENDED,
            # One announcement per change: the audit entry's number tells the changes apart.
            key=notify.reminder_key(agreement, f"{action}:{entry.seq}"),
            subject=subject,
            body=gettext_lazy("Reason: %(reason)s"),
            params={"title": agreement.title, "reason": change.reason},
            url=agreement.get_absolute_url(),
        )


# Ending, amending -------------------------------------------------------------------------------


@transaction.atomic
def agreement_withdraw(*, actor: User, agreement: Agreement, reason: str) -> Agreement:
    """Abandon an MoU before it is signed, with the reason both sides read."""
    agreement = _locked(agreement)
    _end(agreement, Agreement.Status.WITHDRAWN, actor=actor, reason=reason)
    return agreement


@transaction.atomic
def agreement_terminate(*, actor: User, agreement: Agreement, reason: str) -> Agreement:
    """End a signed MoU before its term, as its termination clause allows either party to,
    with the reason. Access it granted ends at once; the modules subscribed to
    ``agreements.effects`` are told (visits reviews the visits it allowed)."""
    agreement = _locked(agreement)
    details: dict[str, Any] = {}
    if agreement.status == Agreement.Status.SIGNED:
        # A change of people not yet signed by both sides ends with the MoU.
        withdrawn = _withdraw_open_annex(agreement)
        if withdrawn is not None:
            details["annex_withdrawn"] = withdrawn
    _end(agreement, Agreement.Status.TERMINATED, actor=actor, reason=reason, details=details)
    effects.publish(
        effects.AgreementChange(
            agreement_id=agreement.pk,
            administration_id=agreement.administration_id,
            organisation_id=agreement.organisation_id,
            kind=effects.Kind.TERMINATED,
            reason=reason,
            people_removed=(),
            actor_id=actor.pk,
        )
    )
    return agreement


def _withdraw_open_annex(agreement: Agreement) -> int | None:
    """Withdraw the MoU's open annex, if any, as part of ending the MoU (whose audit entry
    says so); return its number."""
    annex = (
        PeopleAnnex.objects.select_for_update()
        .filter(agreement=agreement, status__in=PeopleAnnex.OPEN_STATUSES)
        .first()
    )
    if annex is None:
        return None
    change_state(annex, PeopleAnnex.Status.WITHDRAWN, transitions=PeopleAnnex.TRANSITIONS)
    notify.cancel(key=notify.reminder_key(annex))
    return annex.number


@transaction.atomic
def agreement_amend(*, actor: User, agreement: Agreement, side: str) -> Agreement:
    """Start an amendment of a signed MoU: a new draft with the signed clauses and terms, and
    the people as its signed annexes left them, which supersedes the MoU once signed. One
    amendment at a time, and not while a people annex is open."""
    agreement = _locked(agreement)
    if agreement.status != Agreement.Status.SIGNED:
        raise DomainError(_("Only a signed MoU can be amended."))
    _scope(agreement)
    open_annex = agreement.annexes.filter(status__in=PeopleAnnex.OPEN_STATUSES).first()
    if open_annex is not None:
        raise DomainError(
            _(
                "Annex %(number)s of this MoU, which changes its people, is still open: sign or "
                "withdraw it before amending the MoU."
            )
            % {"number": open_annex.number}
        )
    amendment = Agreement.objects.get(pk=agreement.pk)
    amendment.pk = None
    amendment.supersedes = agreement
    amendment.status = Agreement.Status.DRAFT
    amendment.started_by_side = side
    amendment.reference = ""
    amendment.pdf = ""
    amendment.pdf_sha256 = ""
    amendment.pdf_certified_sha256 = ""
    amendment.pdf_status = PdfStatus.NONE
    amendment.pdf_error = ""
    amendment.signed_at = None
    amendment.status_reason = ""
    amendment.created_by = actor
    amendment.created_at = timezone.now()
    try:
        with transaction.atomic():
            amendment.save(force_insert=True)
    except IntegrityError:
        raise DomainError(_("An amendment of this MoU is already being negotiated.")) from None
    for name in (
        "member_organisations",
        "facilities",
        "permitted_areas",
        "forbidden_areas",
        "activity_types",
    ):
        getattr(amendment, name).set(getattr(agreement, name).all())
    # The people as its signed annexes left them, not only as its terms named them.
    amendment.people.set(people_in_force_ids(agreement))
    AgreementClause.objects.bulk_create(
        AgreementClause(
            agreement=amendment,
            clause_version_id=clause.clause_version_id,
            order=clause.order,
            wording=clause.wording,
            included=clause.included,
        )
        for clause in agreement.clauses.all()
    )
    audit_record(
        actor=actor,
        action="agreement.amendment_started",
        target=amendment,
        changes={"amends": agreement.pk},
    )
    return amendment


# Obligations ------------------------------------------------------------------------------------

#: Days before an obligation's due date on which its owner is reminded.
OBLIGATION_NOTICES = (14, 3)
#: Days before an MoU's last day on which both sides are reminded.
EXPIRY_NOTICES = (90, 30, 7)


def _remind_obligation(obligation: Obligation) -> None:
    agreement = obligation.agreement
    owners = _people_of_side(agreement, obligation.side)
    notify.remind_before(
        obligation.due_date,
        OBLIGATION_NOTICES,
        key=lambda days: notify.reminder_key(obligation, f"due-{days}d"),
        recipients=owners,
        kind=reminders.OBLIGATION_DUE,
        subject=gettext_lazy("“%(title)s” is due on %(date)s under the MoU “%(mou)s”"),
        params={"title": obligation.title, "date": obligation.due_date, "mou": agreement.title},
        url=agreement.get_absolute_url(),
    )
    notify.remind(
        recipients=owners,
        kind=reminders.OBLIGATION_OVERDUE,
        key=notify.reminder_key(obligation, "overdue"),
        subject=gettext_lazy("“%(title)s” is overdue under the MoU “%(mou)s”"),
        params={"title": obligation.title, "mou": agreement.title},
        url=agreement.get_absolute_url(),
        due_at=at_start_of(obligation.due_date + timedelta(days=1)),
    )


@transaction.atomic
def obligation_add(
    *,
    actor: User,
    agreement: Agreement,
    kind: str,
    side: str,
    title: str,
    due_date: date,
) -> Obligation:
    """Record something a party undertook in the MoU by a date; its owner is reminded 14 and
    3 days before, and when it is overdue."""
    agreement = _locked(agreement)
    if agreement.status in (
        Agreement.Status.TERMINATED,
        Agreement.Status.SUPERSEDED,
        Agreement.Status.WITHDRAWN,
    ):
        raise DomainError(_("The MoU has ended: it has no obligations to add."))
    obligation = Obligation.objects.create(
        agreement=agreement, kind=kind, side=side, title=title, due_date=due_date
    )
    _remind_obligation(obligation)
    audit_record(
        actor=actor,
        action="obligation.added",
        target=agreement,
        changes={"title": title, "due_date": due_date.isoformat(), "side": side},
    )
    return obligation


@transaction.atomic
def obligation_fulfil(
    *, actor: User, obligation: Obligation, note: str, evidence: Iterable[Document] = ()
) -> Obligation:
    """Record that an obligation is met, with its evidence; its reminders stop."""
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    if obligation.fulfilled_at is not None:
        raise DomainError(_("This obligation is already met."))
    obligation.note = note
    obligation.fulfilled_by = actor
    obligation.fulfilled_at = timezone.now()
    obligation.save(update_fields=["note", "fulfilled_by", "fulfilled_at"])
    obligation.evidence.set(list(evidence))
    notify.cancel(key=notify.reminder_key(obligation))
    audit_record(
        actor=actor,
        action="obligation.fulfilled",
        target=obligation.agreement,
        changes={"title": obligation.title},
    )
    return obligation


def remind_expiry(agreement: Agreement) -> None:
    """Schedule the reminders of the MoU's end, 90, 30 and 7 days before its last day, to the
    negotiators of both sides."""
    if agreement.valid_until is None:
        return
    recipients = [
        *_people_of_side(agreement, Side.ADMINISTRATION),
        *_people_of_side(agreement, Side.ORGANISATION),
    ]
    notify.remind_before(
        agreement.valid_until,
        EXPIRY_NOTICES,
        key=lambda days: notify.reminder_key(agreement, f"expiring-{days}d"),
        recipients=recipients,
        kind=reminders.EXPIRING,
        subject=gettext_lazy("The MoU “%(title)s” ends on %(date)s"),
        body=gettext_lazy("Start an amendment in time if the partnership is to go on."),
        params={"title": agreement.title, "date": agreement.valid_until},
        url=agreement.get_absolute_url(),
    )
