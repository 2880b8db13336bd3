"""People annexes: changing, after an MoU is signed, the people it lets in, signed by both sides
as the MoU was."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activity.errors import DomainError
from activity.services import audit_record
from activity.typing import User
from directory.models import Person, Role
from directory.selectors import administration_users, earliest_local_date

from .. import effects
from ..models import Agreement, PeopleAnnex, Side, Signature
from ..selectors import (
    agreement_display_status,
    agreement_in_force,
    people_in_force_ids,
    people_who_may_be_named,
)
from ._common import _end, _locked
from .signing import _Awaited, _pdf_retry, _remind_to_sign, _sign_in_turn


def _locked_annex(annex: PeopleAnnex) -> tuple[Agreement, PeopleAnnex]:
    """The annex's MoU and the annex, locked in that order (as every service that changes
    either locks them)."""
    agreement = _locked(annex.agreement)
    return agreement, PeopleAnnex.objects.select_for_update().get(pk=annex.pk)


def _names(people: Iterable[Person]) -> str:
    return ", ".join(sorted(person.full_name for person in people))


def _require_in_force(agreement: Agreement, message: str) -> None:
    """``message`` says what cannot be done, naming the MoU's ``status``. The MoU's last day
    lasts while it is that day at one of the administration's facilities."""
    if not agreement_in_force(agreement) and not agreement_in_force(
        agreement, earliest_local_date(agreement.administration_id)
    ):
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
    force. Once both sides have signed, the people it removes are published through
    ``agreements.effects`` (visits reviews the future visits naming them)."""
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
    signature = _sign_in_turn(
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
    if annex.status == PeopleAnnex.Status.SIGNED:
        effects.publish(
            effects.AgreementChange(
                agreement_id=agreement.pk,
                administration_id=agreement.administration_id,
                organisation_id=agreement.organisation_id,
                kind=effects.Kind.ANNEX_SIGNED,
                reason="",
                people_removed=tuple(sorted(annex.removed.values_list("pk", flat=True))),
                actor_id=actor.pk,
            )
        )
    return signature


@transaction.atomic
def annex_pdf_retry(*, actor: User, annex: PeopleAnnex) -> PeopleAnnex:
    """Ask again for an annex's signed copy that could not be prepared."""
    _agreement, annex = _locked_annex(annex)
    _pdf_retry(actor=actor, document=annex)
    return annex
