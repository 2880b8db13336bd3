# The builder assembles rows as loosely typed dicts for COPY; their element types are not worth
# spelling out for mypy.
# mypy: disable-error-code="var-annotated,assignment,arg-type,call-overload,attr-defined"
"""The agreements part of the data set: MoUs at country scale over the organisations, facilities
and accreditations already built.

It reads what it builds on from the database (the directory, the accreditations and their
scope, the clearances), so it runs the same after the other steps of a fresh build and on a data
set built before agreements existed (``add_to_existing``). Every status is represented: drafts,
negotiations (one long one, with hundreds of comments over a dozen versions), agreed and
certified texts, MoUs in force, expired, suspended with the organisation's accreditation,
terminated, superseded by an amendment and withdrawn, each with its clauses (the shipped clause
library), versions, comments and suggested wording, staff consultations, approvals, signatures,
obligations and terms. The MoUs in force cover every activity of every facility, so that each
cell of the coordination map names an organisation.

An MoU's terms stay within its organisation's accreditation: where a facility is added to an MoU
to fill the map, it is added to the accredited application's scope too.
"""

import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.formats import date_format, time_format

from accreditation.models import Accreditation, Application, Clearance
from agreements.library import TEMPLATES, install_library
from agreements.models import (
    Agreement,
    AgreementClause,
    AgreementVersion,
    Approval,
    Clause,
    ClauseVersion,
    Comment,
    Consultation,
    Equipment,
    Escort,
    Obligation,
    PdfStatus,
    Side,
    Signatory,
    Signature,
    Template,
    TemplateClause,
    Weekday,
    fill_variables,
)
from directory.models import (
    ActivityType,
    Administration,
    Area,
    Facility,
    Membership,
    Organisation,
    Person,
    Role,
)

from .build import PERSONAS, Loader, World, _pick, reset_sequences

#: The tables this step fills, for the sequences and the planner's statistics.
MODELS: list[type[models.Model]] = [
    Agreement,
    Agreement.member_organisations.through,
    Agreement.facilities.through,
    Agreement.permitted_areas.through,
    Agreement.forbidden_areas.through,
    Agreement.people.through,
    Agreement.activity_types.through,
    AgreementClause,
    AgreementVersion,
    Comment,
    Consultation,
    Approval,
    Signature,
    Signatory,
    Obligation,
    Application.facilities.through,
    Application.activity_types.through,
]

#: The title of the long negotiation whose page is measured.
LONG_NEGOTIATION = "Education and legal aid in the detention centres"
LONG_VERSIONS = 12
LONG_COMMENTS = 240
#: The data set's record of this step when it was added to an existing data set.
ADDED_STEP = "agreements (added to the data set)"

#: Wording the parties add to a clause while negotiating: what the redline shows.
ADDITIONS = [
    "The Organisation informs the director of the facility of each visit in writing, at least "
    "two working days before it.",
    "Each party names a contact person for the day-to-day running of this clause and tells the "
    "other party when that person changes.",
    "The parties review the working of this clause together at the end of each year.",
    "Where a facility's rules are stricter than this clause, the facility's rules prevail, and "
    "the director tells the Organisation of them in advance.",
    "Any material brought into the facility is listed and shown at the gate on entry and exit.",
    "The Administration provides a room suited to the activity, with the furniture it needs.",
]
COMMENTS = [
    "Could we say which facility's director is meant here?",
    "Our volunteers cannot always give two days' notice; could it be one?",
    "This matches what we agreed at the meeting.",
    "We need to check this with the wardens first.",
    "Please keep the wording of the library here.",
    "The legal department asks for this sentence to stay.",
    "Agreed, with the change suggested below.",
    "Our board meets next month and will confirm.",
]
ANSWERS = ["Agreed.", "We accept this.", "We prefer the library's wording.", "Fine by us."]
QUESTIONS = [
    "Can the education wing host the classes twice a week?",
    "Is an escort available in the afternoon for these visits?",
    "Do you see any security concern with the equipment listed?",
]
REMARKS = [
    "The wing is free on Tuesday and Thursday afternoons.",
    "An escort can be arranged if the visit is announced the day before.",
    "No concern, provided the laptops stay in the classroom.",
]


@dataclass
class _Scope:
    """An organisation's accreditation with an administration: what its MoUs may cover."""

    organisation: int
    administration: int
    application: int
    status: str
    valid_from: date
    valid_until: date
    facilities: list[int]
    activities: list[int]

    def in_force(self, today: date) -> bool:
        return self.status == "active" and self.valid_from <= today <= self.valid_until

    def suspended(self, today: date) -> bool:
        return self.status in ("suspended", "revoked") and self.valid_from <= today


@dataclass
class _Mou:
    id: int
    scope: _Scope
    status: str
    kind: str  # in_force, expired, suspended, superseded, terminated, withdrawn, or the status
    created_at: datetime
    valid_from: date | None = None
    valid_until: date | None = None
    certified_at: datetime | None = None
    signed_at: datetime | None = None
    supersedes: int | None = None
    versions: int = 0
    comments: int = 0
    facilities: list[int] = field(default_factory=list)
    activities: list[int] = field(default_factory=list)
    title: str = ""
    started_by_side: str = Side.ADMINISTRATION
    reference: str = ""
    long: bool = False


