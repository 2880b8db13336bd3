"""Use cases of agreements: drafting an MoU from a template, setting its terms, negotiating
clause by clause, consulting staff and agreeing on the text.

Each service locks the MoU first, checks its state, changes it and writes one audit entry.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.utils import timezone, translation
from django.utils.functional import Promise
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
from activity.texts import in_each_language, language_name, text_columns
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
from directory.selectors import administration_users, organisation_users

from . import documents, reminders
from .documents import Signed
from .models import (
    Agreement,
    AgreementClause,
    AgreementTranslation,
    AgreementVersion,
    Approval,
    Clause,
    ClauseVersion,
    Comment,
    Consultation,
    Obligation,
    PdfStatus,
    PeopleAnnex,
    Side,
    Signatory,
    Signature,
    SignerCertificate,
    Template,
    TemplateClause,
)
from .selectors import (
    agreement_display_status,
    agreement_in_force,
    people_in_force_ids,
    people_who_may_be_named,
    snapshot,
    term_values,
    wording_in,
)
from .signing.services import signer_certificate_revoke

#: Who speaks for each side in a negotiation, and is told of the other side's comments.
NEGOTIATORS: dict[str, tuple[str, ...]] = {
    Side.ADMINISTRATION: (Role.DIRECTOR, Role.COORDINATOR),
    Side.ORGANISATION: (Role.NGO_ADMIN,),
}


def _locked(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update().get(pk=agreement.pk)


def _require_negotiable(agreement: Agreement) -> None:
    if agreement.status not in Agreement.NEGOTIABLE_STATUSES:
        raise DomainError(
            _("The MoU is “%(status)s”: its text and terms can no longer change.")
            % {"status": agreement.get_status_display()}
        )


def _scope(agreement: Agreement) -> Accreditation:
    accreditation = accreditation_in_force(agreement.organisation, agreement.administration)
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


# The clause library and the templates --------------------------------------------------------
#
# The director keeps the administration's library. A clause is worded anew by adding a version:
# the MoUs drafted from then on take it, the MoUs already drafted keep the version they hold, and
# no version ever changes. Every template holds every mandatory clause of its administration.

#: Texts in each language, as the forms give them: ``{"en": …, "es": …}``, blank where unwritten.
Texts = Mapping[str, str | None]


def _columns(name: str, texts: Texts) -> dict[str, str | None]:
    # A text left blank is stored as none, so that its readers see another language's.
    return text_columns(name, {code: (texts.get(code) or "").strip() or None for code in texts})


def _require_main_text(obj: Model, name: str, administration: Administration) -> None:
    main = administration.main_language
    if not getattr(obj, f"{name}_{main}", None):
        raise DomainError(
            _("Write it in %(language)s, the administration's main language.")
            % {"language": language_name(main)},
            field=f"{name}_{main}",
        )


def _changed(before: Model, after: Model, names: Iterable[str]) -> dict[str, list[object]]:
    return {
        name: [getattr(before, name), getattr(after, name)]
        for name in names
        if getattr(before, name) != getattr(after, name)
    }


def _join_every_template(clause: Clause) -> list[int]:
    """Append a mandatory clause to the administration's templates that lack it; their ids."""
    lacking = list(
        Template.objects.select_for_update()
        .filter(administration_id=clause.administration_id)
        .exclude(entries__clause=clause)
        .values_list("pk", flat=True)
    )
    last = dict(
        TemplateClause.objects.filter(template__in=lacking)
        .values("template")
        .annotate(last=Max("order"))
        .values_list("template", "last")
    )
    TemplateClause.objects.bulk_create(
        TemplateClause(template_id=pk, clause=clause, order=last.get(pk, 0) + 1) for pk in lacking
    )
    return lacking


@transaction.atomic
def clause_create(
    *,
    actor: User,
    administration: Administration,
    kind: str,
    mandatory: bool,
    titles: Texts,
    wordings: Texts,
) -> Clause:
    """Add a clause of a kind to the administration's library, with its first wording. A
    mandatory clause joins every template of the administration at its end."""
    # Locked as installing the library locks it, and so that the templates it joins hold still.
    administration = Administration.objects.select_for_update().get(pk=administration.pk)
    clause = Clause(
        administration=administration, kind=kind, mandatory=mandatory, **_columns("title", titles)
    )
    _require_main_text(clause, "title", administration)
    clause.full_clean()
    wording = _columns("wording", wordings)
    version = ClauseVersion(clause=clause, number=1, created_by=actor, **wording)
    _require_main_text(version, "wording", administration)
    version.full_clean(exclude=["clause"])
    clause.save()
    version.clause = clause
    version.save()
    joined = _join_every_template(clause) if mandatory else []
    audit_record(
        actor=actor,
        action="clause.created",
        target=clause,
        changes={"kind": kind, "mandatory": mandatory, "templates": joined},
    )
    return clause


