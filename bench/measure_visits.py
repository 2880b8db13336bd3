"""The visits pages the benchmark measures, and the capacity check under concurrent requests.

A page is one line of ``VISIT_PAGES``: its name, whose page it is, the URL's name and the
arguments it takes from the data set (``_context``). A page whose URL name the project does not
have (yet) is left out and named in the report.
"""

import os
import statistics
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from activity.errors import DomainError
from agreements.models import Agreement
from agreements.selectors import agreements_in_force
from directory.models import Facility, Membership, Person, Role
from visits.models import CalendarFeed, Visit, VisitingWindow, Visitor
from visits.services import requests as request_services
from visits.services._common import closure_blocking, rules_of
from visits.terms import Plan, breaches

from .build_visits import FUTURE_DAYS, visits_info

#: The capacity check: so many requests at once for so many places left.
CONCURRENT = 50
LAST_PLACES = 10


@dataclass(frozen=True)
class VisitPage:
    name: str
    persona: str  # a key of PERSONAS, or one of the visits' own (``visit_personas``)
    url_name: str
    kind: str = "list"
    arg: str = ""  # a key of ``_context``: the URL's argument
    query: str = ""  # formatted with ``_context``
    deep: bool = False


#: Every visits page, one line each. The busiest facility's officer and gate officer (``officer``,
#: ``gate``) see about forty visits today; ``joint_visit`` is today's joint monitoring visit there,
#: with a dozen people; ``monitor`` is a member of its monitoring body.
VISIT_PAGES = [
    VisitPage("visits", "director", "visits:visit_list"),
    VisitPage("visits, requested", "director", "visits:visit_list", query="status=requested"),
    VisitPage("visits, one facility", "director", "visits:visit_list", query="facility={facility}"),
    VisitPage("visits, page 21", "director", "visits:visit_list", deep=True),
    VisitPage("visits", "coordinator", "visits:visit_list"),
    VisitPage("visits", "officer", "visits:visit_list"),
    VisitPage("visits", "gate", "visits:visit_list"),
    VisitPage("visits", "ngo_member", "visits:visit_list"),
    VisitPage("visits", "monitor", "visits:visit_list"),
    VisitPage("visit page, joint", "director", "visits:visit_detail", "detail", "joint_visit"),
    VisitPage("visit page, joint", "gate", "visits:visit_detail", "detail", "joint_visit"),
    VisitPage("visit page, joint", "monitor", "visits:visit_detail", "detail", "joint_visit"),
    VisitPage("visits, notify a monitoring visit", "monitor", "visits:monitoring_new", "detail"),
    VisitPage(
        "visits suggestions, facilities",
        "monitor",
        "visits:monitoring_facility_choices",
        "suggest",
        query="q=hope",
    ),
    VisitPage(
        "visits suggestions, experts",
        "monitor",
        "visits:monitoring_expert_choices",
        "suggest",
        query="q=person",
    ),
    VisitPage("visits gate manifest", "gate", "visits:gate_manifest", arg="facility"),
    VisitPage(
        "visits gate manifest, printed", "gate", "visits:gate_manifest_print", arg="facility"
    ),
    VisitPage("visits searches above the default", "director", "visits:gate_searches"),
    VisitPage("visits review queue", "officer", "visits:review_list"),
    VisitPage("visits review queue", "director", "visits:review_list"),
    VisitPage("visits calendar", "officer", "visits:facility_calendar", arg="facility"),
    VisitPage("visits entrance protocol", "officer", "visits:protocol_detail", arg="facility"),
    VisitPage("visits calendar feed", "officer", "visits:feed", "detail", "officer_token"),
    VisitPage("visits calendar feed", "ngo_member", "visits:feed", "detail", "member_token"),
    VisitPage("visits facility dashboard", "officer", "dashboard", "dashboard"),
    VisitPage("visits facility dashboard", "gate", "dashboard", "dashboard"),
]


