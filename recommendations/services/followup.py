"""Follow-up: a follow-up or monitoring visit to a facility gets a checklist pre-filled with the
visiting organisation's open recommendations to that facility; during or after the visit the
organisation records what it verified of each, and so the verified status of each. The
organisation may also verify from the evidence an official posted."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.errors import DomainError
from activity.services import audit_record
from activity.typing import User
from visits.effects import VisitCreated
from visits.models import Purpose, Visit

from ..models import Recommendation, RecommendationQuerySet, Verification

#: The visits whose checklist is pre-filled: a service session is not a follow-up.
CHECKED_PURPOSES = (Purpose.FOLLOW_UP, Purpose.MONITORING)


def checklist_recommendations(facility_id: int, organisation_id: int) -> RecommendationQuerySet:
    """The recommendations a follow-up visit checks: the organisation's open recommendations
    to the facility. Another organisation's, confidential to it, are never on the list."""
    return Recommendation.objects.open().filter(
        facility_id=facility_id, organisation_id=organisation_id
    )


def checklist_prefill(created: VisitCreated) -> None:
    """Subscribed to ``visits.effects``: runs in the transaction that creates the visit."""
    if created.purpose not in CHECKED_PURPOSES:
        return
    Verification.objects.bulk_create(
        [
            Verification(recommendation_id=pk, visit_id=created.visit_id)
            for pk in checklist_recommendations(
                created.facility_id, created.organisation_id
            ).values_list("pk", flat=True)
        ]
    )


@transaction.atomic
def recommendation_verify(
    *,
    actor: User,
    recommendation: Recommendation,
    result: str,
    note: str = "",
    visit: Visit | None = None,
) -> Verification:
    """Record what the organisation verified of a recommendation, on a follow-up visit's
    checklist or from the evidence; its verified status becomes the latest result."""
    rec = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if result not in Recommendation.Verified.values or result == Recommendation.Verified.UNVERIFIED:
        raise DomainError(_("Choose what you verified."), field="result")
    if not rec.report.submitted_at:
        raise DomainError(_("The report has not been submitted yet."))
    now = timezone.now()
    if visit is not None:
        if visit.starts_at > now:
            raise DomainError(_("Record what you verified during or after the visit."))
        verification = (
            Verification.objects.select_for_update().filter(visit=visit, recommendation=rec).first()
        )
        if verification is None:
            raise DomainError(_("The recommendation is not on this visit's checklist."))
    else:
        verification = Verification(recommendation=rec)
    before = rec.verified_status
    verification.result = result
    verification.note = note.strip()
    verification.verified_by = actor
    verification.verified_at = now
    verification.save()
    rec.verified_status = result
    rec.verified_at = now
    fields = ["verified_status", "verified_at"]
    if result == Recommendation.Verified.IMPLEMENTED and rec.implemented_at is None:
        rec.implemented_at = now
        fields.append("implemented_at")
    rec.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="recommendation.verified",
        target=rec,
        changes={
            "verified_status": [before, result],
            "visit": visit.pk if visit else None,
            "note": verification.note,
        },
    )
    return verification
