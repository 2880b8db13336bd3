"""The recommendations pages the benchmark measures, and the two sweeps the beat runs over them.

A page is one line of ``RECOMMENDATION_PAGES``: its name, whose page it is, the URL's name and
the argument it takes from the data set (``_context``). A page whose URL name the project does
not have (yet) is left out and named in the report. The filters are given by the names the
lists' FilterSets are expected to use; a list that does not know one ignores it.
"""

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from activity.models import Reminder
from directory.models import Membership, Role
from recommendations.models import Action, Recommendation, Report
from recommendations.services import plan, window

from .build_recommendations import recommendations_info
from .build_visits import visits_info


@dataclass(frozen=True)
class RecommendationPage:
    name: str
    persona: str  # a key of PERSONAS, "official" or "anonymous"
    url_name: str
    kind: str = "list"
    arg: str = ""  # a key of ``_context``: the URL's argument
    query: str = ""  # formatted with ``_context``
    deep: bool = False


_R = RecommendationPage
#: Every recommendations page, one line each. ``official`` is the responsible official of the
#: busiest facility (about 120 actions); ``report`` is the published report with the most
#: recommendations there; ``ngo_report`` the NGO administrator's latest.
RECOMMENDATION_PAGES = [
    _R("recommendations reports", "director", "recommendations:report_list"),
    _R(
        "recommendations reports, confidential",
        "director",
        "recommendations:report_list",
        query="status=submitted",
    ),
    _R(
        "recommendations reports, one facility",
        "director",
        "recommendations:report_list",
        query="facility={facility}",
    ),
    _R("recommendations reports, page 21", "director", "recommendations:report_list", deep=True),
    _R("recommendations reports", "coordinator", "recommendations:report_list"),
    _R("recommendations reports", "ngo_admin", "recommendations:report_list"),
    _R(
        "recommendations report page",
        "director",
        "recommendations:report_detail",
        "detail",
        "report",
    ),
    _R(
        "recommendations report page",
        "ngo_admin",
        "recommendations:report_detail",
        "detail",
        "ngo_report",
    ),
    _R("recommendations list", "director", "recommendations:recommendation_list"),
    _R(
        "recommendations list, urgent",
        "director",
        "recommendations:recommendation_list",
        query="priority=1",
    ),
    _R(
        "recommendations list, one facility",
        "director",
        "recommendations:recommendation_list",
        query="facility={facility}",
    ),
    _R(
        "recommendations list, page 21",
        "director",
        "recommendations:recommendation_list",
        deep=True,
    ),
    _R("recommendations list", "ngo_admin", "recommendations:recommendation_list"),
    _R("recommendations list", "official", "recommendations:recommendation_list"),
    _R(
        "recommendations recommendation page",
        "director",
        "recommendations:recommendation_detail",
        "detail",
        "recommendation",
    ),
    _R(
        "recommendations recommendation page",
        "ngo_admin",
        "recommendations:recommendation_detail",
        "detail",
        "ngo_recommendation",
    ),
    _R("recommendations actions", "director", "recommendations:action_list"),
    _R(
        "recommendations actions, overdue",
        "director",
        "recommendations:action_list",
        query="overdue=1",
    ),
    _R(
        "recommendations actions, one facility",
        "director",
        "recommendations:action_list",
        query="facility={facility}",
    ),
    _R("recommendations actions, page 21", "director", "recommendations:action_list", deep=True),
    _R("recommendations actions", "coordinator", "recommendations:action_list"),
    _R("recommendations actions", "ngo_admin", "recommendations:action_list"),
    _R("recommendations my actions", "official", "recommendations:action_mine"),
    _R(
        "recommendations my actions, overdue",
        "official",
        "recommendations:action_mine",
        query="overdue=1",
    ),
    _R(
        "recommendations action page",
        "official",
        "recommendations:action_detail",
        "detail",
        "action",
    ),
    _R(
        "recommendations action page",
        "director",
        "recommendations:action_detail",
        "detail",
        "action",
    ),
    _R("recommendations dashboard", "director", "recommendations:dashboard", "dashboard"),
    _R("recommendations dashboard", "coordinator", "recommendations:dashboard", "dashboard"),
    _R("recommendations follow-up tracker", "coordinator", "recommendations:followup_list"),
    _R("recommendations follow-up tracker", "ngo_admin", "recommendations:followup_list"),
    _R("recommendations public reports", "anonymous", "recommendations:public_list", "public"),
    _R(
        "recommendations public reports, page 21",
        "anonymous",
        "recommendations:public_list",
        "public",
        deep=True,
    ),
    _R(
        "recommendations public report",
        "anonymous",
        "recommendations:public_report",
        "public",
        "report",
    ),
]


