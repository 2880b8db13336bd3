"""Published reports for the export and public-page tests, brought there through the services:
the window closes without engagement, the embargo lifts, the organisation publishes with a
name taken out. Copies of a published report, for counting queries with many, are written
directly: how they were published is the services' business, tested elsewhere."""

from datetime import timedelta
from io import BytesIO

from django.db.models import Max
from pypdf import PdfReader

from recommendations.models import Recommendation, Report
from recommendations.services import publication, window
from recommendations.services import reports as report_services

#: A name the report writes and the publication takes out.
NAME = "John Representative"
#: A live text changed after publication, which no public page or export may show.
LATER_TEXT = "Written after publication: never public."


def publish(report: Report, publisher) -> Report:
    report.refresh_from_db()
    assert report.respond_by is not None
    window.embargo_sweep(now=report.respond_by + timedelta(minutes=1))
    report.refresh_from_db()
    return publication.report_publish(actor=publisher, report=report, terms=[NAME])


def name_in(report: Report, author) -> None:
    """Add to a draft a recommendation that names a person."""
    report_services.recommendation_add(
        actor=author,
        report=report,
        text=f"Let {NAME} attend the education committee.",
        theme="activities",
        priority=2,
        standards=["mandela:104-105", "bangkok:42"],
    )


def copies(report: Report, count: int) -> list[Report]:
    """``count`` more published reports like ``report``, with its recommendations."""
    latest = Report.objects.aggregate(at=Max("published_at"))["at"]
    made = []
    for n in range(count):
        copy = Report.objects.get(pk=report.pk)
        copy.pk = None
        copy.published_at = latest - timedelta(minutes=n + 1)
        made.append(copy)
    Report.objects.bulk_create(made)
    recs = list(report.recommendations.all())
    clones = []
    for copy in made:
        for rec in recs:
            rec.pk = None
            rec.report = copy
            clones.append(
                Recommendation(
                    **{
                        f.attname: getattr(rec, f.attname)
                        for f in Recommendation._meta.concrete_fields
                    }
                )
            )
    Recommendation.objects.bulk_create(clones)
    return made


def pdf_text(content: bytes) -> str:
    reader = PdfReader(BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)
