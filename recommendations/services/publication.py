"""Publishing a report once its embargo is lifted: a public version with the personal data it
names taken out. The organisation reviews what is taken out before it goes out; the public pages
show only that copy, never the report itself."""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.errors import DomainError
from activity.transitions import transition
from activity.typing import User
from directory.models import Person

from ..models import Finding, Recommendation, Report
from .reports import locked

#: What stands in the public version for each piece of personal data taken out.
REDACTED = "█████"
#: A run of six or more digits, possibly after a few letters: identity, passport and prisoner
#: numbers.
_NUMBER = re.compile(r"\b[A-Za-z]{0,3}[-/]?\d{6,}\b")


def _texts(report: Report) -> list[str]:
    texts = [report.title, report.summary]
    for finding in report.findings.all():
        texts += [finding.text, finding.evidence]
    for rec in report.recommendations.all():
        texts += [rec.text, rec.response_reason]
    return [text for text in texts if text]


def redaction_suggestions(report: Report) -> list[str]:
    """The personal data the report names that the directory knows of (the names and document
    numbers of the organisation's people and of those on the visit) and every number that
    looks like an identity or prisoner number. The organisation adds what else it sees, such
    as a detainee's name, before publishing."""
    texts = _texts(report)
    joined = "\n".join(texts).casefold()
    people = Person.objects.filter(organisation=report.organisation) | Person.objects.filter(
        visits__visit=report.visit
    )
    found: dict[str, None] = {}
    for name, number in people.distinct().values_list("full_name", "document_number"):
        for value in (name, number):
            if value and value.casefold() in joined:
                found[value] = None
    for text in texts:
        for match in _NUMBER.findall(text):
            found[match] = None
    return list(found)


def clean_terms(terms: Iterable[str]) -> list[str]:
    """One term per line, blanks and repeats left out, longest first so that a full name is
    taken out before a part of it."""
    seen: dict[str, None] = {}
    for term in terms:
        term = term.strip()
        if term and term.casefold() not in {t.casefold() for t in seen}:
            seen[term] = None
    return sorted(seen, key=len, reverse=True)


def redact(text: str, terms: Sequence[str]) -> str:
    for term in terms:
        text = re.sub(re.escape(term), REDACTED, text, flags=re.IGNORECASE)
    return text


def public_version(report: Report, terms: Sequence[str]) -> dict[str, Any]:
    """The report as the public reads it: its texts with ``terms`` taken out, without the
    attachments (files cannot be redacted) and without the names of the officials who
    answered."""

    def clean(text: str) -> str:
        return redact(text, terms)

    findings = sorted(report.findings.all(), key=lambda f: (Finding.KIND_ORDER[f.kind], f.pk))
    recommendations: list[Recommendation] = list(
        report.recommendations.select_related("area").order_by("number")
    )
    return {
        "title": clean(report.title),
        "summary": clean(report.summary),
        "organisation": report.organisation.name,
        "facility": report.facility.name,
        "visited_on": report.visit.day.isoformat(),
        "submitted_on": timezone.localdate(report.submitted_at).isoformat()
        if report.submitted_at
        else "",
        "findings": [
            {"kind": f.kind, "text": clean(f.text), "evidence": clean(f.evidence)} for f in findings
        ],
        "recommendations": [
            {
                "number": rec.number,
                "text": clean(rec.text),
                "area": rec.area.name if rec.area else "",
                "priority": rec.priority,
                "quick_win": rec.quick_win,
                "theme": rec.theme,
                "standards": rec.standards,
                "response": rec.response,
                "response_reason": clean(rec.response_reason),
            }
            for rec in recommendations
        ],
    }


def _check_released(report: Report) -> None:
    if report.status != Report.Status.RELEASED:
        if report.status == Report.Status.PUBLISHED:
            raise DomainError(_("The report is already published."))
        raise DomainError(_("The report is under embargo: it cannot be published yet."))


def report_preview(*, report: Report, terms: Iterable[str]) -> dict[str, Any]:
    """What would be published with ``terms`` taken out; nothing is saved."""
    _check_released(report)
    return public_version(report, clean_terms(terms))


@transaction.atomic
def report_publish(*, actor: User, report: Report, terms: Iterable[str]) -> Report:
    """Publish the public version the organisation reviewed, with ``terms`` taken out. The
    copy is kept as it was published; later changes to the report do not reach it."""
    report = locked(report)
    _check_released(report)
    cleaned = clean_terms(terms)
    report.redactions = cleaned
    report.public_version = public_version(report, cleaned)
    report.published_at = timezone.now()
    report.published_by = actor
    transition(
        report,
        Report.Status.PUBLISHED,
        actor=actor,
        transitions=Report.TRANSITIONS,
        extra_fields=("redactions", "public_version", "published_at", "published_by"),
        details={"redacted": len(cleaned)},
    )
    return report
