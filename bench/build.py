# The builder assembles rows as loosely typed dicts for COPY; their element types are not worth
# spelling out for mypy.
# mypy: disable-error-code="var-annotated,assignment"
"""Builds the country-scale data set with COPY, once.

Rows are generated in Python from a seeded random generator and streamed into PostgreSQL with
``COPY … FROM STDIN``; no service runs per row. The big tables are loaded without their
secondary indexes, which are rebuilt afterwards (much faster than maintaining them row by row).
The audit entries carry a valid hash chain, computed with ``activity.audit.entry_hash``, so that
``verify_audit`` can be timed over them.

A table ``bench_dataset`` records the version of the data set once the build has finished; a
later run finds it and reuses the data.
"""

import enum
import hashlib
import hmac
import io
import json
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Permission, User
from django.db import connection, models
from guardian.models import UserObjectPermission

from accreditation.models import (
    Accreditation,
    Appeal,
    Application,
    Clearance,
    Condition,
    ConditionResponse,
    Criterion,
    Decision,
    Document,
    Evidence,
    FormalMechanism,
    Framework,
    Level,
    ReviewAssignment,
    Score,
)
from activity.audit import GENESIS_HASH, _key, entry_hash
from activity.models import AuditEntry, Notification, Reminder
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

#: Bump when the shape of the data set changes: a run then rebuilds it.
VERSION = 1


@dataclass(frozen=True)
class Sizes:
    facilities: int = 1_000
    organisations: int = 5_000
    people: int = 30_000
    users: int = 50_000
    applications: int = 20_000
    reviews: int = 40_000
    accreditations: int = 10_000
    audit_entries: int = 2_000_000
    reminders: int = 200_000
    agreements: int = 6_000
    visits: int = 1_000_000
    recommendation_reports: int = 30_000
    recommendations: int = 300_000
    actions: int = 120_000

    def scaled(self, factor: float) -> "Sizes":
        return Sizes(**{k: max(20, int(v * factor)) for k, v in self.__dict__.items()})


#: The people whose pages the benchmark requests, by username.
PERSONAS = {
    "director": "bench-director",
    "coordinator": "bench-coordinator",
    "reviewer": "bench-reviewer",  # a handful of reviews
    "busy_reviewer": "bench-reviewer-busy",
    "ngo_admin": "bench-ngo-admin",
    "ngo_member": "bench-ngo-member",
    "facility_officer": "bench-facility-officer",
    "gate_officer": "bench-gate-officer",
}

# COPY ------------------------------------------------------------------------------------------


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]").search


def _escape(value: str) -> str:
    return value.translate(_ESCAPES) if _NEEDS_ESCAPE(value) else value


def _json(value: Any) -> str:
    return _escape(json.dumps(value))


class Raw(str):
    """A value already in COPY's text format."""


_CONVERT: dict[type, Callable[[Any], str]] = {
    type(None): lambda v: "\\N",
    bool: lambda v: "t" if v else "f",
    int: str,
    Decimal: str,
    str: _escape,
    Raw: str.__str__,
    datetime: datetime.isoformat,
    date: date.isoformat,
    clock: clock.isoformat,
    timedelta: lambda v: f"{v.total_seconds()} seconds",
    dict: _json,
    list: _json,
}


def _text(value: Any) -> str:
    """A value in COPY's text format."""
    convert = _CONVERT.get(type(value))
    if convert is not None:
        return convert(value)
    if isinstance(value, enum.Enum):  # the members of TextChoices
        return _text(value.value)
    raise TypeError(f"No COPY format for {type(value)}")


class _RowStream(io.TextIOBase):
    """A file-like object over generated rows, read by COPY in chunks."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._buffer = ""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        want = size if size and size > 0 else 1 << 20
        parts = [self._buffer]
        have = len(self._buffer)
        for line in self._lines:
            parts.append(line)
            have += len(line)
            if have >= want:
                break
        data = "".join(parts)
        self._buffer = data[want:]
        return data[:want]


@dataclass
class Loader:
    counts: dict[str, int] = field(default_factory=dict)

    def copy(self, model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
        """COPY ``rows`` (dicts by attribute name; missing fields take their default) into the
        model's table; return how many."""
        fields = [f for f in model._meta.concrete_fields]
        defaults = {f.attname: f.get_default() for f in fields}
        columns = [f.column for f in fields]
        attnames = [f.attname for f in fields]
        count = 0

        def lines() -> Iterator[str]:
            nonlocal count
            for row in rows:
                count += 1
                yield "\t".join(_text(row.get(a, defaults.get(a))) for a in attnames) + "\n"

        table = model._meta.db_table
        column_list = ", ".join(f'"{c}"' for c in columns)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f'COPY "{table}" ({column_list}) FROM STDIN',
                _RowStream(lines()),
                size=1 << 20,
            )
        self.counts[table] = self.counts.get(table, 0) + count
        return count


def _secondary_indexes(table: str) -> list[tuple[str, str, str | None]]:
    """(name, how to create it, the constraint it backs) for every index but the primary key."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid), c.conname, pg_get_constraintdef(c.oid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            LEFT JOIN pg_constraint c ON c.conindid = i.oid AND c.conrelid = t.oid
            WHERE t.relname = %s AND NOT x.indisprimary
            """,
            [table],
        )
        result = []
        for name, indexdef, conname, condef in cursor.fetchall():
            if conname:
                result.append(
                    (conname, f'ALTER TABLE "{table}" ADD CONSTRAINT "{conname}" {condef}', conname)
                )
            else:
                result.append((name, indexdef, None))
        return result


