"""Who may see and do what with MoUs.

Two sides negotiate. The administration's side is its directors and coordinators; the
organisation's side is its administrators (its members read). A draft stays with the side that
started it until it is shared. A network's MoU is read by the member organisations it covers.
Facility visits officers read the MoUs that name their facility once signed, since they apply
them; staff asked for their view read the draft they were consulted on. Nobody else sees an MoU,
and a second administration sees nothing of the first's.

The clause library and the MoU templates an administration drafts from are written by its
director and read by its coordinators; nobody else sees them.

Roles come from memberships. What the state allows (a signed MoU no longer changes) is a rule of
the services; here are who-may rules only.
"""

from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from activity.permissions import Rule, deny, get_for_user, not_found
from activity.typing import AnyUser
from directory.models import Administration, Facility, Organisation, Role
from directory.permissions import administration_ids, facility_ids, organisation_ids

from .models import Agreement, Clause, Comment, Consultation, PeopleAnnex, Side, Signatory, Template

#: Who speaks for each side.
ADMINISTRATION_NEGOTIATORS = (Role.DIRECTOR, Role.COORDINATOR)
ORGANISATION_NEGOTIATORS = (Role.NGO_ADMIN,)
ORGANISATION_READERS = (Role.NGO_ADMIN, Role.NGO_MEMBER)

#: Statuses in which the MoU applies at a facility, for the facility's officers to read.
_APPLIED = (Agreement.Status.CERTIFIED, Agreement.Status.SIGNED, Agreement.Status.TERMINATED)


def _negotiating_administrations(user: AnyUser) -> set[int]:
    return administration_ids(user, ADMINISTRATION_NEGOTIATORS)


def agreements_for_user(user: AnyUser) -> QuerySet[Agreement]:
    """The MoUs the user may see. The administration's MoUs are one clause; what the user sees
    as an organisation, a facility officer or consulted staff is a few rows, gathered as one set
    of ids with each part read from its own index (ORed together, they made the database read
    every MoU to find an organisation's five, and sort all the administration's MoUs for a page
    of fifty)."""
    if not user.is_authenticated:
        return Agreement.objects.none()
    shared = ~Q(status=Agreement.Status.DRAFT)
    clauses: list[Q] = []
    narrow: list[QuerySet[Any]] = []
    consulted = Consultation.objects.filter(staff=user)
    administrations = _negotiating_administrations(user)
    if administrations:
        clauses.append(Q(administration__in=administrations))
        # Consulted by another administration (rare): its ids, read first, so that the list
        # walks the administration's MoUs in order along their index.
        elsewhere = consulted.exclude(agreement__administration__in=administrations)
        elsewhere_ids = list(elsewhere.values_list("agreement", flat=True))
        if elsewhere_ids:
            clauses.append(Q(pk__in=elsewhere_ids))
    else:
        # Each part of a UNION unordered: SQLite (the demo's database) refuses an ORDER BY there.
        narrow.append(consulted.order_by().values("agreement"))
    organisations = organisation_ids(user, ORGANISATION_READERS)
    if organisations:
        own = Q(organisation__in=organisations) & (shared | Q(started_by_side=Side.ORGANISATION))
        narrow.append(Agreement.objects.filter(own).order_by().values("pk"))
        covered = Agreement.objects.filter(shared, member_organisations__in=organisations)
        narrow.append(covered.order_by().values("pk"))
    facilities = facility_ids(user, (Role.FACILITY_OFFICER,))
    if facilities:
        naming = Agreement.objects.filter(facilities__in=facilities, status__in=_APPLIED)
        narrow.append(naming.order_by().values("pk"))
    if narrow:
        clauses.append(Q(pk__in=narrow[0].union(*narrow[1:])))
    visible = clauses[0]
    for clause in clauses[1:]:
        visible |= clause
    return Agreement.objects.filter(visible)


def side_of(user: AnyUser, agreement: Agreement) -> str | None:
    """The side of the negotiation the user speaks for, if any."""
    if agreement.administration_id in _negotiating_administrations(user):
        return Side.ADMINISTRATION
    if agreement.organisation_id in organisation_ids(user, ORGANISATION_NEGOTIATORS):
        return Side.ORGANISATION
    return None


