"""Reads of agreements: whether an MoU is in force, its terms in words, its clauses as the
parties read them, and the redline between two versions.

Visits and recommendations import only this module and the models of agreements."""

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from accreditation.models import Accreditation
from accreditation.selectors import accreditation_in_force
from activity.panels import Panel
from activity.typing import AnyUser
from directory.models import ActivityType, Area, Facility, Role
from directory.permissions import administration_ids, organisation_ids, roles

from .models import (
    Agreement,
    AgreementClause,
    AgreementVersion,
    Approval,
    Comment,
    Consultation,
    Equipment,
    Escort,
    Side,
    Variable,
    Weekday,
    fill_variables,
)
from .permissions import ADMINISTRATION_NEGOTIATORS, ORGANISATION_NEGOTIATORS
from .signing.verification import VerificationReport

# In force ---------------------------------------------------------------------------------------


def agreement_in_force(agreement: Agreement, on: date | None = None) -> bool:
    """An MoU is in force while it is signed, within its term, and the organisation's
    accreditation with the administration is in force: computed at the time of asking, so a
    suspended accreditation suspends the MoU at once and a reinstated one restores it."""
    on = on or timezone.localdate()
    return (
        agreement.is_within_term(on)
        and accreditation_in_force(agreement.organisation, agreement.administration, on) is not None
    )


def agreement_display_status(agreement: Agreement, on: date | None = None) -> str:
    """The status a person reads: a signed MoU whose term is over reads "Expired", one whose
    organisation's accreditation is not in force reads "Suspended"."""
    on = on or timezone.localdate()
    if agreement.status == Agreement.Status.SIGNED:
        if agreement.valid_until is not None and on > agreement.valid_until:
            return _("Expired")
        if not agreement_in_force(agreement, on):
            return _("Suspended: the organisation's accreditation is not in force")
        return _("In force")
    return str(agreement.get_status_display())


def accreditation_scope(agreement: Agreement) -> Accreditation | None:
    """The accreditation that bounds the MoU's terms: the organisation's, in force today."""
    return accreditation_in_force(agreement.organisation, agreement.administration)


# Terms in words ---------------------------------------------------------------------------------


def _join(items: list[str]) -> str:
    if not items:
        return _("none")
    # A comma as each language writes it between the items of a list.
    return _(", ").join(items)


def _area(area: Area) -> str:
    return f"{area.name} ({area.facility.name})"


def _yes_no(value: bool) -> str:
    return _("allowed") if value else _("not allowed")


def _date(value: date | None) -> str:
    return date_format(value, "DATE_FORMAT") if value else _("(to be agreed)")


def term_values(agreement: Agreement) -> dict[str, str]:
    """Each variable of the clause wording, in the active language, from the MoU's terms.

    Reads the MoU's many-to-many terms: prefetch them (``AGREEMENT_TERM_PREFETCH``) when
    rendering several MoUs."""
    people = sorted(person.full_name for person in agreement.people.all())
    return {
        Variable.ADMINISTRATION: agreement.administration.name,
        Variable.ORGANISATION: agreement.organisation.name,
        Variable.MEMBERS: _join(sorted(o.name for o in agreement.member_organisations.all())),
        Variable.FACILITIES: _join(sorted(f.name for f in agreement.facilities.all())),
        Variable.PEOPLE: _join(people),
        Variable.WEEKDAYS: _join([str(Weekday(day).label) for day in sorted(agreement.weekdays)]),
        Variable.HOURS: _("%(start)s to %(end)s")
        % {"start": time_format(agreement.day_starts), "end": time_format(agreement.day_ends)},
        Variable.VISITS_PER_WEEK: str(agreement.visits_per_week),
        Variable.VISITS_PER_MONTH: str(agreement.visits_per_month),
        Variable.ESCORT: str(Escort(agreement.escort).label),
        Variable.ACTIVITIES: _join(
            sorted(str(t.get_code_display()) for t in agreement.activity_types.all())
        ),
        Variable.PRIVATE_INTERVIEWS: _yes_no(agreement.private_interviews),
        Variable.PHOTOGRAPHS: _yes_no(agreement.photographs),
        Variable.EQUIPMENT: _join([str(Equipment(item).label) for item in agreement.equipment]),
        Variable.PERMITTED_AREAS: _join(sorted(_area(a) for a in agreement.permitted_areas.all())),
        Variable.FORBIDDEN_AREAS: _join(sorted(_area(a) for a in agreement.forbidden_areas.all())),
        Variable.RESPONSE_DAYS: str(agreement.response_days),
        Variable.VALID_FROM: _date(agreement.valid_from),
        Variable.VALID_UNTIL: _date(agreement.valid_until),
    }