@transaction.atomic
def clause_update(*, actor: User, clause: Clause, titles: Texts, mandatory: bool) -> Clause:
    """Rename a clause or make it mandatory or optional. A clause made mandatory joins every
    template that lacks it; MoUs in negotiation can no longer leave it out."""
    stored = Clause.objects.select_for_update().select_related("administration").get(pk=clause.pk)
    clause = Clause.objects.get(pk=stored.pk)
    for column, text in _columns("title", titles).items():
        setattr(clause, column, text)
    clause.mandatory = mandatory
    _require_main_text(clause, "title", stored.administration)
    clause.full_clean()
    changes = _changed(stored, clause, [*in_each_language("title"), "mandatory"])
    if not changes:
        raise DomainError(_("Nothing was changed."))
    clause.save(update_fields=[*in_each_language("title"), "mandatory"])
    details: dict[str, object] = dict(changes)
    if mandatory and not stored.mandatory:
        details["templates"] = _join_every_template(clause)
    audit_record(actor=actor, action="clause.updated", target=clause, changes=details)
    return clause


@transaction.atomic
def clause_reword(
    *, actor: User, clause: Clause, wordings: Texts, change_note: str
) -> ClauseVersion:
    """Word a clause anew: a new version, which the MoUs drafted from now on take. The MoUs
    already drafted keep the version they hold, and no version changes."""
    clause = Clause.objects.select_for_update().select_related("administration").get(pk=clause.pk)
    current = clause.versions.order_by("-number").first()
    version = ClauseVersion(
        clause=clause,
        number=(current.number if current else 0) + 1,
        change_note=change_note.strip(),
        created_by=actor,
        **_columns("wording", wordings),
    )
    _require_main_text(version, "wording", clause.administration)
    version.full_clean(exclude=["clause"], validate_unique=False, validate_constraints=False)
    if current is not None:
        if not _changed(current, version, in_each_language("wording")):
            raise DomainError(
                _("The wording is that of version %(number)s in every language: nothing to save.")
                % {"number": current.number}
            )
        if not version.change_note:
            raise DomainError(
                _("Say what changed, for those who compare the versions."), field="change_note"
            )
    version.save(force_insert=True)
    audit_record(
        actor=actor,
        action="clause.reworded",
        target=clause,
        changes={"version": version.number, "note": version.change_note},
    )
    return version


@transaction.atomic
def template_create(
    *,
    actor: User,
    administration: Administration,
    names: Texts,
    descriptions: Texts,
    active: bool = True,
) -> Template:
    """Add a template to the administration's library. It starts with every mandatory clause,
    in the order of their kinds; the optional ones are added to it afterwards."""
    administration = Administration.objects.select_for_update().get(pk=administration.pk)
    template = Template(
        administration=administration,
        active=active,
        **_columns("name", names),
        **_columns("description", descriptions),
    )
    _require_main_text(template, "name", administration)
    template.full_clean()
    template.save()
    mandatory = sorted(
        Clause.objects.filter(administration=administration, mandatory=True),
        key=lambda clause: (Clause.Kind.values.index(clause.kind), clause.pk),
    )
    TemplateClause.objects.bulk_create(
        TemplateClause(template=template, clause=clause, order=order)
        for order, clause in enumerate(mandatory, start=1)
    )
    audit_record(
        actor=actor,
        action="template.created",
        target=template,
        changes={"clauses": [clause.pk for clause in mandatory], "active": active},
    )
    return template


