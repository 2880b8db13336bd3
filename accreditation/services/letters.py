"""The decision letter: numbered, rendered once in the organisation's language, and kept.

A decision's letter is prepared by a Celery task after the decision commits (and again after an
appeal changes the decision); downloads serve the stored PDF. What the letter says is gathered
here, so that the organisation reads the same letter whoever prints it and whenever.
"""

import base64
import io
import logging
from typing import Any

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from activity.pdf import render_pdf
from activity.typing import User
from directory.models import Administration, Membership, Role

from ..models import Appeal, Decision
from ..selectors import appeal_deadline, application_score_sheet

logger = logging.getLogger(__name__)

TEMPLATE = "accreditation/pdf/decision_letter.html"


def verification_address(code: str) -> str:
    """The public page that checks ``code``, with the code filled in, at the address people
    use to reach the application."""
    path = reverse("accreditation:verify")
    return f"{settings.SITE_URL.rstrip('/')}{path}?{urlencode({'code': code})}"


def qr_code_data_uri(address: str) -> str:
    """A QR code of ``address`` as a PNG ``data:`` URL, made here and embedded in the letter
    (the PDF renderer fetches nothing). One pixel per module, with the standard quiet zone of
    four modules; the letter scales it up without smoothing."""
    buffer = io.BytesIO()
    segno.make_qr(address, error="m").save(buffer, kind="png", scale=1, border=4)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def signatory_role(user: User, administration: Administration) -> str:
    """The title someone signs under for the administration: their highest role in it."""
    held = set(
        Membership.objects.filter(user=user, administration=administration).values_list(
            "role", flat=True
        )
    )
    return next((str(role.label) for role in Role if role in held), "")


def _signatory(user: User, administration: Administration) -> dict[str, str]:
    return {
        "name": user.get_full_name() or user.get_username(),
        "role": signatory_role(user, administration),
    }


def letter_context(decision: Decision) -> dict[str, Any]:
    """What the decision letter says. Reviewers are not named in it."""
    application = decision.application
    administration = application.framework.administration
    sheet = application_score_sheet(application)
    accreditation = getattr(decision, "accreditation", None)
    address = verification_address(accreditation.verification_code) if accreditation else ""
    appeals = list(
        decision.appeals.filter(
            subject=Appeal.Subject.DECISION, decided_at__isnull=False
        ).select_related("decided_by")
    )
    return {
        "administration": administration,
        "application": application,
        "organisation": application.organisation,
        "activity_types": list(application.activity_types.all()),
        "facilities": list(application.facilities.all()),
        "decision": decision,
        "sheet": sheet,
        "reviewer_labels": [
            _("Reviewer %(number)s") % {"number": n} for n in range(1, sheet.reviewer_count + 1)
        ],
        "conditions": list(decision.conditions.all()),
        "accreditation": accreditation,
        "verification_address": address,
        "qr_code": qr_code_data_uri(address) if address else "",
        "appeal_deadline": None if appeals else appeal_deadline(decision, Appeal.Subject.DECISION),
        "appeals": [
            (appeal, _signatory(appeal.decided_by, administration))
            for appeal in appeals
            if appeal.decided_by is not None
        ],
        "signatory": _signatory(decision.decided_by, administration),
    }


def decision_letter_render(*, decision_id: int) -> bool:
    """Render the letter of a decision in its organisation's language and keep it, unless it
    is kept already; return whether it rendered. Safe to run twice, or twice at once: the second
    run finds the letter, or finds the decision locked by the first, and does nothing."""
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(skip_locked=True).filter(pk=decision_id).first()
        )
        if decision is None or decision.letter:
            return False
        decision = Decision.objects.select_related(
            "decided_by",
            "accreditation",
            "application__organisation",
            "application__framework__administration",
        ).get(pk=decision_id)
        with translation.override(decision.application.organisation.language):
            pdf = render_pdf(TEMPLATE, letter_context(decision))
        decision.letter.save("letter.pdf", ContentFile(pdf), save=False)
        decision.letter_rendered_at = timezone.now()
        decision.save(update_fields=["letter", "letter_rendered_at"])
    logger.info("Decision letter %s rendered.", decision.reference)
    return True


def decision_letter_request(*, decision: Decision) -> None:
    """Ask for a letter that is not kept yet, such as one whose rendering was lost with a
    worker; rendering it twice does no harm."""
    from ..tasks import decision_letter_render as task

    if not decision.letter:
        task.delay(decision.pk)
