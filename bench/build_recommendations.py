# The builder assembles rows as loosely typed lists and dicts for COPY; their element types are
# not worth spelling out for mypy.
# mypy: disable-error-code="var-annotated,assignment,arg-type,attr-defined,index,union-attr"
"""The recommendations part of the data set: 30,000 reports written after visits that took place,
300,000 recommendations, their findings, the authorities' answers, the plans of action (120,000
actions with 200,000 progress updates) and what the organisations verified, with a responsible
official for each facility.

It reads what it builds on from the database (the visits that took place, their MoUs' response
windows, the directors and coordinators, the areas and the follow-up visits), so it runs the same
after the other steps of a fresh build and on a data set built before recommendations existed
(``add_to_existing``).

Each report follows the calendar of its visit: written within days, submitted a few weeks after
(recent ones are still drafts), the MoU's window running from the submission. Where the window
is still open the report is confidential, answered or not yet; where it closed, the authorities
answered (most) or did not and the embargo lifted by itself, and most of those reports are
published with their public version. About 2,000 reports have their window closed without an
answer and are still under embargo: what the sweep (``window.embargo_sweep``) lifts next, which
the benchmark times. A monitoring body's report has no window. Actions are planned after the
answer, for the recommendations not rejected, each given to the responsible official of the
facility (a few to the administration's own); those due in the past are mostly completed, the
others overdue; each recommendation's claimed status follows its actions as
``plan.claimed_status`` derives it. An open recommendation is on the checklist of its
organisation's next follow-up visit to the facility, with a result once that visit took place;
a completed action is often verified from its evidence.
"""

import bisect
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, models

from directory.models import Area, Facility, Membership, Role
from recommendations.models import (
    Action,
    Effort,
    Engagement,
    Finding,
    Priority,
    ProgressUpdate,
    Recommendation,
    Report,
    Theme,
    Verification,
)
from recommendations.services.plan import claimed_status
from recommendations.standards import STANDARDS
from visits.models import Purpose, Visit

from .build import World, reset_sequences
from .build_visits import _table, _without_indexes_and_keys

#: The tables this step fills, for the sequences and the planner's statistics.
MODELS: list[type[models.Model]] = [
    User,
    Membership,
    Report,
    Finding,
    Recommendation,
    Engagement,
    Action,
    Action.recommendations.through,
    ProgressUpdate,
    Verification,
]
ADDED_STEP = "recommendations (added to the data set)"
#: Reports whose window closed without an answer and that are still under embargo (at full
#: scale): the embargo sweep's work, timed by the benchmark.
DUE = 2_000
#: The persona whose actions the benchmark lists ("my actions").
OFFICIAL_PERSONA = "bench-official"

PRIORITIES = _table(
    [(Priority.URGENT, 10), (Priority.HIGH, 30), (Priority.MEDIUM, 40), (Priority.LOW, 20)]
)
RESPONSES = _table(
    [
        (Recommendation.Response.ACCEPTED, 60),
        (Recommendation.Response.PARTLY, 25),
        (Recommendation.Response.REJECTED, 15),
    ]
)
EFFORTS = _table([(Effort.LOW, 45), (Effort.MEDIUM, 40), (Effort.HIGH, 15)])
#: An action due in the past: mostly done, some overdue; one due later: mostly under way.
PAST_DUE = _table([("completed", 72), ("in_progress", 12), ("planned", 6), ("cancelled", 10)])
LATER = _table([("planned", 40), ("in_progress", 50), ("completed", 8), ("cancelled", 2)])
RESULTS = _table(
    [
        (Recommendation.Verified.IMPLEMENTED, 45),
        (Recommendation.Verified.PARTLY, 35),
        (Recommendation.Verified.NOT_IMPLEMENTED, 20),
    ]
)
THEMES = list(Theme.values)
CODES = list(STANDARDS)
RECOMMENDATION_TEXTS = [
    "Keep a reserve of essential medicines so that no treatment is interrupted.",
    "Give every block drinking water at all hours.",
    "End any segregation beyond 15 consecutive days.",
    "Record every disciplinary hearing and what the person said.",
    "Post the complaints procedure in every block, in the languages spoken there.",
    "Name a reserve escort so that classes are held as timetabled.",
    "Pay workshop work every month, at the posted rate.",
    "Let people call their families at least once a week.",
    "Have a doctor examine anyone after force is used, and record the injuries.",
    "Repair the windows of the dormitories before the winter.",
    "Give women the hygiene items they need, free of charge.",
    "Keep children apart from adults at all times.",
    "Train every officer in de-escalation within the year.",
    "Prepare each person's release with a plan for housing and work.",
]
FINDINGS = [
    (Finding.Kind.GOOD_PRACTICE, "Staff gave the delegation every register it asked for.", ""),
    (
        Finding.Kind.CONCERN,
        "Medicines for chronic illness run out before the monthly delivery.",
        "The pharmacy log of the last three months.",
    ),
    (
        Finding.Kind.CONCERN,
        "Classes are cancelled whenever the wing is short of an escort.",
        "Timetable of the last month: 9 of 20 classes cancelled.",
    ),
    (
        Finding.Kind.CONCERN,
        "Three people had been held in segregation for more than 15 days.",
        "The segregation register on the day of the visit.",
    ),
]
ACTION_TITLES = [
    "Monthly stock count and a two-week reserve",
    "Install drinking-water fountains",
    "Weekly review of every segregation with the doctor",
    "Minute disciplinary hearings in the case system",
    "Print and post the complaints procedure",
    "Name reserve escorts for the education wing",
    "Budget request for next year",
    "Training sessions for the officers of each shift",
]
NOTES = [
    "Work started; the contractor is on site.",
    "Half of the blocks done.",
    "Costs asked from two suppliers.",
    "Completed; photographs attached.",
]