def reader_side(user: AnyUser, agreement: Agreement) -> str | None:
    """The side whose internal notes the user reads: the negotiators and, on the
    organisation's side, its members too."""
    side = side_of(user, agreement)
    if side is not None:
        return side
    if agreement.organisation_id in organisation_ids(user, ORGANISATION_READERS):
        return Side.ORGANISATION
    return None


def get_agreement_for_user(user: AnyUser, pk: int, *, action: str = "view") -> Agreement:
    """The MoU, if the user may see it (else 404) and do ``action`` on it (else 403)."""
    agreement = (
        agreements_for_user(user)
        .filter(pk=pk)
        .select_related("administration", "organisation", "template")
        .first()
    )
    if agreement is None:
        raise not_found(user, f"agreement.{action}", Agreement.objects.filter(pk=pk).first())
    rule = _ACTION_RULES.get(action)
    if rule is not None:
        allowed, reason = rule
        if not allowed(user, agreement):
            raise deny(user, f"agreement.{action}", agreement, str(reason))
    return agreement


def can_negotiate_agreement(user: AnyUser, agreement: Agreement) -> bool:
    """Comment, suggest wording, take positions on clauses, set the terms and share versions:
    the negotiators of either side."""
    return side_of(user, agreement) is not None


def can_consult_on_agreement(user: AnyUser, agreement: Agreement) -> bool:
    """Ask facility staff for their view: the administration's negotiators."""
    return side_of(user, agreement) == Side.ADMINISTRATION


def can_approve_agreement(user: AnyUser, agreement: Agreement) -> bool:
    """Approve the agreed text for one's side: the director for the administration, an
    administrator for the organisation."""
    side = side_of(user, agreement)
    if side == Side.ADMINISTRATION:
        return agreement.administration_id in administration_ids(user, (Role.DIRECTOR,))
    return side == Side.ORGANISATION


def can_certify_agreement(user: AnyUser, agreement: Agreement) -> bool:
    """Sign first, certifying the MoU for the administration: its director."""
    return agreement.administration_id in administration_ids(user, (Role.DIRECTOR,))


def can_countersign_agreement(user: AnyUser, agreement: Agreement) -> bool:
    """Countersign for the organisation: a person it authorised to sign for it."""
    return (
        user.is_authenticated
        and Signatory.objects.active()
        .filter(organisation_id=agreement.organisation_id, user=user)
        .exists()
    )


def is_signatory(user: AnyUser) -> bool:
    """Whether the user may sign MoUs for an organisation: they must sign in with a second
    factor (registered with the directory in ``AppConfig.ready``)."""
    return user.is_authenticated and Signatory.objects.active().filter(user=user).exists()


def can_manage_signatories(user: AnyUser, organisation: Organisation) -> bool:
    """Authorise people to sign for the organisation, or withdraw it: its administrators."""
    return organisation.pk in organisation_ids(user, (Role.NGO_ADMIN,))


def can_start_agreement(user: AnyUser, organisation: Organisation | None = None) -> bool:
    """Directors and coordinators start MoUs with organisations; an organisation's
    administrators start one for their organisation."""
    if _negotiating_administrations(user):
        return True
    own = organisation_ids(user, ORGANISATION_NEGOTIATORS)
    return bool(own) if organisation is None else organisation.pk in own


_ACTION_RULES = {
    "negotiate": (
        can_negotiate_agreement,
        _("Only the negotiators of the two sides can change the MoU."),
    ),
    "consult": (
        can_consult_on_agreement,
        _("Only the administration's negotiators consult its staff."),
    ),
    "approve": (
        can_approve_agreement,
        _(
            "Only the director approves for the administration, and the organisation's "
            "administrators for the organisation."
        ),
    ),
    "certify": (
        can_certify_agreement,
        _("Only the administration's director signs the MoU for the administration."),
    ),
    "countersign": (
        can_countersign_agreement,
        _("Only a person the organisation authorised to sign countersigns the MoU for it."),
    ),
    "propose_annex": (
        can_negotiate_agreement,
        _("Only the negotiators of the two sides propose a change of the people allowed to enter."),
    ),
}