@transaction.atomic
def template_update(
    *, actor: User, template: Template, names: Texts, descriptions: Texts, active: bool
) -> Template:
    """Rename a template, describe it, offer it for new MoUs or stop offering it. MoUs already
    drafted from it are not affected."""
    stored = (
        Template.objects.select_for_update().select_related("administration").get(pk=template.pk)
    )
    template = Template.objects.get(pk=stored.pk)
    texts = {**_columns("name", names), **_columns("description", descriptions)}
    for column, text in texts.items():
        setattr(template, column, text)
    template.active = active
    _require_main_text(template, "name", stored.administration)
    template.full_clean()
    changes = _changed(stored, template, [*texts, "active"])
    if not changes:
        raise DomainError(_("Nothing was changed."))
    template.save(update_fields=[*texts, "active"])
    audit_record(actor=actor, action="template.updated", target=template, changes=changes)
    return template


def _locked_template(template: Template) -> Template:
    return Template.objects.select_for_update().get(pk=template.pk)


@transaction.atomic
def template_clause_add(*, actor: User, template: Template, clause: Clause) -> TemplateClause:
    """Add a clause of the administration's library at the end of the template."""
    template = _locked_template(template)
    if clause.administration_id != template.administration_id:
        raise DomainError(_("Choose a clause of the administration's library."), field="clause")
    if template.entries.filter(clause=clause).exists():
        raise DomainError(
            _("“%(clause)s” is in the template already.") % {"clause": clause.title},
            field="clause",
        )
    last = template.entries.aggregate(last=Max("order"))["last"] or 0
    entry = TemplateClause.objects.create(template=template, clause=clause, order=last + 1)
    audit_record(
        actor=actor, action="template.clause_added", target=template, changes={"clauses": clause.pk}
    )
    return entry


def _entry(template: Template, clause: Clause) -> TemplateClause:
    entry = template.entries.filter(clause=clause).select_related("clause").first()
    if entry is None:
        raise DomainError(_("“%(clause)s” is not in the template.") % {"clause": clause.title})
    return entry


@transaction.atomic
def template_clause_remove(*, actor: User, template: Template, clause: Clause) -> None:
    """Take an optional clause out of the template. A mandatory clause is in every template."""
    template = _locked_template(template)
    entry = _entry(template, clause)
    if entry.clause.mandatory:
        raise DomainError(
            _(
                "“%(clause)s” is mandatory: every template has it. Make it optional first if "
                "MoUs may do without it."
            )
            % {"clause": entry.clause.title}
        )
    entry.delete()
    audit_record(
        actor=actor,
        action="template.clause_removed",
        target=template,
        changes={"clauses": clause.pk},
    )


@transaction.atomic
def template_clause_move(*, actor: User, template: Template, clause: Clause, up: bool) -> None:
    """Move a clause of the template one place up or down: it changes places with its
    neighbour. MoUs drafted from then on number their clauses in the new order."""
    template = _locked_template(template)
    entry = _entry(template, clause)
    entries = list(template.entries.order_by("order"))
    position = next(i for i, e in enumerate(entries) if e.pk == entry.pk)
    other = position - 1 if up else position + 1
    if not 0 <= other < len(entries):
        raise DomainError(
            (_("“%(clause)s” is first already.") if up else _("“%(clause)s” is last already."))
            % {"clause": entry.clause.title}
        )
    neighbour = entries[other]
    # Each order is the template's once: one of the two waits outside the range meanwhile.
    mine, theirs = entry.order, neighbour.order
    entry.order = entries[-1].order + 1
    entry.save(update_fields=["order"])
    neighbour.order = mine
    neighbour.save(update_fields=["order"])
    entry.order = theirs
    entry.save(update_fields=["order"])
    audit_record(
        actor=actor,
        action="template.reordered",
        target=template,
        changes={"clauses": clause.pk, "position": other + 1},
    )


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