def visit_personas() -> dict[str, User]:
    """The users of the busiest facility and of the joint visit's monitoring body."""
    info = visits_info() or {}
    return {
        key: User.objects.get(pk=info[key])
        for key in ("officer", "gate", "monitor")
        if info.get(key)
    }


def _token(user: User) -> str:
    feed = CalendarFeed.objects.filter(user=user).first()
    return feed.token if feed else ""


def _context(users: dict[str, User]) -> dict[str, Any]:
    info = visits_info() or {}
    return {
        "facility": info.get("busy_facility"),
        "joint_visit": info.get("joint_visit"),
        "officer_token": _token(users["officer"]) if "officer" in users else "",
        "member_token": _token(users["ngo_member"]) if "ngo_member" in users else "",
    }


def resolve(users: dict[str, User]) -> tuple[list[tuple[VisitPage, str]], list[VisitPage]]:
    """The pages with their URLs, and those left out: their URL name does not exist, or the
    data set lacks what they show."""
    context = _context(users)
    found, missing = [], []
    for page in VISIT_PAGES:
        values = [context.get(page.arg)] if page.arg else []
        if page.persona not in users or not all(values):
            missing.append(page)
            continue
        try:
            url = reverse(page.url_name, args=values)
        except NoReverseMatch:
            missing.append(page)
            continue
        query = page.query.format(**context)
        found.append((page, f"{url}?{query}" if query else url))
    return found, missing


# The capacity check ---------------------------------------------------------------------------


@dataclass
class _Request:
    actor: User
    agreement: Agreement
    person: Person


def _date_and_requests(
    facility: Facility,
) -> tuple[VisitingWindow, Any, list[_Request], dict[int, tuple[int, int]]] | None:
    """The first date of one of the facility's windows after the visits already requested, and
    ``CONCURRENT`` requests for it of one person each, under the MoUs in force there that allow
    it. With too few MoUs and people for one request each, people are asked for again (the
    service lets a person be on two visits of a day) and the MoUs' weekly limits are raised
    for the run: the limits returned are put back afterwards."""
    today = timezone.localdate()
    requesters = {
        m.organisation_id: m.user
        for m in Membership.objects.filter(role__in=[Role.NGO_MEMBER, Role.NGO_ADMIN])
        .select_related("user")
        .order_by("-id")
    }
    mous = list(
        agreements_in_force().filter(facilities=facility).prefetch_related("people").order_by("id")
    )
    for ahead in range(FUTURE_DAYS + 1, rules_of(facility).max_notice_days + 1):
        day = today + timedelta(days=ahead)
        windows = [w for w in VisitingWindow.objects.filter(facility=facility) if w.falls_on(day)]
        if windows and closure_blocking(facility, day, windows[0], []) is None:
            break
    else:
        return None
    window = windows[0]
    # The run raises the weekly and monthly limits of the MoUs it asks under (and puts them back
    # after): each request is checked under the raised limits, the MoUs' own kept to put back.
    own_limits = {mou.pk: (mou.visits_per_week, mou.visits_per_month) for mou in mous}
    for mou in mous:
        mou.visits_per_week = mou.visits_per_month = CONCURRENT
    allowed: list[_Request] = []
    for mou in mous:
        actor = requesters.get(mou.organisation_id)
        if actor is None:
            continue
        for person in mou.people.all():
            plan = Plan(
                agreement=mou,
                facility=facility,
                day=day,
                starts=window.starts,
                ends=window.ends,
                purpose="service",
                activity_type=None,
                people=[person],
                areas=[],
                equipment=[],
            )
            if not breaches(plan):
                allowed.append(_Request(actor, mou, person))
    if len(allowed) < LAST_PLACES:
        return None
    chosen = [allowed[n % len(allowed)] for n in range(CONCURRENT)]
    limits = {request.agreement.pk: own_limits[request.agreement.pk] for request in chosen}
    return window, day, chosen, limits