@dataclass
class _Context:
    """What the MoUs are built on, read from the database."""

    today: date
    scopes: list[_Scope]
    admin_name: dict[int, str]
    facilities_of: dict[int, list[int]]
    facility_name: dict[int, str]
    areas_of: dict[int, list[tuple[int, str]]]
    organisation: dict[int, tuple[str, str, int | None]]  # name, kind, network
    members_of: dict[int, list[int]]
    people_of: dict[int, list[int]]
    person_name: dict[int, str]
    cleared: dict[tuple[int, int], list[int]]  # (organisation, administration) → people
    director: dict[int, int]
    coordinator: dict[int, int]
    org_admin: dict[int, int]
    org_member: dict[int, int]
    officer: dict[int, int]  # facility → its visits officer
    activity_code: dict[int, str]
    templates: dict[int, dict[str, int]]  # administration → "standard"/"faith" → template
    # template → [(order, clause version, mandatory, kind, title, wording)]
    template_clauses: dict[int, list[tuple[int, int, bool, str, str, str]]]
    persona_org: int
    persona_administration: int  # the director persona's


def _first_by(rows: Any) -> dict[int, int]:
    result: dict[int, int] = {}
    for key, value in rows:
        result.setdefault(key, value)
    return result


def _read(today: date) -> _Context:
    admins = dict(Administration.objects.order_by("id").values_list("id", "name"))
    facilities_of: dict[int, list[int]] = {}
    facility_name = {}
    for fid, admin, name in Facility.objects.order_by("id").values_list(
        "id", "administration_id", "name"
    ):
        facilities_of.setdefault(admin, []).append(fid)
        facility_name[fid] = name
    areas_of: dict[int, list[tuple[int, str]]] = {}
    for aid, fid, name in Area.objects.order_by("id").values_list("id", "facility_id", "name"):
        areas_of.setdefault(fid, []).append((aid, name))
    organisation = {
        oid: (name, kind, network)
        for oid, name, kind, network in Organisation.objects.values_list(
            "id", "name", "kind", "network_id"
        )
    }
    members_of: dict[int, list[int]] = {}
    for oid, (_name, _kind, network) in sorted(organisation.items()):
        if network:
            members_of.setdefault(network, []).append(oid)
    people_of: dict[int, list[int]] = {}
    person_name = {}
    for pid, oid, name in Person.objects.order_by("id").values_list(
        "id", "organisation_id", "full_name"
    ):
        people_of.setdefault(oid, []).append(pid)
        person_name[pid] = name
    organisation_of = {pid: oid for oid, pids in people_of.items() for pid in pids}
    cleared: dict[tuple[int, int], list[int]] = {}
    for pid, admin in Clearance.objects.filter(
        status=Clearance.Status.CLEARED, valid_from__lte=today, valid_until__gte=today
    ).values_list("person_id", "administration_id"):
        cleared.setdefault((organisation_of[pid], admin), []).append(pid)

    def users(role: str, scope: str) -> dict[int, int]:
        return _first_by(
            Membership.objects.filter(role=role).order_by("id").values_list(scope, "user_id")
        )

    app_facilities: dict[int, list[int]] = {}
    for app, fid in (
        Application.facilities.through.objects.order_by("id")
        .values_list("application_id", "facility_id")
        .iterator(chunk_size=20_000)
    ):
        app_facilities.setdefault(app, []).append(fid)
    app_activities: dict[int, list[int]] = {}
    for app, tid in (
        Application.activity_types.through.objects.order_by("id")
        .values_list("application_id", "activitytype_id")
        .iterator(chunk_size=20_000)
    ):
        app_activities.setdefault(app, []).append(tid)
    # Each organisation's accreditation with each administration: the one in force, else the
    # suspended one still within its term, else the latest.
    best: dict[tuple[int, int], _Scope] = {}

    def rank(s: _Scope) -> tuple[int, date]:
        return (2 if s.in_force(today) else 1 if s.suspended(today) else 0, s.valid_until)

    for oid, admin, app, status, valid_from, valid_until in (
        Accreditation.objects.order_by("id")
        .values_list(
            "organisation_id",
            "decision__application__administration_id",
            "decision__application_id",
            "status",
            "valid_from",
            "valid_until",
        )
        .iterator(chunk_size=20_000)
    ):
        scope = _Scope(
            oid,
            admin,
            app,
            status,
            valid_from,
            valid_until,
            list(app_facilities.get(app, [])),
            list(app_activities.get(app, [])),
        )
        if scope.status == "superseded" or not scope.facilities or not scope.activities:
            continue
        key = (oid, admin)
        if key not in best or rank(scope) > rank(best[key]):
            best[key] = scope

    templates: dict[int, dict[str, int]] = {}
    for admin in admins:
        standard = install_library(Administration.objects.get(pk=admin))
        faith = Template.objects.get(administration=admin, name_en=TEMPLATES[1].name["en"])
        templates[admin] = {"standard": standard.pk, "faith": faith.pk}
    version_of = {
        clause: (vid, wording)
        for clause, vid, wording in ClauseVersion.objects.order_by("clause_id", "number")
        .values_list("clause_id", "id", "wording_en")
        .iterator()
    }
    clause_info = {
        cid: (mandatory, kind, title)
        for cid, mandatory, kind, title in Clause.objects.values_list(
            "id", "mandatory", "kind", "title_en"
        )
    }
    template_clauses: dict[int, list[tuple[int, int, bool, str, str, str]]] = {}
    for template, clause, order in TemplateClause.objects.order_by(
        "template_id", "order"
    ).values_list("template_id", "clause_id", "order"):
        vid, wording = version_of[clause]
        mandatory, kind, title = clause_info[clause]
        template_clauses.setdefault(template, []).append(
            (order, vid, mandatory, kind, title, wording)
        )
    persona_org = (
        Membership.objects.filter(user__username=PERSONAS["ngo_admin"])
        .values_list("organisation_id", flat=True)
        .get()
    )
    persona_administration = Membership.objects.get(
        user__username=PERSONAS["director"], role=Role.DIRECTOR
    ).administration_id
    return _Context(
        today=today,
        scopes=sorted(best.values(), key=lambda s: (s.organisation, s.administration)),
        admin_name=admins,
        facilities_of=facilities_of,
        facility_name=facility_name,
        areas_of=areas_of,
        organisation=organisation,
        members_of=members_of,
        people_of=people_of,
        person_name=person_name,
        cleared=cleared,
        director=users(Role.DIRECTOR, "administration_id"),
        coordinator=users(Role.COORDINATOR, "administration_id"),
        org_admin=users(Role.NGO_ADMIN, "organisation_id"),
        org_member=users(Role.NGO_MEMBER, "organisation_id"),
        officer=users(Role.FACILITY_OFFICER, "facility_id"),
        activity_code=dict(ActivityType.objects.values_list("id", "code")),
        templates=templates,
        template_clauses=template_clauses,
        persona_org=persona_org,
        persona_administration=persona_administration,
    )