def _end(
    document: Signed,
    to: str,
    *,
    actor: User,
    reason: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Bring an MoU or annex to an end (withdrawn, terminated) with the reason both sides read;
    nothing pending about it is reminded any more."""
    document.status_reason = reason
    transition(
        document,
        to,
        actor=actor,
        transitions=cast("Mapping[str, set[str]]", document.TRANSITIONS),
        extra_fields=("status_reason",),
        details={"reason": reason, **(details or {})},
    )
    notify.cancel(key=notify.reminder_key(document))


@transaction.atomic
def agreement_withdraw(*, actor: User, agreement: Agreement, reason: str) -> Agreement:
    """Abandon an MoU before it is signed, with the reason both sides read."""
    agreement = _locked(agreement)
    _end(agreement, Agreement.Status.WITHDRAWN, actor=actor, reason=reason)
    return agreement


@transaction.atomic
def agreement_terminate(*, actor: User, agreement: Agreement, reason: str) -> Agreement:
    """End a signed MoU before its term, as its termination clause allows either party to,
    with the reason. Access it granted ends at once."""
    agreement = _locked(agreement)
    details: dict[str, Any] = {}
    if agreement.status == Agreement.Status.SIGNED:
        # A change of people not yet signed by both sides ends with the MoU.
        withdrawn = _withdraw_open_annex(agreement)
        if withdrawn is not None:
            details["annex_withdrawn"] = withdrawn
    _end(agreement, Agreement.Status.TERMINATED, actor=actor, reason=reason, details=details)
    return agreement


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
    for days in OBLIGATION_NOTICES:
        due = obligation.due_date - timedelta(days=days)
        if due < timezone.localdate():
            continue
        notify.remind(
            recipients=owners,
            kind=reminders.OBLIGATION_DUE,
            key=notify.reminder_key(obligation, f"due-{days}d"),
            subject=gettext_lazy("“%(title)s” is due on %(date)s under the MoU “%(mou)s”"),
            params={"title": obligation.title, "date": obligation.due_date, "mou": agreement.title},
            url=agreement.get_absolute_url(),
            due_at=at_start_of(due),
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
    for days in EXPIRY_NOTICES:
        due = agreement.valid_until - timedelta(days=days)
        if due < timezone.localdate():
            continue
        notify.remind(
            recipients=recipients,
            kind=reminders.EXPIRING,
            key=notify.reminder_key(agreement, f"expiring-{days}d"),
            subject=gettext_lazy("The MoU “%(title)s” ends on %(date)s"),
            body=gettext_lazy("Start an amendment in time if the partnership is to go on."),
            params={"title": agreement.title, "date": agreement.valid_until},
            url=agreement.get_absolute_url(),
            due_at=at_start_of(due),
        )


# Signatories and signatures -----------------------------------------------------------------

#: Days after which a signer who has not signed is reminded again.
SIGNATURE_FOLLOW_UP_DAYS = 5


@transaction.atomic
def signatory_authorise(*, actor: User, organisation: Organisation, user: User) -> Signatory:
    """Authorise one of the organisation's people to sign MoUs on its behalf."""
    if not user.memberships.filter(organisation=organisation).exists():
        raise DomainError(
            _("%(name)s is not a member of %(organisation)s.")
            % {"name": user.get_full_name() or user.get_username(), "organisation": organisation},
            field="user",
        )
    try:
        with transaction.atomic():
            signatory = Signatory.objects.create(
                organisation=organisation, user=user, authorised_by=actor
            )
    except IntegrityError:
        raise DomainError(
            _("This person is already an authorised signatory."), field="user"
        ) from None
    audit_record(
        actor=actor,
        action="signatory.authorised",
        target=organisation,
        changes={"signatory": user.get_username()},
    )
    return signatory


@transaction.atomic
def signatory_revoke(*, actor: User, signatory: Signatory) -> None:
    """Withdraw someone's authority to sign for the organisation, and the certificate they
    signed with for it."""
    signatory = Signatory.objects.select_for_update().get(pk=signatory.pk)
    if signatory.revoked_at is not None:
        raise DomainError(_("This authority was withdrawn already."))
    signatory.revoked_at = timezone.now()
    signatory.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="signatory.revoked",
        target=signatory.organisation,
        changes={"signatory": signatory.user.get_username()},
    )
    # Their certificate for the organisation signs nothing more; what they signed stays valid.
    for certificate in SignerCertificate.objects.current().filter(
        user=signatory.user,
        organisation=signatory.organisation,
        role=SignerCertificate.Role.APPROVE,
    ):
        signer_certificate_revoke(
            actor=actor,
            certificate=certificate,
            reason=SignerCertificate.RevocationReason.LEFT_ROLE,
        )


def is_authorised_signatory(user: User, organisation: Organisation) -> bool:
    return Signatory.objects.active().filter(organisation=organisation, user=user).exists()


def _signatories(agreement: Agreement) -> list[User]:
    return [
        signatory.user
        for signatory in Signatory.objects.active()
        .filter(organisation=agreement.organisation)
        .select_related("user")
    ]


