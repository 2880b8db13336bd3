"""Until it is published, a report reaches nobody but its organisation and its administration's
directors and coordinators: not another organisation, not another administration, not the
facility's or the gate's officers, not an official with no action on it, not the public; through
no channel: page, list, count, search, suggestion, dashboard, export, PDF, public page or
notification."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from activity.models import Notification, Reminder
from recommendations.models import Export, Recommendation
from recommendations.services import window
from tests.conftest import login

#: Words of the report and of its recommendations (see conftest.write_report).
TITLE = "Visit to the education wing"
RECOMMENDATION = "keep classes running when staff are short"
FINDING = "Classes are cancelled when the wing is short of staff"

OUTSIDERS = [
    "outsider",
    "other_director",
    "facility_officer",
    "gate_officer",
    "responsible_official",
    "monitor",
    None,
]


def _pages(report, rec) -> list[tuple[str, dict[str, str] | None]]:
    """Every page that could show it: (url, POST data or None for a GET)."""
    urls = [
        reverse("recommendations:report_detail", args=[report.pk]),
        reverse("recommendations:report_publish", args=[report.pk]),
        reverse("recommendations:recommendation_detail", args=[rec.pk]),
        reverse("recommendations:report_list"),
        reverse("recommendations:report_list") + "?q=education",
        reverse("recommendations:report_choices", args=["facility"]) + "?q=Central",
        reverse("recommendations:recommendation_list"),
        reverse("recommendations:recommendation_list") + "?q=classes",
        reverse("recommendations:action_list"),
        reverse("recommendations:followup_list"),
        reverse("recommendations:dashboard"),
        reverse("recommendations:public_list"),
        reverse("recommendations:public_report", args=[report.pk]),
        reverse("recommendations:export_list") + f"?report={report.pk}",
        reverse("dashboard"),
        reverse("activity:notification_list"),
    ]
    pages: list[tuple[str, dict[str, str] | None]] = [(url, None) for url in urls]
    for kind in Export.Kind.values:
        for variant in Export.Variant.values:
            data = {f"{kind}-variant": variant, f"{kind}-report": str(report.pk), "format": "csv"}
            pages.append((reverse("recommendations:export_make", args=[kind]), data))
            pages.append(
                (
                    reverse("recommendations:export_make", args=[kind]),
                    {f"{kind}-variant": variant, "format": "csv"},
                )
            )
    return pages


def _content(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _reveals(client: Client, report, rec) -> list[str]:
    leaks = []
    for url, data in _pages(report, rec):
        response = client.post(url, data) if data is not None else client.get(url)
        text = _content(response)
        for words in (TITLE, RECOMMENDATION, FINDING):
            if words in text:
                leaks.append(f"{url} {data or ''}: {words}")
    return leaks


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_a_report_under_embargo_reveals_nothing_to_anyone_else(
    request, persona, submitted, recommendation, director, coordinator, ngo_admin
):
    client = Client()
    if persona is not None:
        login(client, request.getfixturevalue(persona))
    assert _reveals(client, submitted, recommendation) == []
    # Released, not yet published: still nothing.
    with time_machine.travel(submitted.respond_by + timedelta(minutes=1), tick=False):
        window.embargo_sweep()
    assert _reveals(client, submitted, recommendation) == []
    if persona is not None:
        user = request.getfixturevalue(persona)
        assert not Reminder.objects.filter(recipient=user).exists()
        assert not Notification.objects.filter(recipient=user).exists()
    # No PDF asked for by anyone else names it either.
    assert not Export.objects.exclude(requested_by__in=[director, coordinator, ngo_admin]).exists()


def test_the_organisation_and_the_administration_do_see_it(
    submitted, recommendation, director, coordinator, ngo_admin
):
    """The check above can fail: those who may see the report find its words on these pages."""
    for user in (director, coordinator, ngo_admin):
        client = login(Client(), user)
        text = _content(client.get(reverse("recommendations:report_detail", args=[submitted.pk])))
        assert TITLE in text
        assert FINDING in text
        listed = _content(client.get(reverse("recommendations:recommendation_list")))
        assert RECOMMENDATION in listed
        exported = _content(
            client.post(
                reverse("recommendations:export_make", args=["follow_up"]),
                {"follow_up-variant": "confidential", "format": "csv"},
            )
        )
        assert RECOMMENDATION in exported


def test_a_draft_reveals_nothing_to_the_administration(draft, director, coordinator):
    rec = Recommendation.objects.filter(report=draft).first()
    for user in (director, coordinator):
        assert _reveals(login(Client(), user), draft, rec) == []
