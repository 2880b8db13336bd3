"""The recommendations dashboard: implementation rates by facility, theme and priority (what
the authorities claim beside what the organisation verified), overdue actions by age, the time
to implement, and the follow-up tracker.

One page for both sides: the administration's directors and coordinators see the figures of the
reports submitted to it, an organisation's members those of its own reports, each through the
same scoped selectors. The charts are SVG drawn on the server, each with its table."""

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from activity.permissions import deny
from activity.typing import AnyUser, AuthenticatedRequest
from directory.permissions import memberships

from .. import charts, permissions, selectors


def _percent(rate: float | None) -> str:
    if rate is None:
        return "–"
    return _("%(percent)s %%") % {"percent": number_format(round(rate * 100))}


def rate_chart(
    chart_id: str, title: str, label_header: str, rates: list[selectors.Rate]
) -> charts.Chart:
    """Verified, claimed but not verified, and the rest, end to end; the verified rate after."""
    return charts.Chart(
        id=chart_id,
        title=title,
        label_header=label_header,
        series=(
            charts.Series(_("Verified as implemented"), "solid"),
            charts.Series(_("Claimed, not verified"), "hatched"),
            charts.Series(_("Not implemented yet"), "light"),
        ),
        rows=tuple(
            charts.Row(
                label=rate.label,
                values=(rate.verified, rate.claimed_only, rate.rest),
                note=_percent(rate.rate),
                extra=(number_format(rate.claimed),),
            )
            for rate in rates
        ),
        stacked=True,
        total_header=_("Recommendations"),
        extra_headers=(_("Claimed implemented, in all"),),
        note_header=_("Verified rate"),
    )


def dashboard_charts(user: AnyUser) -> list[charts.Chart]:
    ageing = selectors.overdue_ageing(user)
    timing = selectors.time_to_implement(user)
    return [
        rate_chart(
            "rates-facility",
            _("Implementation by facility"),
            _("Facility"),
            selectors.rates_by_facility(user),
        ),
        rate_chart(
            "rates-theme", _("Implementation by theme"), _("Theme"), selectors.rates_by_theme(user)
        ),
        rate_chart(
            "rates-priority",
            _("Implementation by priority"),
            _("Priority"),
            selectors.rates_by_priority(user),
        ),
        charts.Chart(
            id="overdue",
            title=_("Overdue actions, by how long they are overdue"),
            label_header=_("Overdue by"),
            series=(charts.Series(_("Overdue actions"), "warn"),),
            rows=tuple(charts.Row(age.label, (age.count,)) for age in ageing)
            if any(age.count for age in ageing)
            else (),
        ),
        charts.Chart(
            id="time",
            title=_("Days from the report to verified implementation, by priority"),
            label_header=_("Priority"),
            series=(charts.Series(_("Median"), "solid"), charts.Series(_("Mean"), "light")),
            rows=tuple(
                charts.Row(t.label, (t.median, t.mean), extra=(number_format(t.count),))
                for t in timing
            ),
            extra_headers=(_("Implemented"),),
            decimals=1,
        ),
    ]


@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not permissions.can_view_dashboard(user):
        raise deny(user, "recommendations.dashboard", None, str(permissions.DASHBOARD_REFUSED))
    held = memberships(user)
    figures: dict[str, Any] = cache.get_or_set(  # type: ignore[assignment]
        f"recommendations:dashboard:{user.pk}:{get_language()}",
        lambda: {
            "charts": [charts.layout(chart) for chart in dashboard_charts(user)],
            "tracker": selectors.follow_up_tracker(user),
        },
        settings.RECOMMENDATIONS_DASHBOARD_SECONDS,
    )
    context = {
        "administrations": [
            m.administration
            for m in held
            if m.administration and m.role in permissions.ADMINISTRATION_STAFF
        ],
        "organisations": [
            m.organisation for m in held if m.organisation and m.role in permissions.WRITERS
        ],
        **figures,
    }
    return render(request, "recommendations/dashboard.html", context)