def _next_reference(agreement: Agreement) -> str:
    year = timezone.localdate().year
    prefix = f"MOU/{agreement.administration_id}/{year}/"
    taken = Agreement.objects.filter(
        administration=agreement.administration, reference__startswith=prefix
    ).count()
    return f"{prefix}{taken + 1:04d}"


@dataclass(frozen=True)
class _Awaited:
    """The reminder that tells signers an MoU or annex awaits their signature."""

    subject: Promise
    body: Promise
    params: dict[str, Any]


def _remind_to_sign(
    document: Signed, recipients: list[User], event: str, awaited: _Awaited
) -> None:
    """Remind ``recipients`` that the document awaits their signature, now and again after
    ``SIGNATURE_FOLLOW_UP_DAYS``; ``event`` names the step, for ``_cancel_reminders_to_sign``."""
    for suffix, kind, delay in (
        ("", reminders.SIGNATURE_AWAITED, 0),
        ("-follow-up", reminders.SIGNATURE_FOLLOW_UP, SIGNATURE_FOLLOW_UP_DAYS),
    ):
        notify.remind(
            recipients=recipients,
            kind=kind,
            key=notify.reminder_key(document, f"{event}{suffix}"),
            subject=awaited.subject,
            body=awaited.body,
            params=awaited.params,
            url=document.get_absolute_url(),
            due_at=timezone.now() + timedelta(days=delay),
        )


def _cancel_reminders_to_sign(document: Signed, event: str) -> None:
    notify.cancel(key=notify.reminder_key(document, event))
    notify.cancel(key=notify.reminder_key(document, f"{event}-follow-up"))


def _sign_in_turn(
    *,
    actor: User,
    document: Signed,
    agreement: Agreement,
    side: str,
    awaited: _Awaited,
    version: AgreementVersion | None = None,
    extra_fields: tuple[str, ...] = (),
    details: dict[str, Any] | None = None,
) -> Signature:
    """Record one side's signature of an MoU or of one of its people annexes, once the caller
    has checked that it is that side's turn: the administration certifies (the document becomes
    "certified") and the organisation's signatories are asked to countersign; an authorised
    signatory countersigns the certified copy, once it is ready (the document becomes "signed").
    One signature per side; the signed copy is then prepared in the background. The document
    is locked by the caller, so two signers racing sign one after the other."""
    annex = document if isinstance(document, PeopleAnnex) else None
    if side == Side.ORGANISATION:
        if not is_authorised_signatory(actor, agreement.organisation):
            raise DomainError(_("Only an authorised signatory of the organisation signs for it."))
        _require_certified_copy(document)
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                agreement=agreement, annex=annex, version=version, side=side, signer=actor
            )
    except IntegrityError:
        raise DomainError(_("Your side has signed already.")) from None
    to = Agreement.Status.CERTIFIED if side == Side.ADMINISTRATION else Agreement.Status.SIGNED
    document.pdf_status = PdfStatus.PENDING
    document.pdf_error = ""
    extra = (*extra_fields, "pdf_status", "pdf_error")
    if to == Agreement.Status.SIGNED:
        document.signed_at = signature.signed_at
        extra = (*extra, "signed_at")
    # Both state machines go from "certified" to "signed"; each is checked against its own.
    transitions = cast("Mapping[str, set[str]]", document.TRANSITIONS)
    transition(
        document,
        to,
        actor=actor,
        transitions=transitions,
        extra_fields=extra,
        details={**(details or {}), "side": side},
    )
    if to == Agreement.Status.CERTIFIED:
        _cancel_reminders_to_sign(document, "certification")
        _remind_to_sign(document, _signatories(agreement), "signature", awaited)
    else:
        _cancel_reminders_to_sign(document, "signature")
    documents.pdf_request(document)
    return signature