@dataclass
class _Report:
    id: int
    visit: int
    administration: int
    organisation: int
    facility: int
    agreement: int | None
    visited: datetime
    status: str
    created: datetime
    submitted: datetime | None
    respond_by: datetime | None
    engaged: datetime | None
    released: datetime | None
    reason: str
    published: datetime | None
    recs: list[list[Any]] = field(default_factory=list)


# A recommendation while it is planned, as a list (cheaper than an object, 300,000 times):
R_ID, R_REPORT, R_PRIORITY, R_RESPONSE, R_DEADLINE, R_ACTIONS, R_RESULT, R_AT, R_IMPL = range(9)
R_CLAIMED = 9


def _read(now: datetime, count: int, rng: Any) -> dict[str, Any]:
    """The visits reports are written of (a sample of those that took place), and the people
    and places the step needs."""
    visits = list(
        Visit.objects.filter(
            starts_at__lt=now - timedelta(days=1),
            status__in=Visit.EXPECTED_STATUSES,
            purpose__in=[Purpose.SERVICE, Purpose.FOLLOW_UP, Purpose.MONITORING],
        )
        .order_by("id")
        .values_list(
            "id",
            "administration_id",
            "organisation_id",
            "facility_id",
            "agreement_id",
            "starts_at",
            "agreement__response_days",
            "requested_by_id",
        )
    )
    chosen = sorted(rng.sample(visits, min(count, len(visits))), key=lambda v: (v[5], v[0]))
    follow_ups: dict[tuple[int, int], list[tuple[datetime, int]]] = {}
    for pk, organisation, facility, starts in (
        Visit.objects.filter(purpose=Purpose.FOLLOW_UP, status=Visit.Status.APPROVED)
        .order_by("starts_at", "id")
        .values_list("id", "organisation_id", "facility_id", "starts_at")
    ):
        follow_ups.setdefault((organisation, facility), []).append((starts, pk))
    areas: dict[int, list[int]] = {}
    for pk, facility in Area.objects.order_by("id").values_list("id", "facility_id"):
        areas.setdefault(facility, []).append(pk)

    def first(role: str) -> dict[int, int]:
        found: dict[int, int] = {}
        for admin, user in (
            Membership.objects.filter(role=role, administration__isnull=False)
            .order_by("id")
            .values_list("administration_id", "user_id")
        ):
            found.setdefault(admin, user)
        return found

    return {
        "visits": chosen,
        "follow_ups": follow_ups,
        "areas": areas,
        "directors": first(Role.DIRECTOR),
        "coordinators": first(Role.COORDINATOR),
        "officials": first(Role.RESPONSIBLE_OFFICIAL),
        "facilities": dict(Facility.objects.values_list("id", "administration_id")),
    }