def terms_data(agreement: Agreement) -> dict[str, Any]:
    """The terms as data, as embedded in the signed PDF and compared by the visits module:
    identifiers and codes, never words in one language."""
    return {
        "agreement": agreement.pk,
        "reference": agreement.reference,
        "administration": agreement.administration_id,
        "organisation": agreement.organisation_id,
        "member_organisations": sorted(o.pk for o in agreement.member_organisations.all()),
        "valid_from": agreement.valid_from.isoformat() if agreement.valid_from else None,
        "valid_until": agreement.valid_until.isoformat() if agreement.valid_until else None,
        "facilities": sorted(f.pk for f in agreement.facilities.all()),
        "permitted_areas": sorted(a.pk for a in agreement.permitted_areas.all()),
        "forbidden_areas": sorted(a.pk for a in agreement.forbidden_areas.all()),
        "people": sorted(p.pk for p in agreement.people.all()),
        "activity_types": sorted(t.code for t in agreement.activity_types.all()),
        "weekdays": sorted(agreement.weekdays),
        "day_starts": agreement.day_starts.isoformat(timespec="minutes"),
        "day_ends": agreement.day_ends.isoformat(timespec="minutes"),
        "visits_per_week": agreement.visits_per_week,
        "visits_per_month": agreement.visits_per_month,
        "equipment": sorted(agreement.equipment),
        "escort": agreement.escort,
        "private_interviews": agreement.private_interviews,
        "photographs": agreement.photographs,
        "response_days": agreement.response_days,
    }


#: What to prefetch to render the terms of MoUs without a query per MoU.
AGREEMENT_TERM_PREFETCH = (
    "member_organisations",
    "facilities",
    "people",
    "activity_types",
    "permitted_areas__facility",
    "forbidden_areas__facility",
)


# Clauses as the parties read them -------------------------------------------------------------


@dataclass(frozen=True)
class RenderedClause:
    clause: AgreementClause
    number: int
    title: str
    text: str


def rendered_clauses(agreement: Agreement) -> list[RenderedClause]:
    """The included clauses of the MoU, numbered, titled and with their variables filled from
    the terms, in the MoU's own language (whoever reads it: it is one document)."""
    clauses = list(
        agreement.clauses.filter(included=True)
        .select_related("clause_version__clause")
        .order_by("order")
    )
    with translation.override(agreement.language):
        values = term_values(agreement)
        return [
            RenderedClause(
                clause=clause,
                number=number,
                title=clause.clause_version.clause.title,
                text=fill_variables(clause.wording, values),
            )
            for number, clause in enumerate(clauses, start=1)
        ]


def snapshot(agreement: Agreement) -> dict[str, Any]:
    """What a version records: each clause's rendered text and status, and the terms."""
    return {
        "clauses": [
            {
                "clause": item.clause.clause_version.clause_id,
                "kind": item.clause.clause_version.clause.kind,
                "title": item.title,
                "text": item.text,
                "status": item.clause.status,
            }
            for item in rendered_clauses(agreement)
        ],
        "terms": terms_data(agreement),
    }


# Redline ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fragment:
    text: str
    change: str  # "", "added" or "removed"


@dataclass(frozen=True)
class ClauseChange:
    title: str
    change: str  # "", "added", "removed" or "changed"
    fragments: list[Fragment]


_WORDS = re.compile(r"\s+|[^\s]+")


def redline(older: AgreementVersion, newer: AgreementVersion) -> list[ClauseChange]:
    """The clauses of ``newer`` compared with ``older``, word by word: each clause marked as
    added, removed, changed or the same, and within it the words added and removed."""
    before = {item["clause"]: item for item in older.content["clauses"]}
    after = {item["clause"]: item for item in newer.content["clauses"]}
    changes: list[ClauseChange] = []
    for item in newer.content["clauses"]:
        old = before.get(item["clause"])
        if old is None:
            changes.append(ClauseChange(item["title"], "added", [Fragment(item["text"], "added")]))
            continue
        fragments = _word_diff(old["text"], item["text"])
        changed = any(fragment.change for fragment in fragments)
        changes.append(ClauseChange(item["title"], "changed" if changed else "", fragments))
    for item in older.content["clauses"]:
        if item["clause"] not in after:
            changes.append(
                ClauseChange(item["title"], "removed", [Fragment(item["text"], "removed")])
            )
    return changes