# Planning the MoUs --------------------------------------------------------------------------


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, clock(9), tzinfo=UTC) + timedelta(seconds=rng.randint(0, 28_800))


def _plan(c: _Context, w: World) -> list[_Mou]:
    """Which MoUs there are: for each organisation accredited with an administration, its MoU
    in force; then, to the size asked for, MoUs in every other status."""
    rng, today, total = w.rng, c.today, w.sizes.agreements
    in_force = [s for s in c.scopes if s.in_force(today)]
    suspended = [s for s in c.scopes if s.suspended(today)]
    everyone = list(c.scopes)
    mous: list[_Mou] = []
    open_amendment: set[int] = set()
    superseded_by: dict[int, _Mou] = {}
    current_of: dict[tuple[int, int], _Mou] = {}

    def new(scope: _Scope, status: str, kind: str) -> _Mou:
        mou = _Mou(
            id=len(mous) + 1,
            scope=scope,
            status=status,
            kind=kind,
            created_at=_at(today - timedelta(days=rng.randint(1, 150)), rng),
        )
        mous.append(mou)
        return mou

    def signed(mou: _Mou, valid_from: date, valid_until: date) -> None:
        mou.valid_from, mou.valid_until = valid_from, valid_until
        mou.signed_at = _at(valid_from - timedelta(days=rng.randint(1, 5)), rng)
        mou.certified_at = mou.signed_at - timedelta(days=rng.randint(1, 10))
        mou.created_at = mou.certified_at - timedelta(days=rng.randint(30, 150))
        mou.versions = rng.randint(2, 5)
        mou.comments = rng.randint(2, 10)

    # The long negotiation, between the director persona's administration and the NGO
    # administrator persona's organisation: both read it. (In a data set of reduced scale the
    # organisation may have applied to the other administration only: its MoUs then stand
    # without an accreditation behind them.)
    admin = c.persona_administration
    persona = [s for s in c.scopes if s.organisation == c.persona_org and s.administration == admin]
    persona_scope = (
        persona[0]
        if persona
        else _Scope(
            c.persona_org,
            admin,
            0,
            "none",
            today,
            today,
            c.facilities_of[admin][:3],
            sorted(c.activity_code)[:2],
        )
    )
    long = new(persona_scope, Agreement.Status.NEGOTIATION, Agreement.Status.NEGOTIATION)
    long.long, long.title = True, LONG_NEGOTIATION
    long.versions, long.comments = LONG_VERSIONS, LONG_COMMENTS
    long.created_at = _at(today - timedelta(days=200), rng)
    long.started_by_side = Side.ORGANISATION
    long.valid_from, long.valid_until = today + timedelta(days=30), today + timedelta(days=760)
    # A few more of the persona's own: one signed, one expired, one withdrawn.
    for status, kind in (
        (Agreement.Status.SIGNED, "in_force"),
        (Agreement.Status.SIGNED, "expired"),
        (Agreement.Status.WITHDRAWN, "withdrawn"),
    ):
        mou = new(persona_scope, status, kind)
        if kind == "in_force":
            signed(mou, today - timedelta(days=rng.randint(30, 300)), today + timedelta(days=400))
            current_of[(persona_scope.organisation, persona_scope.administration)] = mou
        elif kind == "expired":
            end = today - timedelta(days=rng.randint(10, 300))
            signed(mou, end - timedelta(days=730), end)
        else:
            mou.versions, mou.comments = 1, rng.randint(0, 4)

    for scope in in_force:
        if len(mous) >= total:
            break
        if (scope.organisation, scope.administration) in current_of:
            continue
        mou = new(scope, Agreement.Status.SIGNED, "in_force")
        span = (today - scope.valid_from).days
        signed(
            mou, scope.valid_from + timedelta(days=rng.randint(0, max(0, span))), scope.valid_until
        )
        current_of[(scope.organisation, scope.administration)] = mou

    weights = [
        ("second", 10),
        ("superseded", 10),
        (Agreement.Status.DRAFT, 8),
        (Agreement.Status.NEGOTIATION, 16),
        (Agreement.Status.AGREED, 5),
        (Agreement.Status.CERTIFIED, 5),
        ("expired", 22),
        ("terminated", 7),
        ("withdrawn", 7),
        ("suspended", 5),
    ]
    currents = list(current_of.values())
    while len(mous) < total and everyone:
        kind = _pick(rng, weights)
        if kind == "suspended" and not suspended:
            kind = "expired"
        if kind in ("second", "superseded", *Agreement.OPEN_STATUSES) and not in_force:
            kind = "expired"
        if kind == "superseded":
            free = [
                m for m in currents[:: max(1, len(currents) // 200)] if m.id not in superseded_by
            ]
            current = rng.choice(free) if free else None
            if current is None or current.valid_from is None:
                kind = "expired"
            else:
                mou = new(current.scope, Agreement.Status.SUPERSEDED, "superseded")
                signed(
                    mou,
                    current.valid_from - timedelta(days=rng.randint(200, 500)),
                    current.valid_until,
                )
                current.supersedes = mou.id
                superseded_by[current.id] = mou
                continue
        if kind == "second":
            scope = rng.choice(in_force)
            mou = new(scope, Agreement.Status.SIGNED, "in_force")
            span = (today - scope.valid_from).days
            signed(
                mou,
                scope.valid_from + timedelta(days=rng.randint(0, max(0, span))),
                scope.valid_until,
            )
            # A second MoU for part of the accredited scope.
            mou.facilities = scope.facilities[: max(1, len(scope.facilities) - 1)]
        elif kind in Agreement.OPEN_STATUSES:
            scope = rng.choice(in_force)
            mou = new(scope, kind, kind)
            current = current_of.get((scope.organisation, scope.administration))
            if current is not None and current.id not in open_amendment and rng.random() < 0.4:
                mou.supersedes = current.id
                open_amendment.add(current.id)
            if kind == Agreement.Status.DRAFT:
                mou.comments = rng.randint(0, 2)
                mou.started_by_side = _pick(
                    rng, [(Side.ADMINISTRATION, 70), (Side.ORGANISATION, 30)]
                )
            else:
                mou.versions = rng.randint(1, 6) + (
                    1 if kind != Agreement.Status.NEGOTIATION else 0
                )
                mou.comments = rng.randint(2, 14)
                mou.started_by_side = _pick(
                    rng, [(Side.ADMINISTRATION, 70), (Side.ORGANISATION, 30)]
                )
            if kind != Agreement.Status.DRAFT or rng.random() < 0.5:
                start = today + timedelta(days=rng.randint(10, 60))
                mou.valid_from, mou.valid_until = start, start + timedelta(days=730)
            if kind == Agreement.Status.CERTIFIED:
                mou.certified_at = _at(today - timedelta(days=rng.randint(0, 20)), rng)
                mou.created_at = mou.certified_at - timedelta(days=rng.randint(40, 150))
        elif kind == "suspended":
            scope = rng.choice(suspended)
            mou = new(scope, Agreement.Status.SIGNED, "suspended")
            signed(mou, scope.valid_from, max(scope.valid_until, today + timedelta(days=90)))
        elif kind == "expired":
            scope = rng.choice(everyone)
            mou = new(scope, Agreement.Status.SIGNED, "expired")
            end = min(scope.valid_until, today) - timedelta(days=rng.randint(1, 700))
            signed(mou, end - timedelta(days=rng.choice([365, 730])), end)
        elif kind == "terminated":
            scope = rng.choice(everyone)
            mou = new(scope, Agreement.Status.TERMINATED, "terminated")
            end = scope.valid_until + timedelta(days=rng.randint(-200, 200))
            signed(mou, end - timedelta(days=730), end)
        else:
            scope = rng.choice(everyone)
            mou = new(scope, Agreement.Status.WITHDRAWN, "withdrawn")
            mou.created_at = _at(
                min(scope.valid_until, today) - timedelta(days=rng.randint(10, 600)), rng
            )
            mou.versions, mou.comments = rng.randint(0, 2), rng.randint(0, 4)
    for mou in mous:
        if not mou.facilities:
            mou.facilities = list(mou.scope.facilities)
        mou.activities = list(mou.scope.activities)
        if not mou.title:
            mou.title = _title(c, mou, rng)
    _fill_the_map(c, mous, rng)
    _consulted_facility(c, mous)
    return mous


def _title(c: _Context, mou: _Mou, rng: random.Random) -> str:
    codes = sorted(c.activity_code[t].replace("_", " ") for t in mou.activities)
    topic = " and ".join(codes).capitalize()
    where = c.facility_name[mou.facilities[0]].split(" ", 2)[-1]
    return f"{topic} at {where}" + (" (amendment)" if mou.supersedes else "")


def _extend(mou: _Mou, facility: int | None = None, activity: int | None = None) -> None:
    """Add a facility or an activity to an MoU, and to its accreditation's scope if needed."""
    if facility is not None and facility not in mou.facilities:
        mou.facilities.append(facility)
        if facility not in mou.scope.facilities:
            mou.scope.facilities.append(facility)
    if activity is not None and activity not in mou.activities:
        mou.activities.append(activity)
        if activity not in mou.scope.activities:
            mou.scope.activities.append(activity)


def _fill_the_map(c: _Context, mous: list[_Mou], rng: random.Random) -> None:
    """Every facility × activity of each administration covered by an MoU in force."""
    activities = sorted(c.activity_code)
    for admin, facilities in c.facilities_of.items():
        current = [m for m in mous if m.kind == "in_force" and m.scope.administration == admin]
        current = [m for m in current if m.scope.in_force(c.today)]
        if not current:
            continue
        covered = {(f, a) for m in current for f in m.facilities for a in m.activities}
        by_activity: dict[int, list[_Mou]] = {}
        for m in current:
            for a in m.activities:
                by_activity.setdefault(a, []).append(m)
        for facility in facilities:
            for activity in activities:
                if (facility, activity) in covered:
                    continue
                candidates = by_activity.get(activity)
                if candidates:
                    mou = rng.choice(candidates)
                    _extend(mou, facility=facility)
                else:
                    mou = rng.choice(current)
                    _extend(mou, facility=facility, activity=activity)
                    by_activity.setdefault(activity, []).append(mou)
                covered.update((facility, a) for a in mou.activities)
                covered.update((f, activity) for f in mou.facilities)


def _consulted_facility(c: _Context, mous: list[_Mou]) -> None:
    """The facility visits officer persona's facility is named by a few MoUs in negotiation
    (they are consulted on them) and by the long negotiation."""
    officer_facility = min(c.officer)
    admin = next(a for a, fs in c.facilities_of.items() if officer_facility in fs)
    chosen = [
        m
        for m in mous
        if m.scope.administration == admin
        and (m.long or m.status in (Agreement.Status.NEGOTIATION, Agreement.Status.AGREED))
    ][:6]
    for mou in chosen:
        _extend(mou, facility=officer_facility)


# Rows -------------------------------------------------------------------------------------------


@dataclass
class _Rows:
    agreements: list[dict[str, Any]] = field(default_factory=list)
    m2m: dict[type[models.Model], list[dict[str, Any]]] = field(default_factory=dict)
    clauses: list[dict[str, Any]] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    consultations: list[dict[str, Any]] = field(default_factory=list)
    approvals: list[dict[str, Any]] = field(default_factory=list)
    signatures: list[dict[str, Any]] = field(default_factory=list)
    signatories: list[dict[str, Any]] = field(default_factory=list)
    obligations: list[dict[str, Any]] = field(default_factory=list)

    def link(self, model: type[models.Model], **row: int) -> None:
        rows = self.m2m.setdefault(model, [])
        rows.append({"id": len(rows) + 1, **row})


_HOURS = (clock(9), clock(16))
# Every day of the week: the data set's visits (``build_visits``) then give the gate a manifest
# whatever day the benchmark runs, weekends included.
WEEKDAYS = list(Weekday)
EQUIPMENT = sorted([Equipment.LAPTOP, Equipment.TEACHING_MATERIALS])


def _fixed_terms() -> dict[str, str]:
    """The variables every MoU of the data set states alike, in the active language."""
    return {
        "weekdays": ", ".join(str(Weekday(day).label) for day in WEEKDAYS),
        "hours": f"{time_format(_HOURS[0])} to {time_format(_HOURS[1])}",
        "visits_per_week": "2",
        "visits_per_month": "8",
        "escort": str(Escort.SENSITIVE_AREAS.label),
        "private_interviews": "allowed",
        "photographs": "not allowed",
        "equipment": ", ".join(str(Equipment(item).label) for item in EQUIPMENT),
        "response_days": "30",
    }


def _term_values(
    c: _Context,
    mou: _Mou,
    people: list[int],
    areas: dict[str, list[int]],
    fixed: dict[str, str],
    labels: dict[int, str],
) -> dict[str, str]:
    """The variables of the clauses, in English, as ``selectors.term_values`` states them."""

    def join(items: list[str]) -> str:
        return ", ".join(items) if items else "none"

    def day(value: date | None) -> str:
        return date_format(value, "DATE_FORMAT") if value else "(to be agreed)"

    area_label = {
        aid: f"{name} ({c.facility_name[fid]})"
        for fid in mou.facilities
        for aid, name in c.areas_of.get(fid, [])
    }
    name, _kind, _network = c.organisation[mou.scope.organisation]
    members = c.members_of.get(mou.scope.organisation, [])[:5]
    return {
        **fixed,
        "administration": c.admin_name[mou.scope.administration],
        "organisation": name,
        "members": join(sorted(c.organisation[o][0] for o in members)),
        "facilities": join(sorted(c.facility_name[f] for f in mou.facilities)),
        "people": join(sorted(c.person_name[p] for p in people)),
        "activities": join(sorted(labels[t] for t in mou.activities)),
        "permitted_areas": join(sorted(area_label[a] for a in areas["permitted"])),
        "forbidden_areas": join(sorted(area_label[a] for a in areas["forbidden"])),
        "valid_from": day(mou.valid_from),
        "valid_until": day(mou.valid_until),
    }


def _rows(c: _Context, w: World, mous: list[_Mou]) -> _Rows:
    rng, today = w.rng, c.today
    r = _Rows()
    fixed = _fixed_terms()
    labels = {t: str(ActivityType.Code(code).label) for t, code in c.activity_code.items()}
    references: dict[tuple[int, int], int] = {}
    version_id = clause_id = 0
    signatory_of: dict[int, int] = {}
    closed = (
        Agreement.Status.CERTIFIED,
        Agreement.Status.SIGNED,
        Agreement.Status.TERMINATED,
        Agreement.Status.SUPERSEDED,
    )
    for mou in mous:
        s = mou.scope
        admin, org = s.administration, s.organisation
        director, org_admin = c.director[admin], c.org_admin.get(org, c.director[admin])
        negotiators = {
            Side.ADMINISTRATION: [director, c.coordinator.get(admin, director)],
            Side.ORGANISATION: [org_admin],
        }
        if mou.certified_at is not None:
            year = mou.certified_at.year
            references[(admin, year)] = references.get((admin, year), 0) + 1
            mou.reference = f"MOU/{admin}/{year}/{references[(admin, year)]:04d}"
        people = c.cleared.get((org, admin)) or c.people_of.get(org, [])
        people = people[: 3 if not mou.long else 12]
        first_areas = c.areas_of.get(mou.facilities[0], [])
        areas = {
            "permitted": [first_areas[0][0]] if first_areas else [],
            "forbidden": [first_areas[1][0]] if len(first_areas) > 1 else [],
        }
        members = c.members_of.get(org, [])[:5]
        kind = c.organisation[org][1]
        template = c.templates[admin][
            "faith" if kind == Organisation.Kind.FAITH_BASED else "standard"
        ]
        terms_set = mou.valid_from is not None
        pdf = {}
        if mou.certified_at is not None:
            digest = hashlib.sha256(f"mou-{mou.id}".encode()).hexdigest()
            certified = hashlib.sha256(f"mou-{mou.id}-certified".encode()).hexdigest()
            pdf = {
                "pdf": f"agreements/bench/{mou.id:06d}.pdf",
                "pdf_sha256": certified if mou.status == Agreement.Status.CERTIFIED else digest,
                "pdf_certified_sha256": certified,
                "pdf_status": PdfStatus.READY,
            }
        r.agreements.append(
            {
                "id": mou.id,
                "administration_id": admin,
                "organisation_id": org,
                "template_id": template,
                "supersedes_id": mou.supersedes,
                "title": mou.title,
                "language": "en",
                "status": mou.status,
                "started_by_side": mou.started_by_side,
                "reference": mou.reference,
                "valid_from": mou.valid_from,
                "valid_until": mou.valid_until,
                "weekdays": [int(day) for day in WEEKDAYS] if terms_set else [],
                "day_starts": _HOURS[0],
                "day_ends": _HOURS[1],
                "visits_per_week": 2,
                "visits_per_month": 8,
                "equipment": [str(item) for item in EQUIPMENT] if terms_set else [],
                "escort": Escort.SENSITIVE_AREAS,
                "private_interviews": True,
                "photographs": False,
                "response_days": 30,
                **pdf,
                "created_by_id": director
                if mou.started_by_side == Side.ADMINISTRATION
                else org_admin,
                "created_at": mou.created_at,
                "signed_at": mou.signed_at if mou.status != Agreement.Status.CERTIFIED else None,
                "status_reason": {
                    Agreement.Status.TERMINATED: "The organisation ended its work there.",
                    Agreement.Status.WITHDRAWN: "The organisation chose another programme.",
                }.get(mou.status, ""),
            }
        )
        for fid in mou.facilities:
            r.link(Agreement.facilities.through, agreement_id=mou.id, facility_id=fid)
        for tid in mou.activities:
            r.link(Agreement.activity_types.through, agreement_id=mou.id, activitytype_id=tid)
        if terms_set:
            for pid in people:
                r.link(Agreement.people.through, agreement_id=mou.id, person_id=pid)
            for aid in areas["permitted"]:
                r.link(Agreement.permitted_areas.through, agreement_id=mou.id, area_id=aid)
            for aid in areas["forbidden"]:
                r.link(Agreement.forbidden_areas.through, agreement_id=mou.id, area_id=aid)
        for oid in members:
            r.link(Agreement.member_organisations.through, agreement_id=mou.id, organisation_id=oid)
        values = _term_values(
            c,
            mou,
            people if terms_set else [],
            areas if terms_set else {"permitted": [], "forbidden": []},
            fixed,
            labels,
        )

        # Clauses, and the wording the negotiation added to some of them, version by version.
        entries = c.template_clauses[template]
        edits: dict[int, tuple[int, str]] = {}  # clause order → (version it came in, addition)
        if mou.versions >= 2:
            n_edits = rng.randint(1, 3) if not mou.long else 2 * mou.versions
            for _ in range(n_edits):
                order = rng.choice(entries)[0]
                edits[order] = (rng.randint(2, mou.versions), rng.choice(ADDITIONS))
            if mou.long:
                # The latest version changes three clauses: the redline measured shows them.
                for order in [e[0] for e in entries[:3]]:
                    edits[order] = (mou.versions, rng.choice(ADDITIONS))
        included = {}
        positions = {}
        clause_ids: dict[int, int] = {}
        for order, vid, mandatory, _kind, _title, wording in entries:
            included[order] = mandatory or rng.random() < 0.85
            if mou.status in (*closed, Agreement.Status.AGREED) or mou.kind in (
                "expired",
                "suspended",
            ):
                status = "agreed"
            elif mou.status == Agreement.Status.NEGOTIATION:
                status = _pick(rng, [("agreed", 50), ("open", 30), ("disputed", 20)])
            else:
                status = "open"
            admin_pos, org_pos = {
                "agreed": ("agreed", "agreed"),
                "open": _pick(
                    rng, [(("open", "open"), 1), (("agreed", "open"), 1), (("open", "agreed"), 1)]
                ),
                "disputed": _pick(rng, [(("disputed", "agreed"), 1), (("agreed", "disputed"), 1)]),
            }[status]
            positions[order] = status
            clause_id += 1
            clause_ids[order] = clause_id
            text = wording + (f"\n\n{edits[order][1]}" if order in edits else "")
            r.clauses.append(
                {
                    "id": clause_id,
                    "agreement_id": mou.id,
                    "clause_version_id": vid,
                    "order": order,
                    "wording": text,
                    "included": included[order],
                    "administration_position": admin_pos,
                    "organisation_position": org_pos,
                    "status": status,
                }
            )
        terms = {
            "agreement": mou.id,
            "reference": mou.reference,
            "administration": admin,
            "organisation": org,
            "member_organisations": sorted(members),
            "valid_from": mou.valid_from.isoformat() if mou.valid_from else None,
            "valid_until": mou.valid_until.isoformat() if mou.valid_until else None,
            "facilities": sorted(mou.facilities),
            "permitted_areas": areas["permitted"] if terms_set else [],
            "forbidden_areas": areas["forbidden"] if terms_set else [],
            "people": sorted(people) if terms_set else [],
            "activity_types": sorted(c.activity_code[t] for t in mou.activities),
            "weekdays": [int(day) for day in WEEKDAYS] if terms_set else [],
            "day_starts": "09:00",
            "day_ends": "16:00",
            "visits_per_week": 2,
            "visits_per_month": 8,
            "equipment": [str(item) for item in EQUIPMENT] if terms_set else [],
            "escort": Escort.SENSITIVE_AREAS.value,
            "private_interviews": True,
            "photographs": False,
            "response_days": 30,
        }
        filled = {
            order: fill_variables(wording, values) for order, _v, _m, _k, _t, wording in entries
        }
        end = mou.certified_at or datetime.combine(today, clock(8), tzinfo=UTC)
        if mou.status == Agreement.Status.WITHDRAWN:
            end = mou.created_at + timedelta(days=60)
        step = (end - mou.created_at) / (mou.versions + 1)
        last_version = None
        for number in range(1, mou.versions + 1):
            version_id += 1
            agreed = number == mou.versions and (
                mou.certified_at is not None or mou.status == Agreement.Status.AGREED
            )
            content = {
                "clauses": [
                    {
                        "clause": vid,
                        "kind": kind_,
                        "title": title,
                        "text": filled[order]
                        + (
                            f"\n\n{edits[order][1]}"
                            if order in edits and edits[order][0] <= number
                            else ""
                        ),
                        "status": "agreed"
                        if agreed
                        else positions[order]
                        if number == mou.versions
                        else "open",
                    }
                    for order, vid, _m, kind_, title, _w in entries
                    if included[order]
                ],
                "terms": terms,
            }
            side = Side.ADMINISTRATION if number % 2 else Side.ORGANISATION
            r.versions.append(
                {
                    "id": version_id,
                    "agreement_id": mou.id,
                    "number": number,
                    "content": content,
                    "note": "Agreed text" if agreed else "",
                    "created_by_id": negotiators[side][0],
                    "created_at": mou.created_at + step * number,
                }
            )
            last_version = version_id
        shared_from = mou.created_at + step

        # Comments: the suggestions that brought the additions, and the discussion around them.
        negotiable = mou.status in Agreement.NEGOTIABLE_STATUSES and mou.kind not in ("withdrawn",)
        n_comments = mou.comments
        for n in range(n_comments):
            order = rng.choice(entries)[0]
            side = _pick(rng, [(Side.ADMINISTRATION, 1), (Side.ORGANISATION, 1)])
            if mou.status == Agreement.Status.DRAFT:
                side = mou.started_by_side
            author = rng.choice(negotiators[side])
            other = rng.choice(
                negotiators[
                    Side.ORGANISATION if side == Side.ADMINISTRATION else Side.ADMINISTRATION
                ]
            )
            internal = mou.status == Agreement.Status.DRAFT or rng.random() < 0.15
            suggestion = not internal and rng.random() < 0.3
            at = shared_from + (end - shared_from) * (n + 1) / (n_comments + 1)
            # In a negotiation, the latest comments still await their answer.
            recent = n >= n_comments * 0.7
            answered = not internal and not (negotiable and recent)
            wording = filled[order] + " " + rng.choice(ADDITIONS)
            r.comments.append(
                {
                    "id": len(r.comments) + 1,
                    "clause_id": clause_ids[order],
                    "side": side,
                    "author_id": author,
                    "body": rng.choice(COMMENTS),
                    "internal": internal,
                    "suggested_wording": wording if suggestion else "",
                    "suggestion": (
                        ""
                        if not suggestion
                        else _pick(rng, [("accepted", 60), ("rejected", 40)])
                        if answered
                        else "pending"
                    ),
                    "answer": rng.choice(ANSWERS) if answered else "",
                    "answered_by_id": other if answered else None,
                    "answered_at": at + timedelta(days=rng.randint(1, 5)) if answered else None,
                    "created_at": at,
                }
            )

        # Staff consultations, on MoUs that were shared.
        if mou.versions and (mou.long or rng.random() < 0.4):
            for k in range(6 if mou.long else rng.randint(1, 2)):
                facility = mou.facilities[k % len(mou.facilities)]
                staff = c.officer.get(facility)
                if staff is None:
                    continue
                answered = not negotiable or rng.random() < 0.6
                asked = shared_from + timedelta(days=k)
                r.consultations.append(
                    {
                        "id": len(r.consultations) + 1,
                        "agreement_id": mou.id,
                        "facility_id": facility,
                        "staff_id": staff,
                        "question": rng.choice(QUESTIONS),
                        "remarks": rng.choice(REMARKS) if answered else "",
                        "asked_by_id": negotiators[Side.ADMINISTRATION][0],
                        "asked_at": asked,
                        "answered_at": asked + timedelta(days=3) if answered else None,
                    }
                )

        # Approvals of the agreed text, signatures, the signed copy, obligations.
        if last_version is not None and (
            mou.certified_at is not None or mou.status == Agreement.Status.AGREED
        ):
            sides = [Side.ADMINISTRATION, Side.ORGANISATION]
            if mou.status == Agreement.Status.AGREED:
                sides = sides[: rng.randint(0, 2)]
            for side in sides:
                r.approvals.append(
                    {
                        "id": len(r.approvals) + 1,
                        "agreement_id": mou.id,
                        "version_id": last_version,
                        "side": side,
                        "approved_by_id": director if side == Side.ADMINISTRATION else org_admin,
                        "approved_at": end
                        - timedelta(days=2 if side == Side.ADMINISTRATION else 1),
                    }
                )
        if mou.certified_at is not None:
            r.signatures.append(
                {
                    "id": len(r.signatures) + 1,
                    "agreement_id": mou.id,
                    "annex_id": None,
                    "version_id": last_version,
                    "side": Side.ADMINISTRATION,
                    "signer_id": director,
                    "signed_at": mou.certified_at,
                }
            )
        if mou.signed_at is not None and mou.status != Agreement.Status.CERTIFIED:
            signatory_of.setdefault(org, org_admin)
            r.signatures.append(
                {
                    "id": len(r.signatures) + 1,
                    "agreement_id": mou.id,
                    "annex_id": None,
                    "version_id": last_version,
                    "side": Side.ORGANISATION,
                    "signer_id": signatory_of[org],
                    "signed_at": mou.signed_at,
                }
            )
            assert mou.valid_from is not None
            for kind_, side, title, days in (
                (Obligation.Kind.CONTINUITY_PLAN, Side.ORGANISATION, "Continuity plan", 90),
                (Obligation.Kind.PERIODIC_REPORT, Side.ORGANISATION, "First yearly report", 365),
                (
                    Obligation.Kind.FUNDRAISING_PLAN,
                    Side.ADMINISTRATION,
                    "Joint fundraising plan",
                    180,
                ),
            ):
                due = mou.valid_from + timedelta(days=days)
                met = due < today and rng.random() < 0.8
                r.obligations.append(
                    {
                        "id": len(r.obligations) + 1,
                        "agreement_id": mou.id,
                        "kind": kind_,
                        "side": side,
                        "title": title,
                        "due_date": due,
                        "note": "Received and filed." if met else "",
                        "fulfilled_by_id": director if met else None,
                        "fulfilled_at": _at(due - timedelta(days=rng.randint(0, 20)), rng)
                        if met
                        else None,
                    }
                )
    # Authorised signatories: the administrator of each organisation that countersigned; the
    # persona's organisation has a few more, one of whom no longer signs.
    for org, user in sorted(signatory_of.items()):
        r.signatories.append(
            {
                "id": len(r.signatories) + 1,
                "organisation_id": org,
                "user_id": user,
                "authorised_by_id": c.org_admin.get(org, user),
                "authorised_at": datetime.combine(
                    today - timedelta(days=900), clock(9), tzinfo=UTC
                ),
                "revoked_at": None,
            }
        )
    persona_admin = c.org_admin[c.persona_org]
    if c.persona_org not in signatory_of:
        r.signatories.append(
            {
                "id": len(r.signatories) + 1,
                "organisation_id": c.persona_org,
                "user_id": persona_admin,
                "authorised_by_id": persona_admin,
                "authorised_at": mous[0].created_at,
                "revoked_at": None,
            }
        )
    persona_members = list(
        Membership.objects.filter(organisation=c.persona_org, role=Role.NGO_MEMBER)
        .order_by("id")
        .values_list("user_id", flat=True)[:3]
    )
    for n, user in enumerate(persona_members):
        r.signatories.append(
            {
                "id": len(r.signatories) + 1,
                "organisation_id": c.persona_org,
                "user_id": user,
                "authorised_by_id": persona_admin,
                "authorised_at": mous[0].created_at,
                "revoked_at": mous[0].created_at + timedelta(days=30) if n == 0 else None,
            }
        )
    return r


def build_agreements(w: World, *, log: Callable[[str], None] = print) -> None:
    """Fill the agreements tables of a data set whose directory and accreditations exist."""
    t0 = time.monotonic()
    with translation.override("en"):
        c = _read(w.now.date())
        mous = _plan(c, w)
        rows = _rows(c, w, mous)
    log(f"    planned {len(mous)} MoUs in {time.monotonic() - t0:.1f} s")
    # The scope the map filled in, as the accredited applications' own.
    scope_facilities = [
        (s.application, f)
        for s in {id(m.scope): m.scope for m in mous}.values()
        for f in s.facilities
    ]
    _add_missing(Application.facilities.through, "facility_id", scope_facilities, w.loader)
    scope_activities = [
        (s.application, a)
        for s in {id(m.scope): m.scope for m in mous}.values()
        for a in s.activities
    ]
    _add_missing(Application.activity_types.through, "activitytype_id", scope_activities, w.loader)
    copy = w.loader.copy
    copy(Agreement, rows.agreements)
    for model, links in rows.m2m.items():
        copy(model, links)
    copy(AgreementClause, rows.clauses)
    copy(AgreementVersion, rows.versions)
    copy(Comment, rows.comments)
    copy(Consultation, rows.consultations)
    copy(Approval, rows.approvals)
    copy(Signature, rows.signatures)
    copy(Signatory, rows.signatories)
    copy(Obligation, rows.obligations)
    reset_sequences(MODELS)


def _add_missing(
    model: type[models.Model], column: str, pairs: list[tuple[int, int]], loader: Loader
) -> None:
    """Add to an application's scope (facilities or activities) what an MoU names beyond it."""
    if not pairs:
        return
    applications = sorted({app for app, _ in pairs if app})
    existing = set(
        model.objects.filter(application_id__in=applications).values_list("application_id", column)
    )
    missing = sorted({(app, x) for app, x in pairs if app and (app, x) not in existing})
    start = (model.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    loader.copy(
        model,
        ({"id": start + n, "application_id": app, column: x} for n, (app, x) in enumerate(missing)),
    )


def has_agreements() -> bool:
    return Agreement.objects.exists()


def add_to_existing(*, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Give a data set built before agreements existed its MoUs, at the scale it was built at,
    and record them with the data set."""
    from .build import add_stage_to_existing

    def stage(w: World) -> None:
        build_agreements(w, log=log)

    return add_stage_to_existing(stage, MODELS, app_label="agreements", step=ADDED_STEP, seed=11)