def _officials(w: World, facilities: dict[int, int], busy: int | None) -> dict[int, int]:
    """One responsible official for each facility, as users with a membership (those a
    facility has already are kept); the busiest facility's is the benchmark's persona."""
    officials = dict(
        Membership.objects.filter(role=Role.RESPONSIBLE_OFFICIAL, facility__isnull=False)
        .order_by("-id")
        .values_list("facility_id", "user_id")
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM auth_user")
        user_id = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM directory_membership")
        membership_id = cursor.fetchone()[0]
    persona = busy if busy in facilities else min(facilities)
    users, memberships = [], []
    for facility in sorted(set(facilities) - set(officials)):
        user_id += 1
        membership_id += 1
        name = OFFICIAL_PERSONA if facility == persona else f"official-f{facility}"
        users.append(
            {
                "id": user_id,
                "password": "!unusable",
                "is_superuser": False,
                "username": name,
                "first_name": "Óscar",
                "last_name": f"Official {facility}",
                "email": f"{name}@example.org",
                "is_staff": False,
                "is_active": True,
                "date_joined": w.now - timedelta(days=2000),
            }
        )
        memberships.append(
            {
                "id": membership_id,
                "user_id": user_id,
                "role": Role.RESPONSIBLE_OFFICIAL,
                "facility_id": facility,
                "created_at": w.now - timedelta(days=2000),
            }
        )
        officials[facility] = user_id
    w.loader.copy(User, users)
    w.loader.copy(Membership, memberships)
    return officials


def _plan_report(
    n: int, visit: tuple[Any, ...], now: datetime, rng: Any, due_left: list[int]
) -> _Report:
    """A report of the visit, in the state its calendar gives it."""
    pk, admin, org, facility, agreement, starts, days, _requester = visit
    created = starts + timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 8))
    submitted = created + timedelta(days=rng.randint(5, 40))
    r = _Report(
        n,
        pk,
        admin,
        org,
        facility,
        agreement,
        starts,
        "draft",
        min(created, now),
        None,
        None,
        None,
        None,
        "",
        None,
    )
    if submitted >= now or rng.random() < 0.02:
        return r
    r.submitted = submitted
    r.status = Report.Status.SUBMITTED
    if agreement is None:
        # A monitoring body's report: its own mandate lifts the embargo.
        if rng.random() < 0.6 and submitted + timedelta(days=45) < now:
            r.released = submitted + timedelta(days=45)
            r.reason = Report.ReleaseReason.MANDATE
            r.status = Report.Status.RELEASED
    else:
        r.respond_by = submitted + timedelta(days=days or 30)
        engaged = rng.random() < 0.75
        if engaged:
            r.engaged = submitted + timedelta(days=rng.randint(1, days or 30) - 1, hours=3)
        if r.respond_by > now:
            if r.engaged and r.engaged > now:
                r.engaged = None
            return r
        if not engaged and due_left[0] > 0 and r.respond_by > now - timedelta(days=3 * 365):
            # Closed without an answer, still under embargo: the sweep's work.
            due_left[0] -= 1
            return r
        if not engaged:
            r.released, r.reason = r.respond_by, Report.ReleaseReason.WINDOW_CLOSED
        elif rng.random() < 0.8:
            r.released = (r.engaged or submitted) + timedelta(days=rng.randint(5, 60))
            r.reason = Report.ReleaseReason.CONSENT
        if r.released and r.released >= now:
            r.released, r.reason = None, ""
        if r.released:
            r.status = Report.Status.RELEASED
    if r.released and rng.random() < 0.85:
        published = r.released + timedelta(days=rng.randint(3, 30))
        if published < now:
            r.published = published
            r.status = Report.Status.PUBLISHED
    return r