def recommendation_personas() -> dict[str, User]:
    """The responsible official of the busiest facility, whose actions "my actions" lists."""
    info = recommendations_info() or {}
    return {"official": User.objects.get(pk=info["official"])} if info.get("official") else {}


def _context(users: dict[str, User]) -> dict[str, Any]:
    info = recommendations_info() or {}
    # A data set built in one go records the busiest facility with its visits only: the visits
    # step's record is written after the recommendations step has read it.
    facility = info.get("busy_facility") or (visits_info() or {}).get("busy_facility")
    report = (
        Report.objects.filter(facility=facility, status=Report.Status.PUBLISHED)
        .annotate(n=Count("recommendations"))
        .order_by("-n", "-id")
        .values_list("id", flat=True)
        .first()
    )
    ngo = users.get("ngo_admin")
    organisations = list(
        Membership.objects.filter(user=ngo, role=Role.NGO_ADMIN).values_list(
            "organisation_id", flat=True
        )
    )
    ngo_report = (
        Report.objects.filter(organisation__in=organisations)
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
        .first()
    )
    official = users.get("official")
    return {
        "facility": facility,
        "report": report,
        "ngo_report": ngo_report,
        "recommendation": Recommendation.objects.filter(facility=facility)
        .annotate(n=Count("actions"))
        .order_by("-n", "-id")
        .values_list("id", flat=True)
        .first(),
        "ngo_recommendation": Recommendation.objects.filter(report=ngo_report)
        .values_list("id", flat=True)
        .first(),
        "action": Action.objects.filter(responsible=official)
        .annotate(n=Count("updates"))
        .order_by("-n", "-id")
        .values_list("id", flat=True)
        .first(),
    }


def resolve(users: dict[str, User]) -> tuple[list[tuple[RecommendationPage, str]], list[Any]]:
    """The pages with their URLs, and those left out: their URL name does not exist, or the
    data set lacks what they show."""
    context = _context(users)
    found, missing = [], []
    for page in RECOMMENDATION_PAGES:
        values = [context.get(page.arg)] if page.arg else []
        if (page.persona != "anonymous" and page.persona not in users) or not all(values):
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


def measure_recommendation_pages(
    n: int, only: str, budget: float = 0.0
) -> tuple[list[Any], list[str]]:
    """Measure the recommendations pages that exist; return the results and the pages left
    out."""
    from .build import PERSONAS
    from .measure import Page, _clients, _signed_in, measure_page

    clients, admin = _clients()
    users = {key: User.objects.get(username=username) for key, username in PERSONAS.items()}
    for key, user in recommendation_personas().items():
        users[key] = user
        clients[key] = _signed_in(user)
    found, missing = resolve(users)
    results = []
    for page, url in found:
        if only and only not in page.name:
            continue
        result = measure_page(
            Page(
                page.name,
                page.persona,
                url,
                kind=page.kind,
                deep=page.deep,
                section="recommendations",
            ),
            clients,
            admin,
            n,
            budget,
        )
        print(
            f"  {page.name:44} {page.persona:12} {result.requests:3}× {result.median_ms:8.1f} ms"
            f"  p95 {result.p95_ms:8.1f}  {result.queries:3} q  sql {result.sql_ms:7.1f} ms"
            f"  {result.kb:6.1f} KB" + (f"  HTTP {result.status}" if result.status != 200 else ""),
            flush=True,
        )
        results.append(result)
    left_out = [f"{p.name} ({p.persona}, {p.url_name})" for p in missing]
    for name in left_out:
        print(f"  left out (no such page): {name}", flush=True)
    return results, left_out