@transaction.atomic
def agreement_sign(*, actor: User, agreement: Agreement, side: str) -> Signature:
    """Sign the agreed text for one side, in order: the administration's director certifies
    first, once both sides have approved it; then an authorised signatory of the organisation
    countersigns, and the MoU is in force from its first day. Who may sign and the step-up
    (password and code, just before) are checked by the page; the order and the state here.
    Two signers racing are serialised by the lock on the MoU: one signature each, in order.

    Each signature asks for the signed copy (``documents``), prepared in the background: the
    certified file first, which the organisation countersigns, so not before it is ready."""
    agreement = _locked(agreement)
    version = agreement.versions.order_by("-number").first()
    if side == Side.ADMINISTRATION:
        if agreement.status != Agreement.Status.AGREED:
            raise DomainError(
                _("The administration signs an agreed text, once, before the organisation.")
            )
        if version is None or agreement.approvals.filter(version=version).count() < 2:
            raise DomainError(_("Both sides must approve the agreed text before it is signed."))
    elif agreement.status == Agreement.Status.AGREED:
        raise DomainError(_("The administration signs first; the organisation then countersigns."))
    elif agreement.status != Agreement.Status.CERTIFIED:
        raise DomainError(
            _("There is nothing to sign: the MoU is “%(status)s”.")
            % {"status": agreement.get_status_display()}
        )
    # The reference is given at certification: the certified file carries it, and the
    # countersignature may only add to that file.
    agreement.reference = agreement.reference or _next_reference(agreement)
    details: dict[str, object] = {"version": version.number if version else None}
    translated: AgreementTranslation | None = None
    main_language = agreement.administration.main_language
    if side == Side.ORGANISATION and main_language != agreement.language:
        # The administration reads its MoUs in its main language: a copy in it is made as soon
        # as the MoU is signed (undone with the rest if the signature is refused).
        translated, _created = AgreementTranslation.objects.get_or_create(
            agreement=agreement, language=main_language
        )
        details["translation"] = main_language
    signature = _sign_in_turn(
        actor=actor,
        document=agreement,
        agreement=agreement,
        side=side,
        version=version,
        extra_fields=("reference",),
        details=details,
        awaited=_Awaited(
            subject=gettext_lazy("The MoU “%(title)s” awaits your signature"),
            body=gettext_lazy("The administration has signed. Sign for %(organisation)s."),
            params={"title": agreement.title, "organisation": agreement.organisation.name},
        ),
    )
    if agreement.status == Agreement.Status.SIGNED:
        if agreement.supersedes_id is not None:
            previous = _locked(Agreement(pk=agreement.supersedes_id))
            transition(
                previous,
                Agreement.Status.SUPERSEDED,
                actor=actor,
                transitions=Agreement.TRANSITIONS,
                details={"amendment": agreement.pk},
            )
            notify.cancel(key=notify.reminder_key(previous))
        remind_expiry(agreement)
    if translated is not None:
        documents.agreement_translation_request(translated)
    return signature


def _pdf_retry(*, actor: User, document: Signed) -> None:
    if document.pdf_status != PdfStatus.FAILED:
        raise DomainError(
            _("The signed copy is ready or being prepared: there is nothing to retry.")
        )
    document.pdf_status = PdfStatus.PENDING
    document.pdf_error = ""
    document.save(update_fields=["pdf_status", "pdf_error"])
    audit_record(actor=actor, action=f"{document._meta.model_name}.pdf_requested", target=document)
    documents.pdf_request(document)


@transaction.atomic
def agreement_pdf_retry(*, actor: User, agreement: Agreement) -> Agreement:
    """Ask again for a signed copy that could not be prepared, once what stopped it is put
    right (the signing authority created, a signer's key restored)."""
    agreement = _locked(agreement)
    _pdf_retry(actor=actor, document=agreement)
    return agreement


@transaction.atomic
def agreement_translation_request(
    *, actor: User, agreement: Agreement, language: str
) -> AgreementTranslation:
    """Ask for a copy of a signed MoU in another language, for reading; or ask again for one
    that could not be prepared. The copy is made in the background from the signed version and
    is not signed: the signed original, in the MoU's language, stays the MoU."""
    agreement = _locked(agreement)
    if agreement.signed_at is None:
        raise DomainError(
            _("Only a signed MoU has copies in other languages; this one is “%(status)s”.")
            % {"status": agreement.get_status_display()}
        )
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Choose one of the languages offered."), field="language")
    name = language_name(language)
    if language == agreement.language:
        raise DomainError(
            _("The signed MoU is in %(language)s: download the signed copy.") % {"language": name}
        )
    copy = (
        AgreementTranslation.objects.select_for_update()
        .filter(agreement=agreement, language=language)
        .first()
    )
    if copy is None:
        copy = AgreementTranslation.objects.create(
            agreement=agreement, language=language, requested_by=actor
        )
    elif copy.status == PdfStatus.FAILED:
        copy.status = PdfStatus.PENDING
        copy.error = ""
        copy.requested_by = actor
        copy.requested_at = timezone.now()
        copy.save(update_fields=["status", "error", "requested_by", "requested_at"])
    elif copy.status == PdfStatus.READY:
        raise DomainError(_("The copy in %(language)s is ready: download it.") % {"language": name})
    else:
        raise DomainError(
            _("The copy in %(language)s is being prepared already.") % {"language": name}
        )
    audit_record(
        actor=actor,
        action="agreement.translation_requested",
        target=agreement,
        changes={"translation": language},
    )
    documents.agreement_translation_request(copy)
    return copy