def build_recommendations(w: World, *, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Fill the recommendations tables of a data set whose visits exist; return what the
    benchmark's pages need to know (its personas, a report and an action to show)."""
    t0 = time.monotonic()
    rng, now, s = w.rng, w.now, w.sizes
    today = now.date()
    c = _read(now, s.recommendation_reports, rng)
    from .build_visits import visits_info

    # The visits step of this build left its record on the world; a data set gaining its
    # recommendations later has it in its recorded sizes.
    busy = (getattr(w, "visits_info", None) or visits_info() or {}).get("busy_facility")
    officials = _officials(w, c["facilities"], busy)
    due_left = [max(20, DUE * s.recommendation_reports // 30_000)]
    reports = [
        _plan_report(n, visit, now, rng, due_left) for n, visit in enumerate(c["visits"], start=1)
    ]
    # Recommendations: about ten a report, numbered; a few repeat an earlier one to the facility.
    per_report = max(1, s.recommendations // max(1, len(reports)))
    earlier: dict[int, list[int]] = {}  # facility → recommendations of submitted reports
    rec_rows: list[list[Any]] = []
    repeats: dict[int, int] = {}
    for r in reports:
        for _ in range(rng.randint(max(1, per_report - 6), per_report + 6)):
            rec = [len(rec_rows) + 1, r, rng.choice(PRIORITIES), "", None, [], "", None, None, ""]
            if r.submitted:
                rec[R_DEADLINE] = (r.submitted + timedelta(days=rng.randint(30, 365))).date()
                if r.engaged and r.engaged < now and rng.random() < 0.95:
                    rec[R_RESPONSE] = rng.choice(RESPONSES)
            previous = earlier.get(r.facility)
            if previous and rng.random() < 0.08:
                repeats[rec[R_ID]] = rng.choice(previous[-50:])
            rec_rows.append(rec)
            r.recs.append(rec)
        if r.submitted:
            earlier.setdefault(r.facility, []).extend(rec[R_ID] for rec in r.recs)
    # The plan: actions for the recommendations answered and not rejected (and, once the window
    # closed without an answer, for some of the others), due by the proposed deadline.
    plannable = [
        rec
        for rec in rec_rows
        if rec[R_REPORT].submitted
        and rec[R_RESPONSE] != Recommendation.Response.REJECTED
        and (rec[R_RESPONSE] or rec[R_REPORT].released)
    ]
    rng.shuffle(plannable)
    may_plan = {rec[R_ID] for rec in plannable}
    actions, links, updates = [], [], []
    link_id = update_id = 0
    for rec in plannable:
        if len(actions) >= s.actions:
            break
        r = rec[R_REPORT]
        group = [rec] + [
            other
            for other in rng.sample(r.recs, min(2, len(r.recs)))
            if other is not rec and other[R_ID] in may_plan and rng.random() < 0.15
        ]
        start = (r.engaged or r.released or r.submitted) + timedelta(days=rng.randint(3, 30))
        if start >= now:
            continue
        due = rec[R_DEADLINE] or (start + timedelta(days=120)).date()
        if due <= start.date():
            due = start.date() + timedelta(days=rng.randint(14, 120))
        status = rng.choice(PAST_DUE if due < today else LATER)
        progress = {"planned": 0, "in_progress": rng.randint(1, 9) * 10, "completed": 100}.get(
            status, rng.randint(0, 5) * 10
        )
        completed = None
        if status == "completed":
            completed = min(
                now - timedelta(hours=1), datetime.combine(due, start.timetz()) - timedelta(days=3)
            )
            completed = max(completed, start + timedelta(days=1))
        action_id = len(actions) + 1
        responsible = (
            officials[r.facility]
            if rng.random() < 0.9
            else c["officials"].get(r.administration, officials[r.facility])
        )
        actions.append(
            {
                "id": action_id,
                "administration_id": r.administration,
                "organisation_id": r.organisation,
                "title": rng.choice(ACTION_TITLES),
                "description": "",
                "responsible_id": responsible,
                "due_on": due,
                "effort": rng.choice(EFFORTS),
                "progress": progress,
                "status": status,
                "created_by_id": c["coordinators"].get(r.administration)
                or c["directors"][r.administration],
                "created_at": start,
                "completed_at": completed,
            }
        )
        for member in group:
            link_id += 1
            links.append({"id": link_id, "action_id": action_id, "recommendation_id": member[R_ID]})
            member[R_ACTIONS].append((status, progress))
        steps = {"planned": 0, "cancelled": 0, "in_progress": rng.randint(1, 3)}.get(
            status, rng.randint(2, 3)
        )
        end = completed or min(now - timedelta(hours=1), start + timedelta(days=200))
        for k in range(1, steps + 1):
            update_id += 1
            last = k == steps
            updates.append(
                {
                    "id": update_id,
                    "action_id": action_id,
                    "progress": progress if last else progress * k // (steps + 1),
                    "status": status if last else "in_progress",
                    "note": rng.choice(NOTES),
                    "author_id": responsible,
                    "at": start + (end - start) * k / (steps + 1),
                }
            )
    # Verification: each open recommendation on its organisation's next follow-up visit to the
    # facility after the submission, with a result once the visit took place; a completed action
    # often verified from its evidence.
    verifications = []
    for rec in rec_rows:
        r = rec[R_REPORT]
        if not r.submitted or rec[R_RESPONSE] == Recommendation.Response.REJECTED:
            continue
        claimed = rec[R_CLAIMED] = claimed_status(rec[R_ACTIONS])
        checks: list[tuple[int | None, datetime]] = []
        visits = c["follow_ups"].get((r.organisation, r.facility))
        if visits:
            i = bisect.bisect_right(visits, (r.submitted, 1 << 62))
            if i < len(visits):
                checks.append((visits[i][1], visits[i][0]))
        if claimed == "implemented" and rng.random() < 0.6:
            checks.append((None, now - timedelta(days=rng.randint(1, 300))))
        for visit, at in sorted(checks, key=lambda check: check[1]):
            done = at < now
            result = (
                Recommendation.Verified.IMPLEMENTED
                if done and claimed == "implemented" and rng.random() < 0.7
                else rng.choice(RESULTS)
                if done
                else ""
            )
            if visit is None and at < r.submitted:
                continue
            verifications.append(
                {
                    "id": len(verifications) + 1,
                    "recommendation_id": rec[R_ID],
                    "visit_id": visit,
                    "result": result,
                    "note": "Seen on the day." if result else "",
                    "verified_by_id": None,
                    "verified_at": at + timedelta(hours=2) if result else None,
                }
            )
            if result:
                rec[R_RESULT], rec[R_AT] = result, at + timedelta(hours=2)
                if result == Recommendation.Verified.IMPLEMENTED and rec[R_IMPL] is None:
                    rec[R_IMPL] = rec[R_AT]
    planned = time.monotonic() - t0
    log(
        f"    planned {len(reports)} reports, {len(rec_rows)} recommendations, "
        f"{len(actions)} actions in {planned:.1f} s"
    )

    t1 = time.monotonic()
    # The member who requested the visit writes its report and verifies its recommendations.
    writer = {pk: requester for pk, _a, _o, _f, _ag, _s, _d, requester in c["visits"]}
    for row in verifications:
        if row["result"]:
            row["verified_by_id"] = writer[rec_rows[row["recommendation_id"] - 1][R_REPORT].visit]

    def report_rows() -> Iterator[dict[str, Any]]:
        for r in reports:
            row = {
                "id": r.id,
                "administration_id": r.administration,
                "organisation_id": r.organisation,
                "facility_id": r.facility,
                "visit_id": r.visit,
                "agreement_id": r.agreement,
                "title": f"Visit of {r.visited:%d %B %Y}",
                "summary": "What the visit found, and what the organisation recommends.",
                "status": r.status,
                "created_by_id": writer[r.visit],
                "created_at": r.created,
                "submitted_at": r.submitted,
                "respond_by": r.respond_by,
                "engaged_at": r.engaged,
                "released_at": r.released,
                "release_reason": r.reason,
                "redactions": [],
                "public_version": {},
                "published_at": r.published,
                "published_by_id": writer[r.visit] if r.published else None,
            }
            if r.published:
                row["redactions"] = ["A-0000001"]
                row["public_version"] = _public_version(r, row)
            yield row

    def finding_rows() -> Iterator[dict[str, Any]]:
        n = 0
        for r in reports:
            for kind, text, evidence in [FINDINGS[0], *rng.sample(FINDINGS[1:], 2)]:
                n += 1
                yield {
                    "id": n,
                    "report_id": r.id,
                    "kind": kind,
                    "text": text,
                    "evidence": evidence,
                    "created_at": r.created,
                }

    def recommendation_rows() -> Iterator[dict[str, Any]]:
        numbers: dict[int, int] = {}
        for rec in rec_rows:
            r = rec[R_REPORT]
            numbers[r.id] = number = numbers.get(r.id, 0) + 1
            areas = c["areas"].get(r.facility, [])
            response = rec[R_RESPONSE]
            yield {
                "id": rec[R_ID],
                "report_id": r.id,
                "administration_id": r.administration,
                "organisation_id": r.organisation,
                "facility_id": r.facility,
                "number": number,
                "area_id": areas[rec[R_ID] % len(areas)] if areas and rec[R_ID] % 3 else None,
                "text": RECOMMENDATION_TEXTS[rec[R_ID] % len(RECOMMENDATION_TEXTS)],
                "priority": rec[R_PRIORITY],
                "quick_win": rec[R_ID] % 5 == 0,
                "theme": THEMES[(rec[R_ID] * 7) % len(THEMES)],
                "standards": [CODES[(rec[R_ID] * 13) % len(CODES)]],
                "proposed_deadline": rec[R_DEADLINE],
                "repeats_id": repeats.get(rec[R_ID]),
                "response": response,
                "response_reason": ""
                if response in ("", Recommendation.Response.ACCEPTED)
                else "Not within this year's budget.",
                "responded_by_id": c["directors"][r.administration] if response else None,
                "responded_at": r.engaged if response else None,
                "claimed_status": rec[R_CLAIMED] or Recommendation.Claimed.NOT_STARTED,
                "verified_status": rec[R_RESULT] or Recommendation.Verified.UNVERIFIED,
                "verified_at": rec[R_AT],
                "implemented_at": rec[R_IMPL],
            }

    def engagement_rows() -> Iterator[dict[str, Any]]:
        n = 0
        for rec in rec_rows:
            r = rec[R_REPORT]
            if rec[R_RESPONSE]:
                n += 1
                yield {
                    "id": n,
                    "report_id": r.id,
                    "kind": Engagement.Kind.ANSWER,
                    "recommendation_id": rec[R_ID],
                    "note": "",
                    "actor_id": c["directors"][r.administration],
                    "at": r.engaged,
                }
        for r in reports:
            if r.reason == Report.ReleaseReason.CONSENT:
                n += 1
                yield {
                    "id": n,
                    "report_id": r.id,
                    "kind": Engagement.Kind.CONSENT,
                    "note": "",
                    "actor_id": c["directors"][r.administration],
                    "at": r.released,
                }

    loader = w.loader
    tables = [
        m._meta.db_table
        for m in (
            Report,
            Finding,
            Recommendation,
            Engagement,
            Action,
            Action.recommendations.through,
            ProgressUpdate,
            Verification,
        )
    ]

    def load() -> None:
        loader.copy(Report, report_rows())
        loader.copy(Finding, finding_rows())
        loader.copy(Recommendation, recommendation_rows())
        loader.copy(Engagement, engagement_rows())
        loader.copy(Action, actions)
        loader.copy(Action.recommendations.through, links)
        loader.copy(ProgressUpdate, updates)
        loader.copy(Verification, verifications)

    _without_indexes_and_keys(tables, load)
    reset_sequences(MODELS)
    log(f"    written in {time.monotonic() - t1:.1f} s")
    statuses: dict[str, int] = {}
    for r in reports:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    action_statuses: dict[str, int] = {}
    overdue = 0
    for a in actions:
        action_statuses[a["status"]] = action_statuses.get(a["status"], 0) + 1
        overdue += a["status"] in Action.UNFINISHED_STATUSES and a["due_on"] < today
    w.recommendations_info = info = {
        "reports": len(reports),
        "recommendations": len(rec_rows),
        "actions": len(actions),
        "updates": len(updates),
        "verifications": len(verifications),
        "statuses": statuses,
        "action_statuses": action_statuses,
        "overdue": overdue,
        "due": max(20, DUE * s.recommendation_reports // 30_000) - due_left[0],
        "official": officials.get(busy if busy in officials else min(officials)),
        "busy_facility": busy,
    }
    return info


def _public_version(r: _Report, row: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": row["title"],
        "summary": row["summary"],
        "organisation": f"Organisation {r.organisation}",
        "facility": f"Facility {r.facility}",
        "visited_on": r.visited.date().isoformat(),
        "submitted_on": r.submitted.date().isoformat() if r.submitted else "",
        "findings": [{"kind": k, "text": t, "evidence": e} for k, t, e in FINDINGS[:3]],
        "recommendations": [
            {
                "number": n,
                "text": RECOMMENDATION_TEXTS[rec[R_ID] % len(RECOMMENDATION_TEXTS)],
                "area": "",
                "priority": rec[R_PRIORITY],
                "quick_win": rec[R_ID] % 5 == 0,
                "theme": THEMES[(rec[R_ID] * 7) % len(THEMES)],
                "standards": [CODES[(rec[R_ID] * 13) % len(CODES)]],
                "response": rec[R_RESPONSE],
                "response_reason": "",
            }
            for n, rec in enumerate(r.recs, start=1)
        ],
    }


def has_recommendations() -> bool:
    return Report.objects.exists()


def add_to_existing(*, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Give a data set built before recommendations existed its reports, at the scale it was
    built at, and record them with the data set."""
    from .build import add_stage_to_existing

    return add_stage_to_existing(
        lambda w: build_recommendations(w, log=log),
        MODELS,
        app_label="recommendations",
        step=ADDED_STEP,
        seed=17,
    )


def recommendations_info() -> dict[str, Any] | None:
    """What the step recorded with the data set: its personas and counts."""
    from .build import dataset_info

    info = dataset_info()
    return info["sizes"].get("recommendations") if info else None