def _word_diff(old: str, new: str) -> list[Fragment]:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    fragments: list[Fragment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            fragments.append(Fragment("".join(a[i1:i2]), ""))
            continue
        if op in ("delete", "replace"):
            fragments.append(Fragment("".join(a[i1:i2]), "removed"))
        if op in ("insert", "replace"):
            fragments.append(Fragment("".join(b[j1:j2]), "added"))
    return fragments


def agreements_in_force(on: date | None = None) -> QuerySet[Agreement]:
    """MoUs in force on the day, as ``agreement_in_force`` says of one, in one query."""
    on = on or timezone.localdate()
    accredited = Accreditation.objects.filter(
        organisation=OuterRef("organisation"),
        decision__application__framework__administration=OuterRef("administration"),
        status=Accreditation.Status.ACTIVE,
        valid_from__lte=on,
        valid_until__gte=on,
    )
    return (
        Agreement.objects.within_term(on)
        .filter(Exists(accredited))
        .select_related("organisation", "administration")
    )


# The register, for the verification page -----------------------------------------------------


@dataclass(frozen=True)
class RegisterMatch:
    """How an uploaded PDF compares with the signed copies in the register."""

    #: The signed copy as the register keeps it.
    MATCHES = "matches"
    #: The copy the administration certified, since countersigned by the organisation.
    EARLIER = "earlier"
    #: A copy from the register, with something added to it after it was signed.
    ADDED_TO = "added_to"
    #: Not a copy of an MoU in the register.
    NONE = "none"

    kind: str
    agreement: Agreement | None = None
    #: The MoU's status as the register has it today, for a copy of it.
    status: str = ""

    @property
    def countersigned(self) -> bool:
        """The register's copy carries the organisation's signature too."""
        return self.agreement is not None and (
            self.agreement.pdf_sha256 != self.agreement.pdf_certified_sha256
        )


def register_match(report: VerificationReport) -> RegisterMatch:
    """Find the MoU an uploaded PDF is a copy of: by the identifier its embedded terms state,
    and then by the hash of the file against the signed copies the register keeps. An
    identifier alone proves nothing (anyone can write one), so an MoU is named only when the
    file, or what its signatures cover, is one of its copies."""
    identifier = report.identifier
    if not identifier or not report.signed:
        return RegisterMatch(RegisterMatch.NONE)
    candidates = (
        Agreement.objects.filter(reference=identifier)
        .exclude(pdf_sha256="")
        .select_related("administration", "organisation")
    )
    for agreement in candidates:
        kept = {agreement.pdf_sha256, agreement.pdf_certified_sha256}
        if report.sha256 == agreement.pdf_sha256:
            kind = RegisterMatch.MATCHES
        elif report.sha256 == agreement.pdf_certified_sha256:
            kind = RegisterMatch.EARLIER
        elif report.last_signed_sha256 in kept:
            kind = RegisterMatch.ADDED_TO
        else:
            continue
        return RegisterMatch(kind, agreement, agreement_display_status(agreement))
    return RegisterMatch(RegisterMatch.NONE)


# Coordination map -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapCell:
    activity: ActivityType
    organisations: list[str]

    @property
    def is_gap(self) -> bool:
        return not self.organisations

    @property
    def is_overlap(self) -> bool:
        return len(self.organisations) > 1


@dataclass(frozen=True)
class MapRow:
    facility: Facility
    cells: list[MapCell]


def coordination_map(
    facilities: Sequence[Facility], activities: Sequence[ActivityType], on: date | None = None
) -> list[MapRow]:
    """Who does what where, from the MoUs in force: for each facility and activity, the
    organisations whose MoU covers both. An empty cell is a gap; a cell with several
    organisations may be a duplication to coordinate. Three queries, whatever the size."""
    in_force = agreements_in_force(on).values("pk")
    facility_ids = [facility.pk for facility in facilities]
    by_agreement_facilities: dict[int, set[int]] = {}
    for agreement_id, facility_id in Agreement.facilities.through.objects.filter(
        agreement__in=in_force, facility__in=facility_ids
    ).values_list("agreement_id", "facility_id"):
        by_agreement_facilities.setdefault(agreement_id, set()).add(facility_id)
    names = dict(
        Agreement.objects.filter(pk__in=list(by_agreement_facilities)).values_list(
            "pk", "organisation__name"
        )
    )
    cells: dict[tuple[int, int], set[str]] = {}
    for agreement_id, activity_id in Agreement.activity_types.through.objects.filter(
        agreement__in=list(by_agreement_facilities)
    ).values_list("agreement_id", "activitytype_id"):
        for facility_id in by_agreement_facilities[agreement_id]:
            cells.setdefault((facility_id, activity_id), set()).add(names[agreement_id])
    return [
        MapRow(
            facility,
            [
                MapCell(activity, sorted(cells.get((facility.pk, activity.pk), set())))
                for activity in activities
            ],
        )
        for facility in facilities
    ]


# The dashboard ----------------------------------------------------------------------------------

#: How many MoUs the dashboard names; the list has them all.
AGREEMENTS_ON_DASHBOARD = 10


@dataclass(frozen=True)
class WaitingMou:
    agreement: Agreement
    reason: str


def _waiting_for_side(agreements: QuerySet[Agreement], side: str) -> list[WaitingMou]:
    """The MoUs waiting on ``side``, newest first, at most ``AGREEMENTS_ON_DASHBOARD``: a comment
    of the other side to answer, an agreed text to approve, for the organisation a text to
    countersign. Each reason is a query of its own over the MoUs in its statuses, which the
    database answers from the newest MoUs alone: one query joining the reasons by OR would read
    every comment of every MoU."""
    awaiting = Comment.objects.filter(internal=False, answered_at__isnull=True).exclude(side=side)
    # The approval of the latest version, the one agreed: an earlier round's does not count.
    latest = AgreementVersion.objects.filter(agreement=OuterRef(OuterRef("pk"))).order_by("-number")
    approved = Approval.objects.filter(
        agreement=OuterRef("pk"), side=side, version=Subquery(latest.values("pk")[:1])
    )
    newest = agreements.select_related("organisation").order_by("-created_at", "-id")
    reasons = [
        (
            _("A comment awaits your answer"),
            newest.filter(
                Exists(awaiting.filter(clause__agreement=OuterRef("pk"))),
                status__in=Agreement.NEGOTIABLE_STATUSES,
            ),
        ),
        (
            _("The agreed text awaits your side's approval"),
            newest.filter(~Exists(approved), status=Agreement.Status.AGREED),
        ),
    ]
    if side == Side.ORGANISATION:
        # Only the organisation countersigns a certified MoU.
        reasons.append(
            (
                _("Awaiting the organisation's signature"),
                newest.filter(status=Agreement.Status.CERTIFIED),
            )
        )
    waiting: dict[int, WaitingMou] = {}
    for reason, queryset in reasons:
        for agreement in queryset[:AGREEMENTS_ON_DASHBOARD]:
            # A comment to answer comes first: the text cannot be approved before.
            waiting.setdefault(agreement.pk, WaitingMou(agreement, reason))
    return _newest(waiting.values())


def _newest(waiting: Iterable[WaitingMou]) -> list[WaitingMou]:
    return sorted(
        waiting, key=lambda item: (item.agreement.created_at, item.agreement.pk), reverse=True
    )[:AGREEMENTS_ON_DASHBOARD]


def waiting_on(user: AnyUser) -> list[WaitingMou]:
    """The MoUs waiting on the user's side: comments to answer, an agreed text to approve, a
    text to countersign; at most ``AGREEMENTS_ON_DASHBOARD``, the newest first."""
    administration_side = Agreement.objects.filter(
        administration__in=administration_ids(user, ADMINISTRATION_NEGOTIATORS)
    )
    organisation_side = Agreement.objects.filter(
        organisation__in=organisation_ids(user, ORGANISATION_NEGOTIATORS)
    ).exclude(status=Agreement.Status.DRAFT, started_by_side=Side.ADMINISTRATION)
    return _newest(
        [
            *_waiting_for_side(administration_side, Side.ADMINISTRATION),
            *_waiting_for_side(organisation_side, Side.ORGANISATION),
        ]
    )


def dashboard_panels(user: AnyUser) -> list[Panel]:
    """Agreements' panel: the MoUs waiting on the user, and the staff consultations that
    await their remarks."""
    if not user.is_authenticated:
        return []
    held = roles(user)
    negotiates = bool(held & {Role.DIRECTOR, Role.COORDINATOR, Role.NGO_ADMIN})
    # Only negotiators have MoUs waiting on them; only staff are consulted.
    waiting = waiting_on(user) if negotiates else []
    consultations = (
        list(
            Consultation.objects.filter(staff=user, answered_at__isnull=True).select_related(
                "agreement"
            )[:AGREEMENTS_ON_DASHBOARD]
        )
        if held - {Role.NGO_ADMIN, Role.NGO_MEMBER, Role.MONITOR}
        else []
    )
    if not (waiting or consultations or negotiates):
        return []
    return [
        Panel(
            "agreements/panels/waiting.html",
            {"waiting": waiting, "consultations": consultations},
            order=20,
        )
    ]