def measure_capacity() -> dict[str, Any]:
    """``CONCURRENT`` requests at once, each in its own thread and database connection, for the
    last ``LAST_PLACES`` places of one date of a window at the busiest facility: how many are
    admitted (exactly the places left, or the lock failed), how long the whole takes and each
    request. The window's places are set for the run to those taken plus ``LAST_PLACES``, the
    admitted visits are withdrawn afterwards and the places put back."""
    info = visits_info()
    if not info:
        return {}
    facility = Facility.objects.get(pk=info["busy_facility"])
    found = _date_and_requests(facility)
    if found is None:
        return {"error": f"no date with {CONCURRENT} requests that the MoUs allow"}
    window, day, chosen, limits = found
    taken = Visitor.objects.filter(
        visit__in=Visit.objects.holding_places().filter(window=window, day=day)
    ).count()
    places = window.places
    VisitingWindow.objects.filter(pk=window.pk).update(places=taken + LAST_PLACES)
    Agreement.objects.filter(pk__in=list(limits)).update(
        visits_per_week=CONCURRENT, visits_per_month=CONCURRENT
    )
    barrier = threading.Barrier(CONCURRENT + 1)
    results: list[tuple[float, str]] = [(0.0, "")] * CONCURRENT
    created: list[int] = []

    def run(n: int, request: _Request) -> None:
        close_old_connections()
        try:
            window_ = VisitingWindow.objects.get(pk=window.pk)
            organisation = request.agreement.organisation
            barrier.wait()
            t0 = time.perf_counter()
            try:
                visits = request_services.visit_request(
                    actor=request.actor,
                    organisation=organisation,
                    agreement=request.agreement,
                    facility=facility,
                    window=window_,
                    day=day,
                    purpose="service",
                    people=[request.person],
                )
                outcome = "admitted"
                created.extend(v.pk for v in visits)
            except DomainError as error:
                outcome = error.message
            results[n] = ((time.perf_counter() - t0) * 1000, outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, request)) for n, request in enumerate(chosen)]
    load = os.getloadavg()[0]
    try:
        for thread in threads:
            thread.start()
        barrier.wait()
        t0 = time.perf_counter()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - t0
        after = Visitor.objects.filter(
            visit__in=Visit.objects.holding_places().filter(window=window, day=day)
        ).count()
    finally:
        for visit in Visit.objects.filter(pk__in=created).select_related("organisation"):
            actor = User.objects.get(pk=visit.requested_by_id)
            request_services.visit_withdraw(actor=actor, visit=visit, note="Benchmark run.")
        VisitingWindow.objects.filter(pk=window.pk).update(places=places)
        for pk, (week, month) in limits.items():
            Agreement.objects.filter(pk=pk).update(visits_per_week=week, visits_per_month=month)
    times = sorted(t for t, _outcome in results)
    refusals: dict[str, int] = {}
    for _t, outcome in results:
        if outcome != "admitted":
            refusals[outcome[:90]] = refusals.get(outcome[:90], 0) + 1
    return {
        "requests": CONCURRENT,
        "places_left": LAST_PLACES,
        "admitted": sum(1 for _t, outcome in results if outcome == "admitted"),
        "overbooked": after > taken + LAST_PLACES,
        "wall_s": round(wall, 2),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1),
        "max_ms": round(times[-1], 1),
        "refusals": refusals,
        "mous": len({r.agreement.pk for r in chosen}),
        "people": len({r.person.pk for r in chosen}),
        "limits_raised": len(limits),
        "facility": facility.name,
        "day": str(day),
        "window": str(window),
        "taken_before": taken,
        "load_average": [round(load, 1), round(os.getloadavg()[0], 1)],
    }