def load_without_indexes(table: str, load: Callable[[], Any]) -> None:
    indexes = _secondary_indexes(table)
    with connection.cursor() as cursor:
        for name, _create, constraint in indexes:
            if constraint:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            else:
                cursor.execute(f'DROP INDEX "{name}"')
    load()
    with connection.cursor() as cursor:
        for _name, create, _constraint in indexes:
            cursor.execute(create)


def reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
            )


# The data set ----------------------------------------------------------------------------------


def _pick(rng: random.Random, weighted: list[tuple[Any, float]]) -> Any:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


WORDS = [
    "hope",
    "justice",
    "dignity",
    "future",
    "bridge",
    "light",
    "harbour",
    "voice",
    "path",
    "open",
    "door",
    "circle",
    "river",
    "horizon",
    "learning",
    "care",
    "roots",
    "wings",
    "unity",
    "dialogue",
    "welcome",
    "renewal",
    "trust",
]
LOREM = (
    "We have worked with people in detention and their families for many years, offering "
    "education, legal advice and support on release. "
)


@dataclass
class World:
    now: datetime
    rng: random.Random
    sizes: Sizes
    loader: Loader = field(default_factory=Loader)
    admins: list[int] = field(default_factory=list)
    facilities_of: dict[int, list[int]] = field(default_factory=dict)
    org_admin: dict[int, int] = field(default_factory=dict)  # organisation → admin user
    people_of: dict[int, list[int]] = field(default_factory=dict)
    directors: dict[int, int] = field(default_factory=dict)
    deputy: dict[int, int] = field(default_factory=dict)
    reviewers: dict[int, list[int]] = field(default_factory=dict)
    staff_users: list[int] = field(default_factory=list)
    all_users: list[int] = field(default_factory=list)
    frameworks: dict[int, list[int]] = field(default_factory=dict)  # admin → [old, current]
    criteria: dict[int, list[int]] = field(default_factory=dict)  # framework → criteria
    framework_admin: dict[int, int] = field(default_factory=dict)
    applications: list[tuple[int, int, int, str, datetime]] = field(default_factory=list)