@dataclass(frozen=True)
class AgreementActions:
    """What the MoU page may offer the user; the services still check the state."""

    side: str | None
    negotiate: bool
    consult: bool
    approve: bool
    certify: bool
    countersign: bool


def agreement_actions(user: AnyUser, agreement: Agreement) -> AgreementActions:
    return AgreementActions(
        side=side_of(user, agreement),
        negotiate=can_negotiate_agreement(user, agreement),
        consult=can_consult_on_agreement(user, agreement),
        approve=can_approve_agreement(user, agreement),
        certify=can_certify_agreement(user, agreement),
        countersign=can_countersign_agreement(user, agreement),
    )


# People annexes ---------------------------------------------------------------------------------


def annexes_for_user(user: AnyUser) -> QuerySet[PeopleAnnex]:
    """The people annexes the user may see: those of the MoUs they see."""
    return PeopleAnnex.objects.filter(agreement__in=agreements_for_user(user))


_ANNEX_RULES: dict[str, Rule[PeopleAnnex]] = {
    "withdraw": Rule(
        lambda user, annex: can_negotiate_agreement(user, annex.agreement),
        "peopleannex.withdraw",
        _("Only the negotiators of the two sides withdraw a people annex."),
    ),
    "retry": Rule(
        lambda user, annex: can_negotiate_agreement(user, annex.agreement),
        "peopleannex.retry",
        _("Only the negotiators of the two sides ask for the signed copy again."),
    ),
    "certify": Rule(
        lambda user, annex: can_certify_agreement(user, annex.agreement),
        "peopleannex.certify",
        _("Only the administration's director signs a people annex for the administration."),
    ),
    "countersign": Rule(
        lambda user, annex: can_countersign_agreement(user, annex.agreement),
        "peopleannex.countersign",
        _("Only a person the organisation authorised to sign countersigns a people annex for it."),
    ),
}


def get_annex_for_user(user: AnyUser, pk: int, *, action: str = "view") -> PeopleAnnex:
    """The people annex, if the user may see its MoU (else 404) and do ``action`` on it (else
    403, with the reason)."""
    return get_for_user(
        user,
        annexes_for_user(user).select_related(
            "agreement__administration", "agreement__organisation", "created_by"
        ),
        pk,
        entity="peopleannex",
        action=action,
        rules=_ANNEX_RULES,
    )


@dataclass(frozen=True)
class AnnexActions:
    """What a people annex's page may offer the user; the services still check the state."""

    side: str | None
    withdraw: bool
    certify: bool
    countersign: bool


def annex_actions(user: AnyUser, annex: PeopleAnnex) -> AnnexActions:
    agreement = annex.agreement
    return AnnexActions(
        side=side_of(user, agreement),
        withdraw=can_negotiate_agreement(user, agreement),
        certify=can_certify_agreement(user, agreement),
        countersign=can_countersign_agreement(user, agreement),
    )


# Comments and consultations ------------------------------------------------------------------


def comments_for_user(user: AnyUser, agreement: Agreement) -> QuerySet[Comment]:
    """The comments on the MoU's clauses the user may read: all but the other side's
    internal notes."""
    side = reader_side(user, agreement)
    comments = Comment.objects.filter(clause__agreement=agreement)
    if side is None:
        return comments.filter(internal=False)
    return comments.filter(Q(internal=False) | Q(side=side))


def consultations_for_user(user: AnyUser, agreement: Agreement) -> QuerySet[Consultation]:
    """The administration's negotiators read every consultation on the MoU; a staff member
    reads the ones they were asked."""
    consultations = Consultation.objects.filter(agreement=agreement)
    if can_consult_on_agreement(user, agreement):
        return consultations
    if not user.is_authenticated:
        return consultations.none()
    return consultations.filter(staff=user)


# The coordination map ---------------------------------------------------------------------


def can_view_coordination_map(user: AnyUser) -> bool:
    """The administration's staff see who does what where in their facilities."""
    return bool(administration_ids(user))