def measure_visit_pages(
    clients: dict[str, Client], measure: Any, n: int, only: str, budget: float
) -> tuple[list[Any], list[str]]:
    """Measure the visits pages with ``measure`` (``measure.measure_page``); return the
    results and the pages left out."""
    from .build import PERSONAS
    from .measure import Page, _signed_in

    users = {key: User.objects.get(username=username) for key, username in PERSONAS.items()}
    for key, user in visit_personas().items():
        users[key] = user
        clients.setdefault(key, _signed_in(user))
    found, missing = resolve(users)
    results = []
    for page, url in found:
        if only and only not in page.name:
            continue
        result = measure(
            Page(page.name, page.persona, url, kind=page.kind, deep=page.deep, section="visits"),
            n,
            budget,
        )
        results.append(result)
    return results, [f"{p.name} ({p.persona}, {p.url_name})" for p in missing]


def visits_section(report: Any, dataset: dict[str, Any], before: dict[Any, Any]) -> list[str]:
    """The report's visits section: the data set, the pages, the capacity check."""
    from .build_visits import ADDED_STEP
    from .measure import _page_row, page_table_head

    info = dataset.get("visits") or {}
    pages = [p for p in report.pages if p.section == "visits"]
    if not info and not pages and not report.capacity:
        return []
    lines = ["", "## Visits", ""]
    if info:
        added = dataset.get("steps", {}).get(ADDED_STEP) or dataset.get("steps", {}).get("visits")
        statuses = ", ".join(
            f"{status.replace('_', ' ')} {count:,}"
            for status, count in sorted(info["statuses"].items(), key=lambda item: -item[1])
        )
        outcomes = ", ".join(
            f"{outcome.replace('_', ' ')} {count:,}"
            for outcome, count in sorted(info["outcomes"].items(), key=lambda item: -item[1])
        )
        mou_visits = info["visits"] - info["statuses"].get("notified", 0)
        lines += [
            f"{info['visits']:,} visits over ten years and {info['visitors']:,} visitors"
            + (f", built in {added:.0f} s" if added else "")
            + " (`bench/build_visits.py`). Statuses: "
            + statuses
            + f". Visitors' outcomes at the gate: {outcomes}. "
            f"{info['in_term']:,} of the organisations' visits"
            f" ({info['in_term'] / max(1, mou_visits):.0%})"
            " fall within their MoU's term; the MoUs of the data set run from 2019, most from"
            " 2023, and an older visit is recorded under one of its organisation's MoUs. The"
            f" busiest facility has {info['busy_today']} visits today, among them a joint"
            " monitoring visit of a dozen people (its page is measured).",
            "",
        ]
    if pages:
        lines += [*page_table_head(before), *(_page_row(p, before) for p in pages), ""]
    if report.left_out:
        lines += [
            "Not measured, their pages not in the project yet: " + "; ".join(report.left_out) + ".",
            "",
        ]
    c = report.capacity
    if c and "error" not in c:
        refusals = "; ".join(f"{count}× “{text}”" for text, count in c["refusals"].items())
        lines += [
            f"**Capacity under concurrent requests.** {c['requests']} requests at once"
            " (`visits.services.requests.visit_request`, one thread and one database connection"
            f" each) for the last {c['places_left']} places of the window {c['window']} on"
            f" {c['day']} at {c['facility']} ({c['taken_before']} places already taken; the"
            " window's places set for the run to those plus the last ones, and put back after),"
            f" under {c['mous']} MoUs, {c.get('people', c['requests'])} people:"
            f" **{c['admitted']} admitted**, "
            + ("overbooked" if c["overbooked"] else "none beyond the places")
            + f"; all answered in {c['wall_s']} s; per request p50 {c['p50_ms']} ms, p95"
            f" {c['p95_ms']} ms, slowest {c['max_ms']} ms; load average"
            f" {'–'.join(str(x) for x in c['load_average'])}. Refused: {refusals}."
            + (
                f" Too few MoUs and people for one request each: each person is asked for on"
                " several requests, and the weekly and monthly limits of"
                f" {c['limits_raised']} MoUs were raised for the run and put back after."
                if c.get("limits_raised")
                else ""
            )
            + " The admitted visits are withdrawn afterwards, so that the next run finds the same"
            " places.",
            "",
        ]
    elif c:
        lines += [f"**Capacity under concurrent requests**: not measured ({c['error']}).", ""]
    return lines