def _require_certified_copy(document: Signed) -> None:
    """The organisation countersigns the very file the administration certified: not before
    that file is ready."""
    if document.pdf_status == PdfStatus.READY and document.pdf:
        return
    if document.pdf_status == PdfStatus.FAILED:
        raise DomainError(
            _(
                "The copy certified by the administration could not be prepared, so it cannot be "
                "countersigned yet: %(error)s"
            )
            % {"error": document.pdf_error}
        )
    raise DomainError(
        _(
            "The copy certified by the administration is still being prepared. Countersign once "
            "the page offers it for download."
        )
    )


# People annexes -----------------------------------------------------------------------------------


def _locked_annex(annex: PeopleAnnex) -> tuple[Agreement, PeopleAnnex]:
    """The annex's MoU and the annex, locked in that order (as every service that changes
    either locks them)."""
    agreement = _locked(annex.agreement)
    return agreement, PeopleAnnex.objects.select_for_update().get(pk=annex.pk)


def _names(people: Iterable[Person]) -> str:
    return ", ".join(sorted(person.full_name for person in people))


def _require_in_force(agreement: Agreement, message: str) -> None:
    """``message`` says what cannot be done, naming the MoU's ``status``."""
    if not agreement_in_force(agreement):
        raise DomainError(message % {"status": agreement_display_status(agreement)})


def annex_problems(
    agreement: Agreement, added: list[Person], removed: list[Person]
) -> dict[str, str]:
    """Why this change of people cannot be proposed, by field: each names the people who are
    not cleared, already allowed to enter, or not named. Empty when it can."""
    problems: dict[str, str] = {}
    if not added and not removed:
        problems["added"] = _("Choose at least one person to add or to remove.")
        return problems
    both = {p.pk for p in added} & {p.pk for p in removed}
    if both:
        problems["removed"] = _("Nobody can be both added and removed: %(names)s.") % {
            "names": _names(p for p in removed if p.pk in both)
        }
        return problems
    named = people_in_force_ids(agreement)
    already = [p for p in added if p.pk in named]
    cleared = set(people_who_may_be_named(agreement).values_list("pk", flat=True))
    uncleared = [p for p in added if p.pk not in cleared and p.pk not in named]
    if uncleared:
        problems["added"] = _(
            "Not cleared by %(administration)s for the organisation: %(names)s. Only cleared "
            "people can be allowed to enter."
        ) % {"administration": agreement.administration.name, "names": _names(uncleared)}
    elif already:
        problems["added"] = _("Already allowed to enter under the MoU: %(names)s.") % {
            "names": _names(already)
        }
    unnamed = [p for p in removed if p.pk not in named]
    if unnamed:
        problems["removed"] = _("Not named in the MoU, so they cannot be removed: %(names)s.") % {
            "names": _names(unnamed)
        }
    elif not problems and not ((named - {p.pk for p in removed}) | {p.pk for p in added}):
        problems["removed"] = _(
            "The MoU would allow nobody to enter. Add the people who take over in the same annex."
        )
    return problems