def map_facilities_for_user(user: AnyUser) -> QuerySet[Facility]:
    """The facilities the user's coordination map covers: their administrations'."""
    return Facility.objects.filter(administration__in=administration_ids(user))


# The clause library and the templates --------------------------------------------------------

#: Who writes an administration's clause library and templates, and who reads them.
LIBRARY_EDITORS = (Role.DIRECTOR,)
LIBRARY_READERS = (Role.DIRECTOR, Role.COORDINATOR)

ONLY_THE_DIRECTOR_CHANGES_THE_LIBRARY = _(
    "Only the director changes the clause library and the MoU templates."
)


def library_administrations_for_user(user: AnyUser) -> QuerySet[Administration]:
    """The administrations whose clause library the user reads."""
    return Administration.objects.filter(pk__in=administration_ids(user, LIBRARY_READERS))


def can_view_library(user: AnyUser) -> bool:
    """The directors and coordinators of an administration read its library."""
    return bool(administration_ids(user, LIBRARY_READERS))


def can_change_library(user: AnyUser, administration: Administration) -> bool:
    """The director writes the clause library and the templates of their administration."""
    return administration.pk in administration_ids(user, LIBRARY_EDITORS)


_LIBRARY_RULES: dict[str, Rule[Administration]] = {
    "change": Rule(
        can_change_library, "clause_library.change", ONLY_THE_DIRECTOR_CHANGES_THE_LIBRARY
    ),
}


def get_library_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "change"] = "view"
) -> Administration:
    """The administration ``pk``, if the user reads its library (else not found) and, for
    "change", writes it (else refused)."""
    return get_for_user(
        user,
        library_administrations_for_user(user),
        pk,
        entity="clause_library",
        action=action,
        rules=_LIBRARY_RULES,
    )


def clauses_for_user(user: AnyUser) -> QuerySet[Clause]:
    """The clauses of the libraries the user reads."""
    return Clause.objects.filter(
        administration__in=administration_ids(user, LIBRARY_READERS)
    ).select_related("administration")


def can_change_clause(user: AnyUser, clause: Clause) -> bool:
    """Word a clause anew, rename it, make it mandatory or optional: the director."""
    return clause.administration_id in administration_ids(user, LIBRARY_EDITORS)


_CLAUSE_RULES: dict[str, Rule[Clause]] = {
    "change": Rule(can_change_clause, "clause.change", ONLY_THE_DIRECTOR_CHANGES_THE_LIBRARY),
}


def get_clause_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "change"] = "view"
) -> Clause:
    return get_for_user(
        user, clauses_for_user(user), pk, entity="clause", action=action, rules=_CLAUSE_RULES
    )


@dataclass(frozen=True)
class ClauseActions:
    """What a clause's page offers the user."""

    # Word it anew, rename it, make it mandatory or optional.
    edit: bool = False


def clause_actions(user: AnyUser, clause: Clause) -> ClauseActions:
    return ClauseActions(edit=can_change_clause(user, clause))


def templates_for_user(user: AnyUser) -> QuerySet[Template]:
    """The MoU templates of the libraries the user reads, those no longer offered included."""
    return Template.objects.filter(
        administration__in=administration_ids(user, LIBRARY_READERS)
    ).select_related("administration")


def can_change_template(user: AnyUser, template: Template) -> bool:
    """Rename a template, offer it or not, choose and order its clauses: the director."""
    return template.administration_id in administration_ids(user, LIBRARY_EDITORS)


_TEMPLATE_RULES: dict[str, Rule[Template]] = {
    "change": Rule(can_change_template, "template.change", ONLY_THE_DIRECTOR_CHANGES_THE_LIBRARY),
}


def get_template_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "change"] = "view"
) -> Template:
    return get_for_user(
        user,
        templates_for_user(user),
        pk,
        entity="template",
        action=action,
        rules=_TEMPLATE_RULES,
    )


@dataclass(frozen=True)
class TemplateActions:
    """What a template's page offers the user."""

    # Rename it, offer it or not, add, remove and move its clauses.
    edit: bool = False


def template_actions(user: AnyUser, template: Template) -> TemplateActions:
    return TemplateActions(edit=can_change_template(user, template))