def build_directory(w: World) -> None:
    s, rng = w.sizes, w.rng
    w.loader.copy(
        Administration,
        [
            {"id": 1, "name": "National Prison Service", "country": "Freedonia"},
            {"id": 2, "name": "Capital District Corrections", "country": "Freedonia"},
        ],
    )
    w.admins = [1, 2]
    facilities, areas = [], []
    area_id = 0
    for fid in range(1, s.facilities + 1):
        admin = 1 if fid <= s.facilities * 9 // 10 else 2
        w.facilities_of.setdefault(admin, []).append(fid)
        facilities.append(
            {
                "id": fid,
                "administration_id": admin,
                "name": f"Facility {fid:04d} {rng.choice(WORDS).title()}",
                "kind": rng.choice(Facility.Kind.values),
                "security_level": rng.choice(Facility.SecurityLevel.values),
                "address": f"{fid} Prison Road",
                "time_zone": "UTC",
                "visitor_capacity": rng.randint(10, 200),
            }
        )
        for name in ("Education wing", "Health unit", "Workshop"):
            area_id += 1
            areas.append(
                {
                    "id": area_id,
                    "facility_id": fid,
                    "name": name,
                    "sensitivity": rng.choice(Area.Sensitivity.values),
                }
            )
    w.loader.copy(Facility, facilities)
    w.loader.copy(Area, areas)

    organisations = []
    formal = max(2, s.organisations // 250)
    networks = max(2, s.organisations // 100)
    for oid in range(1, s.organisations + 1):
        if oid <= formal:
            kind = Organisation.Kind.NPM if oid % 2 else Organisation.Kind.SPECIAL_AGREEMENT
        elif oid <= formal + networks:
            kind = Organisation.Kind.NETWORK
        else:
            kind = _pick(
                rng,
                [
                    (Organisation.Kind.NGO, 70),
                    (Organisation.Kind.FAITH_BASED, 12),
                    (Organisation.Kind.PROFESSIONAL, 8),
                    (Organisation.Kind.ACADEMIC, 10),
                ],
            )
        network = (
            rng.randint(formal + 1, formal + networks)
            if kind == Organisation.Kind.NGO and rng.random() < 0.2
            else None
        )
        organisations.append(
            {
                "id": oid,
                "name": f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {oid:05d}",
                "kind": kind,
                "network_id": network,
                "registration_number": f"REG-{oid:06d}",
                "country": "Freedonia",
                "email": f"contact{oid}@example.org",
                "phone": "",
                "description": LOREM,
            }
        )
    w.loader.copy(Organisation, organisations)
    w.formal_orgs = list(range(1, formal + 1))  # type: ignore[attr-defined]


def build_users(w: World) -> None:
    """Users and their memberships (what a role lets a user see follows from them)."""
    s, rng, now = w.sizes, w.rng, w.now
    users: list[dict[str, Any]] = []
    memberships: list[dict[str, Any]] = []

    def user(username: str, first: str = "", last: str = "") -> int:
        uid = len(users) + 1
        users.append(
            {
                "id": uid,
                "password": "!unusable",
                "is_superuser": False,
                "username": username,
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "is_staff": False,
                "is_active": True,
                "date_joined": now - timedelta(days=rng.randint(0, 2000)),
            }
        )
        w.all_users.append(uid)
        return uid

    def member(uid: int, role: str, **scope: int) -> None:
        memberships.append(
            {
                "id": len(memberships) + 1,
                "user_id": uid,
                "role": role,
                "administration_id": scope.get("administration"),
                "facility_id": scope.get("facility"),
                "organisation_id": scope.get("organisation"),
                "created_at": now - timedelta(days=rng.randint(0, 2000)),
            }
        )

    reviewers_per_admin = {1: max(5, s.reviews // 400), 2: max(3, s.reviews // 2000)}
    for admin in w.admins:
        prefix = "bench-" if admin == 1 else f"a{admin}-"
        w.directors[admin] = user(
            "bench-director" if admin == 1 else f"{prefix}director", "Martha", "Director"
        )
        member(w.directors[admin], Role.DIRECTOR, administration=admin)
        w.deputy[admin] = user(f"{prefix}deputy", "Diego", "Deputy")
        member(w.deputy[admin], Role.DIRECTOR, administration=admin)
        coordinator = user("bench-coordinator" if admin == 1 else f"{prefix}coordinator")
        member(coordinator, Role.COORDINATOR, administration=admin)
        official = user(f"{prefix}official-{admin}")
        member(official, Role.RESPONSIBLE_OFFICIAL, administration=admin)
        w.reviewers[admin] = []
        for n in range(reviewers_per_admin[admin]):
            name = "bench-reviewer-busy" if (admin == 1 and n == 0) else f"{prefix}reviewer-{n}"
            uid = user(name, "Rita", f"Reviewer {n}")
            member(uid, Role.REVIEWER, administration=admin)
            w.reviewers[admin].append(uid)
        w.staff_users += [w.directors[admin], w.deputy[admin], coordinator, official]
        w.staff_users += w.reviewers[admin]
    # The reviewer with a handful of reviews takes none of the random ones.
    w.handful_reviewer = user("bench-reviewer", "Raul", "Reviewer")  # type: ignore[attr-defined]
    member(w.handful_reviewer, Role.REVIEWER, administration=1)  # type: ignore[attr-defined]

    for fids in w.facilities_of.values():
        for fid in fids:
            name = "bench-facility-officer" if fid == 1 else f"fo-{fid}"
            member(user(name), Role.FACILITY_OFFICER, facility=fid)
            for g in range(2):
                name = "bench-gate-officer" if (fid == 1 and g == 0) else f"go-{fid}-{g}"
                member(user(name), Role.GATE_OFFICER, facility=fid)

    formal = set(w.formal_orgs)  # type: ignore[attr-defined]
    orgs = list(range(1, s.organisations + 1))
    for oid in orgs:
        role = Role.MONITOR if oid in formal else Role.NGO_ADMIN
        # The persona administers an organisation with a handful of applications.
        name = "bench-ngo-admin" if oid == w.persona_org else f"org{oid}-admin"  # type: ignore[attr-defined]
        uid = user(name, "John", f"Admin {oid}")
        member(uid, role, organisation=oid)
        w.org_admin[oid] = uid
    n = 0
    while len(users) < s.users:
        oid = orgs[n % len(orgs)]
        n += 1
        role = Role.MONITOR if oid in formal else Role.NGO_MEMBER
        persona = oid == w.persona_org and role == Role.NGO_MEMBER and n <= len(orgs)  # type: ignore[attr-defined]
        uid = user("bench-ngo-member" if persona else f"org{oid}-member-{n}")
        member(uid, role, organisation=oid)

    w.loader.copy(User, users)
    w.loader.copy(Membership, memberships)

    # People: each organisation's, the first of them with the user accounts of its staff.
    people, users_of_org = [], {}
    for m in memberships:
        if m["organisation_id"]:
            users_of_org.setdefault(m["organisation_id"], []).append(m["user_id"])
    pid = 0
    per_org = max(1, s.people // s.organisations)
    for oid in orgs:
        accounts = users_of_org.get(oid, [])
        for k in range(per_org):
            pid += 1
            people.append(
                {
                    "id": pid,
                    "organisation_id": oid,
                    "user_id": accounts[k] if k < len(accounts) else None,
                    "full_name": f"{rng.choice(WORDS).title()} Person {pid}",
                    "role_title": "Volunteer",
                    "document_type": rng.choice(Person.DocumentType.values),
                    "document_number": f"D{pid:08d}",
                    "nationality": "Freedonian",
                    "email": "",
                    "phone": "",
                }
            )
            w.people_of.setdefault(oid, []).append(pid)
    w.loader.copy(Person, people)


def build_frameworks(w: World) -> None:
    frameworks, criteria, levels = [], [], []
    fw_id = crit_id = level_id = 0
    for admin in w.admins:
        w.frameworks[admin] = []
        for version, status in ((1, Framework.Status.SUPERSEDED), (2, Framework.Status.PUBLISHED)):
            fw_id += 1
            published = w.now - timedelta(days=2200 if version == 1 else 900)
            frameworks.append(
                {
                    "id": fw_id,
                    "administration_id": admin,
                    "version": version,
                    "title": "Accreditation rules",
                    "title_en": "Accreditation rules",
                    "introduction": LOREM,
                    "introduction_en": LOREM,
                    "pass_threshold": Decimal("60.00"),
                    "validity_months": 24,
                    "review_days": 30,
                    "spread_threshold": 2,
                    "appeal_days": 30,
                    "status": status,
                    "published_at": published,
                    "published_by_id": w.directors[admin],
                    "created_at": published - timedelta(days=10),
                }
            )
            w.frameworks[admin].append(fw_id)
            w.framework_admin[fw_id] = admin
            w.criteria[fw_id] = []
            for order, code in enumerate(
                ["track-record", "governance", "safeguarding", "staff", "funding", "plan"]
            ):
                crit_id += 1
                criteria.append(
                    {
                        "id": crit_id,
                        "framework_id": fw_id,
                        "order": order,
                        "code": code,
                        "name": code.replace("-", " ").title(),
                        "name_en": code.replace("-", " ").title(),
                        "description": LOREM,
                        "description_en": LOREM,
                        "weight": 1 + order % 3,
                        "minimum_score": 1 if order == 2 else None,
                        "evidence": "",
                        "evidence_en": "",
                        "document_required": order == 0,
                    }
                )
                w.criteria[fw_id].append(crit_id)
                for score in range(5):
                    level_id += 1
                    levels.append(
                        {
                            "id": level_id,
                            "criterion_id": crit_id,
                            "score": score,
                            "description": f"Level {score}",
                            "description_en": f"Level {score}",
                        }
                    )
    w.loader.copy(Framework, frameworks)
    w.loader.copy(Criterion, criteria)
    w.loader.copy(Level, levels)


def _verification_codes(rng: random.Random, n: int) -> Iterator[str]:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    seen: set[str] = set()
    while len(seen) < n:
        raw = "".join(rng.choice(alphabet) for _ in range(12))
        code = "-".join(raw[i : i + 4] for i in range(0, 12, 4))
        if code not in seen:
            seen.add(code)
            yield code


def build_applications(w: World) -> None:
    """Applications in every state, four per organisation in time order, each organisation's
    earlier ones closed (decided or withdrawn) and its latest possibly open."""
    s, rng, now = w.sizes, w.rng, w.now
    per_org = max(1, s.applications // s.organisations)
    formal = set(w.formal_orgs)  # type: ignore[attr-defined]
    apps, evidence, evidence_docs, documents = [], [], [], []
    m2m_types, m2m_facilities, m2m_people = [], [], []
    assignments, scores, decisions, accreditations, conditions, appeals = [], [], [], [], [], []
    view_grants = []
    condition_responses: list[dict[str, Any]] = []
    references: dict[tuple[int, int], int] = {}
    app_id = ev_id = doc_id = as_id = sc_id = dec_id = acc_id = 0
    codes = _verification_codes(rng, s.accreditations + 10)
    granted_left = s.accreditations
    activity_types = list(ActivityType.objects.values_list("pk", flat=True))
    today = now.date()
    for oid in range(1, s.organisations + 1):
        if oid in formal:
            continue
        admin = 2 if oid % 10 == 0 else 1
        previous_granted = None
        n_apps = per_org + (1 if oid % 5 == 0 else 0) - (1 if oid % 5 == 1 else 0)
        for k in range(n_apps):
            app_id += 1
            last = k == n_apps - 1
            if not last:
                status = _pick(rng, [("decided", 80), ("withdrawn", 20)])
            else:
                status = _pick(
                    rng,
                    [
                        ("draft", 20),
                        ("submitted", 20),
                        ("returned", 10),
                        ("under_review", 40),
                        ("decided", 10),
                    ],
                )
            if oid == w.persona_org and last:  # type: ignore[attr-defined]
                status = "under_review"
            created = now - timedelta(
                days=(n_apps - k) * 500 - rng.randint(0, 300) + (0 if not last else 300),
                seconds=rng.randint(0, 86400),
            )
            if last and status != "decided":
                created = now - timedelta(days=rng.randint(1, 120), seconds=rng.randint(0, 86400))
            framework = w.frameworks[admin][0 if created < now - timedelta(days=900) else 1]
            submitted = created + timedelta(days=rng.randint(1, 20)) if status != "draft" else None
            apps.append(
                {
                    "id": app_id,
                    "organisation_id": oid,
                    "administration_id": admin,
                    "framework_id": framework,
                    "previous_id": previous_granted,
                    "status": status,
                    "summary": LOREM * 3,
                    "swot_strengths": "Experienced volunteers.",
                    "swot_weaknesses": "Small budget.",
                    "swot_opportunities": "",
                    "swot_threats": "",
                    "sustainability_plan": LOREM,
                    "partner_mapping": "",
                    "created_by_id": w.org_admin[oid],
                    "created_at": created,
                    "submitted_at": submitted,
                    "paused_at": created + timedelta(days=25) if status == "returned" else None,
                    "paused_for": timedelta(days=rng.randint(0, 10)),
                    "return_message": "Please add your statutes." if status == "returned" else "",
                    "moderation_note": "",
                }
            )
            w.applications.append((app_id, oid, admin, status, created))
            for t in rng.sample(activity_types, 2):
                m2m_types.append(
                    {"id": len(m2m_types) + 1, "application_id": app_id, "activitytype_id": t}
                )
            for f in rng.sample(w.facilities_of[admin], min(3, len(w.facilities_of[admin]))):
                m2m_facilities.append(
                    {"id": len(m2m_facilities) + 1, "application_id": app_id, "facility_id": f}
                )
            for p in w.people_of[oid][:2]:
                m2m_people.append(
                    {"id": len(m2m_people) + 1, "application_id": app_id, "person_id": p}
                )
            crits = w.criteria[framework]
            for i, crit in enumerate(crits if status != "draft" else crits[:3]):
                ev_id += 1
                evidence.append(
                    {"id": ev_id, "application_id": app_id, "criterion_id": crit, "text": LOREM}
                )
                if i == 0:
                    doc_id += 1
                    documents.append(
                        {
                            "id": doc_id,
                            "organisation_id": oid,
                            "file": f"documents/bench/{doc_id:08d}",
                            "original_name": "statutes.pdf",
                            "content_type": "application/pdf",
                            "size": 120_000,
                            "uploaded_by_id": w.org_admin[oid],
                            "uploaded_at": created,
                        }
                    )
                    evidence_docs.append(
                        {"id": doc_id, "evidence_id": ev_id, "document_id": doc_id}
                    )
            # Review.
            pool = w.reviewers[admin]
            if status == "decided":
                n_rev = 3
            elif status == "under_review":
                n_rev = 1 if app_id % 4 else 2
            else:
                n_rev = 0
            chosen = rng.sample(pool, min(n_rev, len(pool)))
            if oid == w.persona_org and last:  # type: ignore[attr-defined]
                chosen = chosen[:1]
            for r in chosen:
                as_id += 1
                if status == "decided":
                    a_status = ReviewAssignment.Status.SUBMITTED
                else:
                    a_status = rng.choice(ReviewAssignment.Status.values)
                assigned = (submitted or created) + timedelta(days=2)
                assignments.append(
                    {
                        "id": as_id,
                        "application_id": app_id,
                        "reviewer_id": r,
                        "status": a_status,
                        "assigned_by_id": w.directors[admin],
                        "assigned_at": assigned,
                        "due_at": assigned + timedelta(days=14),
                        "conflict_statement": "No conflict." if a_status != "awaiting" else "",
                        "declared_at": assigned + timedelta(days=1)
                        if a_status != "awaiting"
                        else None,
                        "submitted_at": assigned + timedelta(days=10)
                        if a_status == "submitted"
                        else None,
                    }
                )
                view_grants.append((r, app_id))
                if a_status == ReviewAssignment.Status.SUBMITTED:
                    for crit in crits:
                        sc_id += 1
                        scores.append(
                            {
                                "id": sc_id,
                                "assignment_id": as_id,
                                "criterion_id": crit,
                                "score": rng.randint(1, 4),
                                "comment": "Consistent with the evidence.",
                            }
                        )
            if status != "decided":
                continue
            dec_id += 1
            granted = granted_left > 0 and rng.random() < 0.82
            outcome = (
                _pick(rng, [(Decision.Outcome.ACCREDITED, 80), (Decision.Outcome.CONDITIONAL, 20)])
                if granted
                else Decision.Outcome.REFUSED
            )
            decided = (submitted or created) + timedelta(days=rng.randint(20, 40))
            # Numbered per administration and year, as the decision service numbers them.
            number = references[(admin, decided.year)] = (
                references.get((admin, decided.year), 0) + 1
            )
            decisions.append(
                {
                    "id": dec_id,
                    "reference": f"{admin}/ACC/{decided.year}/{number:04d}",
                    "application_id": app_id,
                    "outcome": outcome,
                    "reasons": "The evidence meets the criteria."
                    if granted
                    else "Insufficient evidence.",
                    "justification": "",
                    "weighted_score": Decimal(rng.randint(40, 95)),
                    "reviewers_passed": granted,
                    "decided_by_id": w.directors[admin],
                    "decided_at": decided,
                    "appeal_deadline": (decided + timedelta(days=30)).date(),
                }
            )
            if outcome == Decision.Outcome.CONDITIONAL:
                met_at = decided + timedelta(days=60) if rng.random() < 0.7 else None
                conditions.append(
                    {
                        "id": len(conditions) + 1,
                        "decision_id": dec_id,
                        "description": "Train every volunteer in safeguarding.",
                        "owner_id": w.org_admin[oid],
                        "due_date": (decided + timedelta(days=90)).date(),
                        "status": Condition.Status.MET if met_at else Condition.Status.OPEN,
                        "met_at": met_at,
                        "met_by_id": w.directors[admin],
                        "met_note": "",
                    }
                )
                if met_at:
                    # A condition met keeps how it was met as its history, as answers record it.
                    condition_responses.append(
                        {
                            "id": len(condition_responses) + 1,
                            "condition_id": len(conditions),
                            "kind": ConditionResponse.Kind.MET,
                            "note": "Every volunteer has been trained.",
                            "by_id": w.directors[admin],
                            "at": met_at,
                        }
                    )
            if not granted:
                if rng.random() < 0.15:
                    open_ = rng.random() < 0.3
                    appeals.append(
                        {
                            "id": len(appeals) + 1,
                            "decision_id": dec_id,
                            "subject": Appeal.Subject.DECISION,
                            "appealed_by_user_id": w.org_admin[oid],
                            "original_decider_id": w.directors[admin],
                            "grounds": "The reviewers missed our statutes.",
                            "lodged_at": decided + timedelta(days=10),
                            "outcome": "" if open_ else Appeal.Outcome.DISMISSED,
                            "reasons": "" if open_ else "The decision stands.",
                            "decided_by_id": None if open_ else w.deputy[admin],
                            "decided_at": None if open_ else decided + timedelta(days=30),
                        }
                    )
                continue
            granted_left -= 1
            acc_id += 1
            valid_from = decided.date()
            valid_until = valid_from + timedelta(days=730)
            if previous_granted is not None:
                # The previous accreditation was renewed by this one.
                accreditations[-1]["status"] = Accreditation.Status.SUPERSEDED
            status_acc = _pick(
                rng,
                [
                    (Accreditation.Status.ACTIVE, 94),
                    (Accreditation.Status.SUSPENDED, 4),
                    (Accreditation.Status.REVOKED, 2),
                ],
            )
            accreditations.append(
                {
                    "id": acc_id,
                    "organisation_id": oid,
                    "decision_id": dec_id,
                    "status": status_acc,
                    "valid_from": valid_from,
                    "valid_until": valid_until,
                    "verification_code": next(codes),
                    "status_reason": "",
                    "status_changed_at": None
                    if status_acc == "active"
                    else decided + timedelta(days=100),
                    "status_changed_by_id": None if status_acc == "active" else w.directors[admin],
                }
            )
            previous_granted = app_id
        _ = today
    # The persona reviewer's handful: five applications under review in administration 1.
    under_review = [a for a in w.applications if a[3] == "under_review" and a[2] == 1]
    for a in under_review[:5]:
        as_id += 1
        assigned = a[4] + timedelta(days=3)
        assignments.append(
            {
                "id": as_id,
                "application_id": a[0],
                "reviewer_id": w.handful_reviewer,  # type: ignore[attr-defined]
                "status": ReviewAssignment.Status.SCORING,
                "assigned_by_id": w.directors[1],
                "assigned_at": assigned,
                "due_at": assigned + timedelta(days=14),
                "conflict_statement": "No conflict.",
                "declared_at": assigned,
                "submitted_at": None,
            }
        )
        view_grants.append((w.handful_reviewer, a[0]))  # type: ignore[attr-defined]
    w.first_under_review = under_review[0][0]  # type: ignore[attr-defined]

    w.loader.copy(Application, apps)
    w.loader.copy(Application.activity_types.through, m2m_types)
    w.loader.copy(Application.facilities.through, m2m_facilities)
    w.loader.copy(Application.people.through, m2m_people)
    w.loader.copy(Document, documents)
    w.loader.copy(Evidence, evidence)
    w.loader.copy(Evidence.documents.through, evidence_docs)
    w.loader.copy(ReviewAssignment, assignments)
    load_without_indexes(Score._meta.db_table, lambda: w.loader.copy(Score, scores))
    w.loader.copy(Decision, decisions)
    w.loader.copy(Accreditation, accreditations)
    w.loader.copy(Condition, conditions)
    w.loader.copy(ConditionResponse, condition_responses)
    w.loader.copy(Appeal, appeals)
    perm = Permission.objects.get(
        codename="view_application", content_type__app_label="accreditation"
    )
    w.loader.copy(
        UserObjectPermission,
        (
            {
                "id": i,
                "user_id": uid,
                "permission_id": perm.pk,
                "content_type_id": perm.content_type_id,
                "object_pk": str(app),
            }
            for i, (uid, app) in enumerate(view_grants, 1)
        ),
    )
    w.doc_id = doc_id  # type: ignore[attr-defined]


def build_mechanisms_and_clearances(w: World) -> None:
    rng, now = w.rng, w.now
    documents, mechanisms, members = [], [], []
    doc_id = w.doc_id  # type: ignore[attr-defined]
    for n, oid in enumerate(w.formal_orgs, 1):  # type: ignore[attr-defined]
        doc_id += 1
        documents.append(
            {
                "id": doc_id,
                "organisation_id": oid,
                "file": f"documents/bench/{doc_id:08d}",
                "original_name": "mandate.pdf",
                "content_type": "application/pdf",
                "size": 80_000,
                "uploaded_by_id": w.directors[1],
                "uploaded_at": now - timedelta(days=1000),
            }
        )
        mechanisms.append(
            {
                "id": n,
                "organisation_id": oid,
                "administration_id": 1 if n % 2 else 2,
                "legal_basis": "Law 12 of 2015",
                "mandate_document_id": doc_id,
                "valid_from": (now - timedelta(days=1000)).date(),
                "valid_until": None,
                "registered_by_id": w.directors[1],
                "registered_at": now - timedelta(days=1000),
            }
        )
        for p in w.people_of[oid]:
            members.append({"id": len(members) + 1, "formalmechanism_id": n, "person_id": p})
    w.loader.copy(Document, documents)
    w.loader.copy(FormalMechanism, mechanisms)
    w.loader.copy(FormalMechanism.members.through, members)

    clearances = []
    today = now.date()
    # Each person is vetted by the administration their organisation applied to last (the first
    # administration when it has not applied), as the clearance migration assigns them.
    applied_to = {
        oid: admin for (_id, oid, admin, status, _at) in w.applications if status != "draft"
    }
    organisation_of = {pid: oid for oid, pids in w.people_of.items() for pid in pids}
    for pid in range(1, sum(len(v) for v in w.people_of.values()) + 1):
        status = _pick(rng, [("cleared", 60), ("expired", 10), ("pending", 20), ("refused", 10)])
        requested = now - timedelta(days=rng.randint(1, 700), seconds=rng.randint(0, 86400))
        row = {
            "id": pid,
            "person_id": pid,
            "administration_id": applied_to.get(organisation_of[pid], w.admins[0]),
            "status": "cleared" if status == "expired" else status,
            "valid_from": None,
            "valid_until": None,
            "reason": "",
            "requested_at": requested,
            "decided_by_id": None,
            "decided_at": None,
        }
        if status in ("cleared", "expired", "refused"):
            row["decided_by_id"] = w.directors[1]
            row["decided_at"] = requested + timedelta(days=5)
        if status == "cleared":
            row["valid_from"] = today - timedelta(days=30)
            row["valid_until"] = today + timedelta(days=rng.randint(30, 700))
        if status == "expired":
            row["valid_from"] = today - timedelta(days=800)
            row["valid_until"] = today - timedelta(days=rng.randint(1, 60))
        if status == "refused":
            row["reason"] = "Identity could not be confirmed."
        clearances.append(row)
    w.loader.copy(Clearance, clearances)


class _Entry:
    """What ``entry_hash`` reads of an entry, without the cost of a model instance."""

    __slots__ = (
        "action",
        "actor_id",
        "actor_label",
        "administration_id",
        "changes",
        "created_at",
        "ip_address",
        "object_id",
        "object_label",
        "object_type",
        "organisation_id",
        "prev_hash",
        "seq",
    )
    seq: int
    created_at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_label: str
    changes: dict[str, Any]
    ip_address: str | None
    prev_hash: str
    # Not set on the bulk entries, so not hashed (``entry_hash`` leaves out what is empty).
    administration_id: int | None
    organisation_id: int | None


AUDIT_ACTIONS = [
    ("application.submitted", "accreditation.application"),
    ("application.updated", "accreditation.application"),
    ("evidence.saved", "accreditation.application"),
    ("review.scores_saved", "accreditation.reviewassignment"),
    ("review.submitted", "accreditation.reviewassignment"),
    ("decision.made", "accreditation.decision"),
    ("clearance.decided", "accreditation.clearance"),
    ("membership.granted", "directory.membership"),
    ("denied.application.view", "accreditation.application"),
    ("notification_preference.updated", "activity.notificationpreference"),
]


def _fast_entry_hash() -> Callable[[_Entry], str]:
    """``entry_hash`` with the key and the encoder prepared once: the same payload, the same
    digest (checked against ``entry_hash`` on a sample while the chain is built)."""
    encoder = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)
    keyed = hmac.new(_key(), digestmod=hashlib.sha256)

    def fast(e: _Entry) -> str:
        payload = {
            "seq": e.seq,
            "created_at": e.created_at.isoformat(),
            "actor_id": e.actor_id,
            "actor_label": e.actor_label,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "object_label": e.object_label,
            "changes": e.changes,
            "ip_address": e.ip_address,
            "prev_hash": e.prev_hash,
        }
        h = keyed.copy()
        h.update(encoder.encode(payload).encode())
        return h.hexdigest()

    return fast


def build_audit(w: World) -> None:
    """The audit trail, in sequence and time order, with its hash chain."""
    rng, now, n = w.rng, w.now, w.sizes.audit_entries
    start = now - timedelta(days=2190)
    step = (now - timedelta(hours=1) - start) / n
    actors = w.staff_users + w.all_users[-2000:]
    labels = {uid: f"user{uid}" for uid in actors}
    apps = len(w.applications)

    fast_hash = _fast_entry_hash()
    changes = [
        {"status": "submitted"},
        {"before": {"status": "draft"}, "after": {"status": "submitted"}},
    ]
    changes_text = [Raw(_json(c)) for c in changes]

    def rows() -> Iterator[dict[str, Any]]:
        prev = GENESIS_HASH
        e = _Entry()
        e.administration_id = e.organisation_id = None
        for seq in range(1, n + 1):
            action, object_type = AUDIT_ACTIONS[seq % len(AUDIT_ACTIONS)]
            actor = actors[seq % len(actors)]
            object_id = str(1 + (seq * 7919) % apps)
            e.seq = seq
            e.created_at = (start + step * seq).replace(microsecond=seq % 1_000_000)
            e.actor_id = actor
            e.actor_label = labels[actor]
            e.action = action
            e.object_type = object_type
            e.object_id = object_id
            e.object_label = f"{object_type.split('.')[1]} {object_id}"
            e.changes = changes[seq % 3 == 0]
            e.ip_address = f"10.0.{seq % 250}.{seq % 200 + 1}" if seq % 4 else None
            e.prev_hash = prev
            h = fast_hash(e)
            if seq <= 1000 or seq % 100_000 == 0:
                assert h == entry_hash(e), "the fast hash no longer matches entry_hash"  # type: ignore[arg-type]
            yield {
                "id": seq,
                "seq": seq,
                "created_at": e.created_at,
                "actor_id": actor,
                "actor_label": e.actor_label,
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "object_label": e.object_label,
                "changes": changes_text[seq % 3 == 0],
                "ip_address": e.ip_address,
                "prev_hash": prev,
                "hash": h,
            }
            prev = h

    _ = rng
    load_without_indexes(AuditEntry._meta.db_table, lambda: w.loader.copy(AuditEntry, rows()))


def build_reminders(w: World) -> None:
    """Reminders sent (each with its notification), pending in the future, and cancelled."""
    rng, now, n = w.rng, w.now, w.sizes.reminders
    director = w.directors[1]
    recipients = w.all_users

    def reminder_rows() -> Iterator[dict[str, Any]]:
        for rid in range(1, n + 1):
            # The director receives a notification a day or so: about 1,000 of them.
            user = director if rid % 150 == 0 else recipients[(rid * 31) % len(recipients)]
            kind = _pick(rng, [("sent", 75), ("pending", 20), ("cancelled", 5)])
            due = (
                now - timedelta(days=rng.randint(1, 1500))
                if kind != "pending"
                else now + timedelta(days=rng.randint(1, 400))
            )
            yield {
                "id": rid,
                "recipient_id": user,
                "kind": "activity.message",
                "key": f"application:{rid}:due-30d:user:{user}",
                "subject": f"Reminder {rid}: a deadline is near",
                "body": "Your review is due in seven days.",
                "url": f"/accreditation/applications/{1 + rid % len(w.applications)}/",
                "due_at": due,
                "state": kind,
                "lease_until": None,
                "attempts": 1 if kind == "sent" else 0,
                "sent_at": due + timedelta(seconds=20) if kind == "sent" else None,
                "created_at": due - timedelta(days=30),
                "_sent": kind == "sent",
            }

    notifications: list[dict[str, Any]] = []

    def with_notifications() -> Iterator[dict[str, Any]]:
        for row in reminder_rows():
            if row.pop("_sent"):
                notifications.append(
                    {
                        "id": len(notifications) + 1,
                        "recipient_id": row["recipient_id"],
                        "reminder_id": row["id"],
                        "subject": row["subject"],
                        "body": row["body"],
                        "url": row["url"],
                        "created_at": row["sent_at"],
                        "read_at": row["sent_at"] + timedelta(hours=3)
                        if rng.random() < 0.8
                        else None,
                        "emailed_at": row["sent_at"],
                    }
                )
            yield row

    load_without_indexes(
        Reminder._meta.db_table, lambda: w.loader.copy(Reminder, with_notifications())
    )
    load_without_indexes(
        Notification._meta.db_table, lambda: w.loader.copy(Notification, notifications)
    )


MODELS: list[type[models.Model]] = [
    Administration,
    Facility,
    Area,
    Organisation,
    User,
    Membership,
    UserObjectPermission,
    User.user_permissions.through,
    Person,
    Framework,
    Criterion,
    Level,
    Application,
    Application.activity_types.through,
    Application.facilities.through,
    Application.people.through,
    Document,
    Evidence,
    Evidence.documents.through,
    ReviewAssignment,
    Score,
    Decision,
    Accreditation,
    Condition,
    ConditionResponse,
    Appeal,
    FormalMechanism,
    FormalMechanism.members.through,
    Clearance,
    AuditEntry,
    Reminder,
    Notification,
]


def dataset_info() -> dict[str, Any] | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_dataset')")
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute("SELECT version, built_at, seconds, sizes FROM bench_dataset")
        row = cursor.fetchone()
    if row is None:
        return None
    sizes = json.loads(row[3]) if isinstance(row[3], str) else row[3]
    return {"version": row[0], "built_at": row[1], "seconds": row[2], "sizes": sizes}


def build(sizes: Sizes, *, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Fill the (freshly migrated, empty) database; return what was built and how long it took."""
    # The agreements step builds on what the others built; it is a module of its own, which a
    # data set built before agreements existed also runs (``build_agreements.add_to_existing``).
    from .build_agreements import build_agreements
    from .build_recommendations import build_recommendations
    from .build_visits import build_visits

    started = time.monotonic()
    w = World(now=datetime.now(UTC), rng=random.Random(7), sizes=sizes)
    # The NGO administrator persona's organisation: an ordinary NGO with a handful of applications.
    w.persona_org = max(2, sizes.organisations // 250) + max(2, sizes.organisations // 100) + 3  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
        cursor.execute("SET maintenance_work_mem TO '256MB'")
    steps: list[tuple[str, Callable[[World], Any]]] = [
        ("directory", build_directory),
        ("users, memberships, permissions, people", build_users),
        ("frameworks", build_frameworks),
        ("applications, evidence, reviews, decisions", build_applications),
        ("formal mechanisms, clearances", build_mechanisms_and_clearances),
        ("reminders, notifications", build_reminders),
        ("audit trail", build_audit),
        ("agreements", build_agreements),
        ("visits", build_visits),
        ("recommendations", build_recommendations),
    ]
    timings = {}
    for name, step in steps:
        t0 = time.monotonic()
        step(w)
        timings[name] = round(time.monotonic() - t0, 1)
        log(f"  {name}: {timings[name]} s")
    reset_sequences(MODELS)
    t0 = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    timings["analyze"] = round(time.monotonic() - t0, 1)
    seconds = round(time.monotonic() - started, 1)
    counts = dict(w.loader.counts)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_dataset "
            "(version int, built_at timestamptz, seconds real, sizes jsonb)"
        )
        cursor.execute(
            "INSERT INTO bench_dataset VALUES (%s, now(), %s, %s)",
            [
                VERSION,
                seconds,
                json.dumps(
                    {
                        "counts": counts,
                        "steps": timings,
                        "visits": getattr(w, "visits_info", None),
                        "recommendations": getattr(w, "recommendations_info", None),
                    }
                ),
            ],
        )
    return {"seconds": seconds, "counts": counts, "steps": timings}


def add_stage_to_existing(
    stage: Callable[[World], dict[str, Any] | None],
    tables: Iterable[type[models.Model]],
    *,
    app_label: str,
    step: str,
    seed: int,
) -> dict[str, Any]:
    """Run a later module's ``stage`` on a data set built before that module existed, at the
    scale the data set was built at, and record what it added with the data set: its tables'
    counts, the step's time, and what the stage returns (kept under ``app_label``)."""
    info = dataset_info()
    assert info is not None
    counts = info["sizes"]["counts"]
    scale = counts.get("directory_organisation", Sizes.organisations) / Sizes.organisations
    sizes = Sizes().scaled(scale) if scale != 1 else Sizes()
    started = time.monotonic()
    w = World(now=datetime.now(UTC), rng=random.Random(seed), sizes=sizes)
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    recorded = stage(w)
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    seconds = round(time.monotonic() - started, 1)
    for table, count in w.loader.counts.items():
        # The module's own tables were empty; the earlier modules' tables gained rows.
        added = table.startswith(f"{app_label}_")
        counts[table] = count if added else counts.get(table, 0) + count
    sizes_record = {
        **info["sizes"],
        "counts": counts,
        "steps": {**info["sizes"].get("steps", {}), step: seconds},
        **({app_label: recorded} if recorded is not None else {}),
    }
    with connection.cursor() as cursor:
        cursor.execute("UPDATE bench_dataset SET sizes = %s", [json.dumps(sizes_record)])
    return {
        "seconds": seconds,
        "counts": dict(w.loader.counts),
        **({app_label: recorded} if recorded is not None else {}),
    }