def measure_sweeps() -> dict[str, Any]:
    """Time the two sweeps the beat runs over the data set, each in a transaction rolled back
    afterwards, so that the next run finds the same work: the embargo lifted on the reports
    whose window closed without an answer (``window.embargo_sweep``, about 2,000 due), and the
    reminders of the overdue actions (``plan.actions_overdue_remind``)."""
    result: dict[str, Any] = {}
    with transaction.atomic():
        due = len(window.embargo_due())
        t0 = time.perf_counter()
        lifted = window.embargo_sweep()
        result["embargo"] = {
            "due": due,
            "lifted": lifted,
            "seconds": round(time.perf_counter() - t0, 2),
        }
        transaction.set_rollback(True)
    # A week on, so that every overdue action is reminded again, whatever an earlier run left.
    today = timezone.localdate() + timedelta(days=7)
    with transaction.atomic():
        overdue = Action.objects.overdue(today).count()
        before = Reminder.objects.count()
        t0 = time.perf_counter()
        created = plan.actions_overdue_remind(today=today)
        result["overdue"] = {
            "actions": overdue,
            "reminders": created,
            "rows": Reminder.objects.count() - before,
            "seconds": round(time.perf_counter() - t0, 2),
        }
        transaction.set_rollback(True)
    return result


def recommendations_section(
    report: Any, dataset: dict[str, Any], before: dict[Any, Any]
) -> list[str]:
    """The report's recommendations section: the data set, the pages, the sweeps."""
    from .build_recommendations import ADDED_STEP
    from .measure import _page_row, page_table_head

    info = dataset.get("recommendations") or {}
    pages = [p for p in report.pages if p.section == "recommendations"]
    sweeps = getattr(report, "recommendation_sweeps", {})
    if not info and not pages and not sweeps:
        return []
    lines = ["", "## Recommendations", ""]
    if info:
        steps = dataset.get("steps", {})
        added = steps.get(ADDED_STEP) or steps.get("recommendations")
        statuses = ", ".join(
            f"{status} {count:,}"
            for status, count in sorted(info["statuses"].items(), key=lambda item: -item[1])
        )
        actions = ", ".join(
            f"{status.replace('_', ' ')} {count:,}"
            for status, count in sorted(info["action_statuses"].items(), key=lambda item: -item[1])
        )
        lines += [
            f"{info['reports']:,} reports of visits that took place and"
            f" {info['recommendations']:,} recommendations"
            + (f", built in {added:.0f} s" if added else "")
            + f" (`bench/build_recommendations.py`). Reports: {statuses};"
            f" {info['due']:,} of the confidential ones have their window closed without an"
            " answer, due for the sweep. Each report has a good practice and two concerns; its"
            " recommendations spread over every priority, theme and standard, 8 % repeating an"
            " earlier one to the facility, and are answered (accepted, partly, rejected) where"
            f" the authorities engaged. {info['actions']:,} actions ({actions};"
            f" {info['overdue']:,} overdue), each given to the responsible official of its"
            f" facility (one per facility, a tenth to the administration's own), with"
            f" {info['updates']:,} progress updates; {info['verifications']:,} verifications,"
            " on the checklist of the organisation's next follow-up visit to the facility or"
            " from an action's evidence.",
            "",
        ]
    if pages:
        lines += [*page_table_head(before), *(_page_row(p, before) for p in pages), ""]
    left_out = getattr(report, "recommendations_left_out", [])
    if left_out:
        lines += [
            "Not measured, their pages not in the project yet: " + "; ".join(left_out) + ".",
            "",
        ]
    if sweeps:
        embargo, overdue = sweeps["embargo"], sweeps["overdue"]
        lines += [
            f"- Embargo sweep (`recommendations.services.window.embargo_sweep`):"
            f" {embargo['lifted']:,} of {embargo['due']:,} due lifted in {embargo['seconds']} s,"
            " each in its own transaction (measured inside one rolled back afterwards).",
            f"- Overdue actions (`recommendations.services.plan.actions_overdue_remind`):"
            f" {overdue['actions']:,} overdue actions, {overdue['reminders']:,} reminders in"
            f" {overdue['seconds']} s (rolled back afterwards).",
            "",
        ]
    return lines