@transaction.atomic
def annex_draft(
    *,
    actor: User,
    agreement: Agreement,
    side: str,
    added: Iterable[Person] = (),
    removed: Iterable[Person] = (),
) -> PeopleAnnex:
    """Propose a people annex of an MoU in force: people to add, whom the administration has
    cleared for the organisation (or a member organisation it covers), and people to remove,
    whom the MoU names now. Nothing else of the MoU changes. Either side's negotiators propose;
    the administration's director signs first, then the organisation's signatory. One annex
    at a time, and none while an amendment is being negotiated (it would carry the people)."""
    agreement = _locked(agreement)
    added, removed = list(added), list(removed)
    _require_in_force(
        agreement,
        _(
            "The MoU is “%(status)s”: only an MoU in force has the people it allows to enter "
            "changed by an annex."
        ),
    )
    if agreement.amendments.filter(status__in=Agreement.OPEN_STATUSES).exists():
        raise DomainError(
            _(
                "An amendment of this MoU is being negotiated: change the people in the amendment "
                "instead."
            )
        )
    open_annex = agreement.annexes.filter(status__in=PeopleAnnex.OPEN_STATUSES).first()
    if open_annex is not None:
        raise DomainError(
            _("Annex %(number)s of this MoU is still open: sign or withdraw it first.")
            % {"number": open_annex.number}
        )
    problems = annex_problems(agreement, added, removed)
    if problems:
        field_name, message = next(iter(problems.items()))
        raise DomainError(message, field=field_name)
    number = (agreement.annexes.aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            annex = PeopleAnnex.objects.create(agreement=agreement, number=number, created_by=actor)
    except IntegrityError:
        raise DomainError(_("Another annex of this MoU was proposed at the same time.")) from None
    annex.added.set(added)
    annex.removed.set(removed)
    audit_record(
        actor=actor,
        action="peopleannex.proposed",
        target=annex,
        changes={
            "side": side,
            "added": sorted(p.full_name for p in added),
            "removed": sorted(p.full_name for p in removed),
        },
    )
    directors = [
        user
        for user in administration_users(agreement.administration, (Role.DIRECTOR,))
        if user.pk != actor.pk
    ]
    _remind_to_sign(
        annex,
        directors,
        "certification",
        _Awaited(
            subject=gettext_lazy("Annex %(number)s of the MoU “%(title)s” awaits your signature"),
            body=gettext_lazy(
                "It changes the people allowed to enter. Sign it for %(administration)s, or "
                "withdraw it."
            ),
            params={
                "number": annex.number,
                "title": agreement.title,
                "administration": agreement.administration.name,
            },
        ),
    )
    return annex


@transaction.atomic
def annex_withdraw(*, actor: User, annex: PeopleAnnex, reason: str) -> PeopleAnnex:
    """Withdraw a people annex before both sides have signed it, with the reason both sides
    read: its proposer thought better of it, or the other side will not sign it."""
    _agreement, annex = _locked_annex(annex)
    if annex.status == PeopleAnnex.Status.SIGNED:
        raise DomainError(
            _("A signed annex stays part of the MoU: propose a new annex to change the people.")
        )
    _end(annex, PeopleAnnex.Status.WITHDRAWN, actor=actor, reason=reason)
    return annex


@transaction.atomic
def annex_sign(*, actor: User, annex: PeopleAnnex, side: str) -> Signature:
    """Sign a people annex for one side, as the MoU is signed: the administration's director
    certifies first, then an authorised signatory of the organisation countersigns the certified
    copy, and the change applies from then on (``selectors.people_in_force``). Who may sign and
    the step-up are checked by the page; the order and the state here. Only while the MoU is in
    force."""
    agreement, annex = _locked_annex(annex)
    if annex.status not in PeopleAnnex.OPEN_STATUSES:
        raise DomainError(
            _("There is nothing to sign: the annex is “%(status)s”.")
            % {"status": annex.get_status_display()}
        )
    if side == Side.ADMINISTRATION and annex.status != PeopleAnnex.Status.DRAFT:
        raise DomainError(_("The administration has signed this annex already."))
    if side == Side.ORGANISATION and annex.status == PeopleAnnex.Status.DRAFT:
        raise DomainError(_("The administration signs first; the organisation then countersigns."))
    _require_in_force(
        agreement, _("The MoU is “%(status)s”: an annex is signed only while the MoU is in force.")
    )
    return _sign_in_turn(
        actor=actor,
        document=annex,
        agreement=agreement,
        side=side,
        details={"number": annex.number},
        awaited=_Awaited(
            subject=gettext_lazy("Annex %(number)s of the MoU “%(title)s” awaits your signature"),
            body=gettext_lazy(
                "The administration has signed the change of people. Sign for %(organisation)s."
            ),
            params={
                "number": annex.number,
                "title": agreement.title,
                "organisation": agreement.organisation.name,
            },
        ),
    )


@transaction.atomic
def annex_pdf_retry(*, actor: User, annex: PeopleAnnex) -> PeopleAnnex:
    """Ask again for an annex's signed copy that could not be prepared."""
    _agreement, annex = _locked_annex(annex)
    _pdf_retry(actor=actor, document=annex)
    return annex


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
